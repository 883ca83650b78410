import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nip05Text, parseNip05, verifyNip05 } from './nip05.ts'

const KEY = 'ab'.repeat(32)
let server: Server
let here: { host: string; origin: string }

beforeAll(async () => {
  // A NIP-05 endpoint as NIP-05 describes it: names → hex pubkey, one name asked by ?name=.
  server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x')
    if (u.pathname === '/.well-known/nostr.json') {
      const name = u.searchParams.get('name')
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ names: name === 'nova' || name === '_' ? { [name]: KEY } : {} }))
    } else {
      res.statusCode = 404
      res.end()
    }
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as AddressInfo).port
  here = { host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}` }
})
afterAll(() => new Promise((r) => server.close(r)))

describe('NIP-05 in the browser', () => {
  it('parses name@domain (a port allowed for a local market) and shows the root name as the domain', () => {
    expect(parseNip05('Nova@Nova.Example')).toEqual({ name: 'nova', domain: 'nova.example' })
    expect(parseNip05('nova@127.0.0.1:8787')).toEqual({ name: 'nova', domain: '127.0.0.1:8787' })
    expect(parseNip05('not an id')).toBeUndefined()
    expect(nip05Text('_@nova.example')).toBe('nova.example')
    expect(nip05Text('nova@nova.example')).toBe('nova@nova.example')
  })

  it('verifies a name its domain maps to the key, and nothing else', async () => {
    expect(await verifyNip05(`nova@${here.host}`, KEY, here)).toBe(true)
    expect(await verifyNip05(`NOVA@${here.host}`, KEY.toUpperCase(), here)).toBe(true)
    expect(await verifyNip05(`_@${here.host}`, KEY, here)).toBe(true)
    expect(await verifyNip05(`other@${here.host}`, KEY, here)).toBe(false)
    expect(await verifyNip05(`nova@${here.host}`, 'cd'.repeat(32), here)).toBe(false)
    // Another domain is asked over https: a plain-http server there does not verify.
    expect(await verifyNip05(`nova@${here.host}`, KEY, { host: 'elsewhere', origin: 'x' })).toBe(
      false,
    )
    expect(await verifyNip05('garbage', KEY, here)).toBe(false)
  })
})
