import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkLnAddress, isForbiddenHost, lnurlpUrl } from './check-ln-address.ts'

describe('lnurlpUrl', () => {
  it('uses https, and http only for loopback hosts outside production', () => {
    expect(lnurlpUrl('alice@wallet.example', false)).toBe(
      'https://wallet.example/.well-known/lnurlp/alice',
    )
    expect(lnurlpUrl('alice@127.0.0.1:8080', false)).toBe(
      'http://127.0.0.1:8080/.well-known/lnurlp/alice',
    )
    expect(lnurlpUrl('alice@localhost:8080', false)).toBe(
      'http://localhost:8080/.well-known/lnurlp/alice',
    )
    expect(lnurlpUrl('alice@127.0.0.1:8080', true)).toBe(
      'https://127.0.0.1:8080/.well-known/lnurlp/alice',
    )
    expect(lnurlpUrl('alice@10.0.0.1', false)).toBe('https://10.0.0.1/.well-known/lnurlp/alice')
  })
})

describe('isForbiddenHost', () => {
  it('refuses loopback and private hosts in production only', () => {
    for (const h of [
      'localhost:3000',
      '127.0.0.1',
      '10.1.2.3',
      '192.168.0.1',
      '172.20.0.1',
      '[::1]',
      '[fd00::1]',
      'a.localhost',
      '100.64.1.1',
      'printer.local',
      'intranet',
    ]) {
      expect(isForbiddenHost(h, true), h).toBe(true)
      expect(isForbiddenHost(h, false), h).toBe(false)
    }
    for (const h of [
      'wallet.example',
      '8.8.8.8',
      '172.32.0.1',
      '11.0.0.1',
      'wallet.example:443',
      '[2606:4700::1111]',
    ]) {
      expect(isForbiddenHost(h, true), h).toBe(false)
    }
  })
  it('refuses numeric IPv4 spellings, mapped IPv6, link-local and metadata addresses in every mode', () => {
    for (const h of [
      '0x7f000001',
      '2130706433',
      '0177.0.0.1',
      '127.1',
      '0x7f000001:80',
      '2852039166',
      '[::ffff:127.0.0.1]',
      '[::ffff:169.254.169.254]',
      '169.254.169.254',
      '169.254.169.254:80',
      '[fe80::1]',
      '0.0.0.0',
      '[::]',
      '224.0.0.1',
      '[ff02::1]',
    ]) {
      expect(isForbiddenHost(h, true), h).toBe(true)
      expect(isForbiddenHost(h, false), h).toBe(true)
    }
  })
})

describe('checkLnAddress', () => {
  let server: Server
  let port = 0
  let hits = 0
  beforeAll(async () => {
    server = createServer((req, res) => {
      hits++
      res.writeHead(req.url === '/.well-known/lnurlp/err' ? 400 : 200, {
        'content-type': 'application/json',
      })
      if (req.url === '/.well-known/lnurlp/err')
        res.end(JSON.stringify({ status: 'ERROR', reason: 'SECRET-INTERNAL-DETAIL at 10.0.0.7' }))
      else
        res.end(
          JSON.stringify({
            tag: 'payRequest',
            callback: `http://127.0.0.1:${port}/cb`,
            minSendable: 1000,
            maxSendable: 10_000,
          }),
        )
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    port = (server.address() as AddressInfo).port
  })
  afterAll(
    () =>
      new Promise<void>((r) => {
        server.close(() => r())
      }),
  )

  it('checks a loopback address over real HTTP in development', async () => {
    expect(await checkLnAddress(`alice@127.0.0.1:${port}`, { fetch, production: false })).toEqual({
      reachable: true,
    })
  })

  it('never repeats the remote reason in its error', async () => {
    const err = await checkLnAddress(`err@127.0.0.1:${port}`, { fetch, production: false }).catch(
      (e: unknown) => e,
    )
    expect(err).toMatchObject({ code: 'LNURL_INVALID' })
    expect((err as Error).message).not.toContain('SECRET')
    expect((err as Error).message).not.toContain('10.0.0.7')
  })

  it('refuses numeric spellings of loopback without fetching', async () => {
    const before = hits
    for (const host of ['0x7f000001', '2130706433', '127.1']) {
      await expect(
        checkLnAddress(`alice@${host}:${port}`, { fetch, production: false }),
      ).rejects.toMatchObject({ code: 'LNURL_INVALID' })
    }
    expect(hits).toBe(before)
  })

  it('resolves names and refuses one that resolves to a private, loopback or metadata address in production', async () => {
    const fetched: string[] = []
    const recordingFetch = (async (u: string | URL) => {
      fetched.push(String(u))
      return new Response('{}')
    }) as typeof fetch
    for (const addresses of [
      ['10.0.0.5'],
      ['127.0.0.1'],
      ['8.8.8.8', '169.254.169.254'],
      ['::ffff:127.0.0.1'],
      ['fd00::1'],
    ]) {
      const resolve = async (): Promise<string[]> => addresses
      await expect(
        checkLnAddress('alice@wallet.example', {
          fetch: recordingFetch,
          production: true,
          resolve,
        }),
      ).rejects.toMatchObject({
        code: 'LNURL_INVALID',
        message: expect.stringContaining('resolves to an address that is not public'),
      })
    }
    expect(fetched).toEqual([])
  })

  it('fetches a name that resolves only to public addresses; a name that does not resolve is kept unverified', async () => {
    const fetched: string[] = []
    const payRequest = {
      tag: 'payRequest',
      callback: 'https://wallet.example/cb',
      minSendable: 1,
      maxSendable: 2,
    }
    const answering = (async (u: string | URL) => {
      fetched.push(String(u))
      return Response.json(payRequest)
    }) as typeof fetch
    const resolve = async (h: string): Promise<string[]> =>
      h === 'wallet.example' ? ['93.184.216.34', '2606:2800:220:1::1'] : []
    expect(
      await checkLnAddress('alice@wallet.example', { fetch: answering, production: true, resolve }),
    ).toEqual({ reachable: true })
    expect(fetched).toEqual(['https://wallet.example/.well-known/lnurlp/alice'])
    const failing = async (): Promise<string[]> => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' })
    }
    expect(
      await checkLnAddress('alice@nowhere.example', {
        fetch: answering,
        production: true,
        resolve: failing,
      }),
    ).toEqual({ reachable: false, reason: 'nowhere.example does not resolve (ENOTFOUND)' })
    expect(fetched).toHaveLength(1)
  })
})
