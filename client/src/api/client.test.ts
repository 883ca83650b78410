import { afterEach, describe, expect, it } from 'vitest'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { generateSecretKey, getPublicKey } from 'nostr-tools/pure'
import * as nip98 from 'nostr-tools/nip98'
import { nip19 } from 'nostr-tools'
import { parseHttpAuth, verifyHttpAuth, sha256Hex } from '@zapcade/shared/events/http-auth'
import { secretKeySigner } from '../signers/secret-key.ts'
import { createZapcadeClient } from './client.ts'
import { ZapcadeApiError, ZapcadeNetworkError, ZapcadeResponseError } from './errors.ts'
import { nip98Header } from './nip98.ts'

interface Seen {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: Buffer
}
type Handler = (req: Seen) => { status: number; type?: string; body: string }

let server: Server | undefined
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()))
  server = undefined
})

async function serve(handler: Handler): Promise<{ base: string; seen: Seen[] }> {
  const seen: Seen[] = []
  server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const s: Seen = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      }
      seen.push(s)
      const out = handler(s)
      res.writeHead(out.status, { 'content-type': out.type ?? 'application/json' })
      res.end(out.body)
    })
  })
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
  return { base: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, seen }
}

const info = {
  market_pubkey: 'a'.repeat(64),
  relays: ['ws://127.0.0.1:7777'],
  lud16: null,
  fee_bps: 500,
  version: '0.1.0',
}
const purchase = {
  id: 'p1',
  status: 'PENDING',
  bolt11: 'lnbcrt1',
  payment_hash: 'b'.repeat(64),
  amount_msat: 21000,
  expires_at: 1_900_000_000,
  receipt_code: 'RC-1',
}

describe('NIP-98 header', () => {
  it('is "Nostr <base64>" of a kind-27235 event with u, method and the body sha256, accepted by the shared verifier and nostr-tools', async () => {
    const sk = generateSecretKey()
    const url = 'https://market.example/api/v1/purchases?x=1'
    const body = new TextEncoder().encode('{"game":"g"}')
    const nowMs = Date.now()
    const header = await nip98Header(secretKeySigner(sk), url, 'post', body, nowMs)
    expect(header).toMatch(/^Nostr [A-Za-z0-9+/]+=*$/)
    const ev = parseHttpAuth(header)
    if (!ev.ok) throw new Error(ev.reason)
    expect(ev.value.kind).toBe(27235)
    expect(ev.value.content).toBe('')
    expect(ev.value.tags.slice(0, 3)).toEqual([
      ['u', url],
      ['method', 'POST'],
      ['payload', await sha256Hex(body)],
    ])
    expect(
      verifyHttpAuth(ev.value, {
        url,
        method: 'POST',
        bodySha256: await sha256Hex(body),
        nowSec: Math.floor(nowMs / 1000),
      }),
    ).toEqual({ ok: true, value: getPublicKey(sk) })
    expect(await nip98.validateEvent(ev.value, url, 'POST', JSON.parse('{"game":"g"}'))).toBe(true)
  })

  it('two headers for the same request in the same second are different events (no false replay)', async () => {
    const signer = secretKeySigner(generateSecretKey())
    const now = Date.now()
    const a = parseHttpAuth(
      await nip98Header(signer, 'http://h/api/v1/me/library', 'GET', undefined, now),
    )
    const b = parseHttpAuth(
      await nip98Header(signer, 'http://h/api/v1/me/library', 'GET', undefined, now),
    )
    if (!a.ok || !b.ok) throw new Error('unparsable header')
    expect(a.value.id).not.toBe(b.value.id)
  })

  it('a bodiless request carries no payload tag', async () => {
    const header = await nip98Header(
      secretKeySigner(generateSecretKey()),
      'http://h/api/v1/me/library',
      'GET',
    )
    const ev = parseHttpAuth(header)
    if (!ev.ok) throw new Error(ev.reason)
    expect(ev.value.tags.map((t) => t[0])).not.toContain('payload')
  })
})

