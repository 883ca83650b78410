import { describe, expect, it } from 'vitest'
import { finalizeEvent, generateSecretKey } from 'nostr-tools/pure'
import { Kind } from '../kinds.ts'
import {
  buildHttpAuth,
  decodeBase64,
  httpAuthHeader,
  parseHttpAuth,
  sha256Hex,
  verifyHttpAuth,
  EMPTY_SHA256,
  HTTP_AUTH_KIND,
} from './http-auth.ts'
import type { NostrEvent } from './event.ts'

const NOW = 1_800_000_000
const URL_ = 'https://market.example/api/v1/developer/games?x=1'
const sk = generateSecretKey()
const signed = (over: Partial<Parameters<typeof buildHttpAuth>[0]> = {}): NostrEvent =>
  JSON.parse(
    JSON.stringify(
      finalizeEvent(buildHttpAuth({ url: URL_, method: 'GET', createdAtSec: NOW, ...over }), sk),
    ),
  ) as NostrEvent

it('the zod-free builder signs the NIP-98 kind (written out there, so it is checked here)', () => {
  expect(HTTP_AUTH_KIND).toBe(Kind.HttpAuth)
  expect(buildHttpAuth({ url: URL_, method: 'get', createdAtSec: NOW }).kind).toBe(27235)
})

describe('NIP-98 event checks', () => {
  it('accepts a fresh event bound to the URL and method, answering the signer', () => {
    const ev = signed()
    expect(verifyHttpAuth(ev, { url: URL_, method: 'GET', nowSec: NOW })).toEqual({
      ok: true,
      value: ev.pubkey,
    })
  })

  it('refuses created_at more than 60 s either way, naming which', () => {
    expect(
      verifyHttpAuth(signed({ createdAtSec: NOW - 61 }), { url: URL_, method: 'GET', nowSec: NOW }),
    ).toEqual({ ok: false, reason: 'created_at: expired' })
    expect(
      verifyHttpAuth(signed({ createdAtSec: NOW + 61 }), { url: URL_, method: 'GET', nowSec: NOW }),
    ).toEqual({ ok: false, reason: 'created_at: in the future' })
    expect(
      verifyHttpAuth(signed({ createdAtSec: NOW + 60 }), { url: URL_, method: 'GET', nowSec: NOW })
        .ok,
    ).toBe(true)
  })

  it('refuses another URL (path or query) and another method', () => {
    expect(
      verifyHttpAuth(signed(), {
        url: 'https://market.example/api/v1/developer/games?x=2',
        method: 'GET',
        nowSec: NOW,
      }),
    ).toEqual({ ok: false, reason: 'u: does not match the request URL' })
    expect(verifyHttpAuth(signed(), { url: URL_, method: 'POST', nowSec: NOW })).toEqual({
      ok: false,
      reason: 'method: does not match the request method',
    })
  })

  it('binds the body: payload must equal sha256 of the raw bytes, and is required with a body', async () => {
    const body = '{"a":1}'
    const hash = await sha256Hex(body)
    const ev = signed({ method: 'POST', payloadSha256: hash })
    expect(
      verifyHttpAuth(ev, { url: URL_, method: 'POST', bodySha256: hash, nowSec: NOW }).ok,
    ).toBe(true)
    expect(
      verifyHttpAuth(ev, {
        url: URL_,
        method: 'POST',
        bodySha256: await sha256Hex('{"a": 1}'),
        nowSec: NOW,
      }),
    ).toEqual({ ok: false, reason: 'payload: does not match the body' })
    expect(
      verifyHttpAuth(signed({ method: 'POST' }), {
        url: URL_,
        method: 'POST',
        bodySha256: hash,
        nowSec: NOW,
      }),
    ).toEqual({ ok: false, reason: 'payload: missing for a request with a body' })
    expect(
      verifyHttpAuth(signed({ method: 'POST', payloadSha256: EMPTY_SHA256 }), {
        url: URL_,
        method: 'POST',
        nowSec: NOW,
      }).ok,
    ).toBe(true)
  })

  it('refuses a forged signature and a wrong kind', () => {
    const ev = signed()
    const other = signed({ createdAtSec: NOW - 1 })
    expect(
      verifyHttpAuth({ ...ev, sig: other.sig }, { url: URL_, method: 'GET', nowSec: NOW }),
    ).toEqual({ ok: false, reason: 'signature: invalid id or signature' })
    expect(verifyHttpAuth({ ...ev, kind: 1 }, { url: URL_, method: 'GET', nowSec: NOW })).toEqual({
      ok: false,
      reason: 'kind: must be 27235',
    })
  })
})

describe('building', () => {
  it('gives two auth events for the same request in the same second different ids (random nonce)', () => {
    const a = signed()
    const b = signed()
    expect(a.id).not.toBe(b.id)
    expect(a.tags.find((t) => t[0] === 'nonce')?.[1]).toMatch(/^[0-9a-f]{32}$/)
    expect(buildHttpAuth({ url: URL_, method: 'get', createdAtSec: NOW, nonce: 'n' }).tags).toEqual(
      [
        ['u', URL_],
        ['method', 'GET'],
        ['nonce', 'n'],
      ],
    )
  })
})

describe('Authorization header', () => {
  it('round-trips through standard base64 and url-safe unpadded base64', () => {
    const ev = signed({ url: 'https://m.example/?q=ü~~~>>>' })
    const header = httpAuthHeader(ev)
    expect(parseHttpAuth(header)).toEqual({ ok: true, value: ev })
    const urlSafe = header.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
    expect(urlSafe).not.toBe(header)
    expect(parseHttpAuth(urlSafe)).toEqual({ ok: true, value: ev })
  })

  it('names what is wrong with a bad header', () => {
    expect(parseHttpAuth(undefined)).toEqual({ ok: false, reason: 'authorization: missing' })
    expect(parseHttpAuth('Bearer abc')).toEqual({
      ok: false,
      reason: 'authorization: scheme must be "Nostr <base64 event>"',
    })
    expect(parseHttpAuth('Nostr !!!')).toEqual({ ok: false, reason: 'authorization: not base64' })
    expect(parseHttpAuth(`Nostr ${btoa('not json')}`)).toEqual({
      ok: false,
      reason: 'authorization: not a JSON event',
    })
    expect(decodeBase64('a')).toBeUndefined()
  })
})
