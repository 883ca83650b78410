/** CORS on /api/* over real HTTP: preflight, public GETs, NIP-98 routes and their errors, never credentials. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { newKey, startHarness, type Harness } from '../testing/service-harness.ts'

const ORIGIN = 'https://nostr-app.example'
let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(async () => {
  await h.stop()
})

/** The CORS headers of an answer, lower-cased names. */
function cors(res: Response): Record<string, string> {
  const out: Record<string, string> = {}
  res.headers.forEach((v, k) => {
    if (k.startsWith('access-control-')) out[k] = v
  })
  return out
}

describe('CORS on /api', () => {
  it('answers a preflight with 204 allowing the methods and headers our routes read, without credentials', async () => {
    const res = await h.call('/api/v1/purchases', {
      method: 'OPTIONS',
      headers: {
        Origin: ORIGIN,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers':
          'authorization, content-type, idempotency-key, x-receipt-code',
      },
    })
    expect(res.status).toBe(204)
    expect(cors(res)).toEqual({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET, HEAD, POST, PUT, DELETE',
      'access-control-allow-headers':
        'Authorization, Content-Type, Idempotency-Key, X-Receipt-Code',
      'access-control-max-age': '86400',
    })
  })

  it('a public GET from another origin is readable, with Location and the request id exposed', async () => {
    const res = await h.call('/api/v1/info', { headers: { Origin: ORIGIN } })
    expect(res.status).toBe(200)
    expect(cors(res)).toEqual({
      'access-control-allow-origin': '*',
      'access-control-expose-headers': 'Location, Retry-After, X-Request-Id',
    })
  })

  it('a NIP-98 route answers any origin, and so does its 401 problem (the app can read why)', async () => {
    const key = newKey()
    const ok = await h.call('/api/v1/me', { headers: { Origin: ORIGIN }, auth: key })
    expect(ok.status).toBe(200)
    expect(ok.headers.get('access-control-allow-origin')).toBe('*')
    const denied = await h.call('/api/v1/me', { headers: { Origin: ORIGIN } })
    expect(denied.status).toBe(401)
    expect(denied.headers.get('content-type')).toBe('application/problem+json')
    expect(denied.headers.get('access-control-allow-origin')).toBe('*')
    expect(denied.headers.get('access-control-allow-credentials')).toBeNull()
    const missing = await h.call('/api/v1/nothing-here', { headers: { Origin: ORIGIN } })
    expect(missing.status).toBe(404)
    expect(missing.headers.get('access-control-allow-origin')).toBe('*')
  })

  it('stays off outside /api (the storefront and health are same-origin)', async () => {
    const res = await h.call('/healthz', { headers: { Origin: ORIGIN } })
    expect(res.status).toBe(200)
    expect(cors(res)).toEqual({})
  })
})