describe('createZapcadeClient', () => {
  it('signs exactly the bytes it sends, with u = the full URL the server sees', async () => {
    const sk = generateSecretKey()
    const { base, seen } = await serve(() => ({ status: 201, body: JSON.stringify(purchase) }))
    const c = createZapcadeClient({ baseUrl: base, signer: secretKeySigner(sk) })
    const p = await c.purchases.create({ game: `${'c'.repeat(64)}/slug`, amount_msat: 21000 })
    expect(p.receipt_code).toBe('RC-1')
    const req = seen[0]!
    expect(req.headers['content-type']).toBe('application/json')
    const ev = parseHttpAuth(req.headers.authorization)
    if (!ev.ok) throw new Error(ev.reason)
    const verdict = verifyHttpAuth(ev.value, {
      url: base + req.url,
      method: req.method,
      bodySha256: await sha256Hex(req.body),
      nowSec: Math.floor(Date.now() / 1000),
    })
    expect(verdict).toEqual({ ok: true, value: getPublicKey(sk) })
  })

  it('query parameters are part of the signed URL and undefined ones are left out', async () => {
    const { base, seen } = await serve(() => ({
      status: 200,
      body: JSON.stringify({
        url: 'http://x/blob',
        expires_at: 1,
        sha256: 'd'.repeat(64),
        size_bytes: 3,
      }),
    }))
    const c = createZapcadeClient({ baseUrl: base, signer: secretKeySigner(generateSecretKey()) })
    await c.download(`${'c'.repeat(64)}/game`, { version: '1.0.0' })
    await c.download(`${'c'.repeat(64)}/game`)
    expect(seen[0]!.url).toBe(
      `/api/v1/games/${'c'.repeat(64)}/game/download?version=1.0.0&format=json`,
    )
    expect(seen[1]!.url).toBe(`/api/v1/games/${'c'.repeat(64)}/game/download?format=json`)
    const ev = parseHttpAuth(seen[0]!.headers.authorization)
    if (!ev.ok) throw new Error(ev.reason)
    expect(ev.value.tags.find((t) => t[0] === 'u')?.[1]).toBe(base + seen[0]!.url)
  })

  it('a guest purchase and public reads send no Authorization; a receipt code travels as X-Receipt-Code', async () => {
    const { base, seen } = await serve((r) => ({
      status: r.url.startsWith('/api/v1/info') ? 200 : 201,
      body: JSON.stringify(r.url.startsWith('/api/v1/info') ? info : purchase),
    }))
    const c = createZapcadeClient({ baseUrl: base, signer: secretKeySigner(generateSecretKey()) })
    await c.info()
    await c.purchases.create({ game: `${'c'.repeat(64)}/slug` }, { guest: true })
    expect(seen.map((s) => s.headers.authorization)).toEqual([undefined, undefined])
    const { base: b2, seen: s2 } = await (async () => {
      await new Promise<void>((r) => server!.close(() => r()))
      return serve(() => ({
        status: 200,
        body: JSON.stringify({
          ...purchase,
          kind: 'CHECKOUT',
          game: null,
          price_msat: 21000,
          created_at: 1,
          paid_at: null,
          paid_late: false,
          is_tip: false,
          owner: 'guest',
          entitlement_id: null,
        }),
      }))
    })()
    await createZapcadeClient({ baseUrl: b2 }).purchases.get('p1', { receiptCode: 'RC-1' })
    expect(s2[0]!.headers['x-receipt-code']).toBe('RC-1')
    expect(s2[0]!.headers.authorization).toBeUndefined()
  })

  it('a problem+json answer becomes ZapcadeApiError with status, code and detail', async () => {
    const { base } = await serve(() => ({
      status: 422,
      type: 'application/problem+json',
      body: JSON.stringify({
        type: 'about:blank',
        title: 'Amount too low',
        status: 422,
        code: 'AMOUNT_TOO_LOW',
        detail: 'at least 21 sats',
        min_msat: 21000,
      }),
    }))
    const err = await createZapcadeClient({ baseUrl: base })
      .purchases.create({ game: 'x/y' })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ZapcadeApiError)
    expect(err).toMatchObject({
      status: 422,
      code: 'AMOUNT_TOO_LOW',
      detail: 'at least 21 sats',
      problem: { min_msat: 21000 },
    })
  })

  it('a non-JSON error page still becomes ZapcadeApiError with an HTTP_<status> code', async () => {
    const { base } = await serve(() => ({
      status: 502,
      type: 'text/html',
      body: '<h1>Bad gateway</h1>',
    }))
    const err = await createZapcadeClient({ baseUrl: base })
      .info()
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ status: 502, code: 'HTTP_502' })
  })

  it('a 2xx answer that does not match the shared schema is a ZapcadeResponseError naming the field', async () => {
    const { base } = await serve(() => ({
      status: 200,
      body: JSON.stringify({ ...info, fee_bps: 'five' }),
    }))
    await expect(createZapcadeClient({ baseUrl: base }).info()).rejects.toThrow(
      ZapcadeResponseError,
    )
    await expect(createZapcadeClient({ baseUrl: base }).info()).rejects.toThrow(/fee_bps/)
  })

  it('an unreachable market is a ZapcadeNetworkError', async () => {
    const { base } = await serve(() => ({ status: 200, body: '{}' }))
    await new Promise<void>((r) => server!.close(() => r()))
    server = undefined
    await expect(createZapcadeClient({ baseUrl: base }).info()).rejects.toThrow(ZapcadeNetworkError)
  })

  it('upload PUT sends the ticket headers and an exact content-length, for bytes and for a stream with progress', async () => {
    const { base, seen } = await serve(() => ({
      status: 200,
      body: JSON.stringify({ upload_id: 'u1', status: 'VERIFIED' }),
    }))
    const c = createZapcadeClient({ baseUrl: base, signer: secretKeySigner(generateSecretKey()) })
    const ticket = {
      id: 'u1',
      upload_url: `${base}/blobs/upload/tok`,
      method: 'PUT',
      headers: { 'content-type': 'application/zip' },
      expires_at: 0,
    }
    const bytes = new Uint8Array(70_000).fill(9)
    await c.developer.uploads.put(ticket, bytes, { sizeBytes: bytes.length })
    const progress: number[] = []
    const stream = new ReadableStream<Uint8Array>({
      start(ctl) {
        ctl.enqueue(bytes.subarray(0, 30_000))
        ctl.enqueue(bytes.subarray(30_000))
        ctl.close()
      },
    })
    await c.developer.uploads.put(ticket, stream, {
      sizeBytes: bytes.length,
      onProgress: (n) => progress.push(n),
    })
    for (const s of seen) {
      expect(s).toMatchObject({
        method: 'PUT',
        url: '/blobs/upload/tok',
        headers: { 'content-type': 'application/zip', 'content-length': '70000' },
      })
      expect(s.headers.authorization).toBeUndefined() // the signed URL is the credential; no NIP-98 to a bucket
      expect(s.body.equals(Buffer.from(bytes))).toBe(true)
    }
    expect(progress.at(-1)).toBe(70_000)
    expect(progress.length).toBeGreaterThanOrEqual(2)
  })

  it('a refused upload PUT becomes ZapcadeApiError with the service detail', async () => {
    const { base } = await serve(() => ({
      status: 422,
      type: 'application/problem+json',
      body: JSON.stringify({
        code: 'UPLOAD_INVALID',
        detail: 'sha256 does not match',
        status: 422,
      }),
    }))
    const c = createZapcadeClient({ baseUrl: base })
    const ticket = {
      id: 'u1',
      upload_url: `${base}/blobs/upload/tok`,
      method: 'PUT',
      headers: {},
      expires_at: 0,
    }
    await expect(
      c.developer.uploads.put(ticket, new Uint8Array([1, 2, 3]), { sizeBytes: 3 }),
    ).rejects.toMatchObject({ code: 'UPLOAD_INVALID', detail: 'sha256 does not match' })
  })

  it('me() signs GET /api/v1/me and answers the shared MeResponse; a malformed answer is refused', async () => {
    const sk = generateSecretKey()
    const pk = getPublicKey(sk)
    const me = {
      pubkey: pk,
      npub: nip19.npubEncode(pk),
      is_admin: true,
      developer: { payout_ln_address: null, games_count: 3 },
    }
    let answer: unknown = me
    const { base, seen } = await serve(() => ({ status: 200, body: JSON.stringify(answer) }))
    const c = createZapcadeClient({ baseUrl: base, signer: secretKeySigner(sk) })
    expect(await c.me()).toEqual(me)
    expect(seen[0]).toMatchObject({ method: 'GET', url: '/api/v1/me' })
    const ev = parseHttpAuth(seen[0]!.headers.authorization)
    if (!ev.ok) throw new Error(ev.reason)
    expect(
      verifyHttpAuth(ev.value, {
        url: `${base}/api/v1/me`,
        method: 'GET',
        nowSec: Math.floor(Date.now() / 1000),
      }),
    ).toEqual({ ok: true, value: pk })
    answer = { ...me, is_admin: 'yes' }
    await expect(c.me()).rejects.toThrow(ZapcadeResponseError)
  })

  it('a request that needs a key fails before any network use when there is no signer', async () => {
    const { base, seen } = await serve(() => ({ status: 200, body: '{}' }))
    await expect(createZapcadeClient({ baseUrl: base }).library()).rejects.toThrow(/needs a key/)
    expect(seen).toHaveLength(0)
  })
})
