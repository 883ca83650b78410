/**
 * Unauthenticated writes are rate-limited: the token bucket against an injected clock, then draft games
 * and guest checkouts over real HTTP through the whole service (429 RATE_LIMITED with Retry-After).
 */
import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '@zapcade/shared/config'
import { buildGame } from '@zapcade/shared/events/game'
import { newKey, sign, startHarness, type Harness, type Key } from '../testing/service-harness.ts'
import { clientNetwork, takeAll, TokenBuckets } from './rate-limit.ts'

describe('TokenBuckets', () => {
  it('allows a burst, then one token per 60000/perMinute ms, all or none across buckets', () => {
    let now = 1_000_000
    const b = new TokenBuckets({ burst: 2, perMinute: 6 }, () => now) // a token every 10 s
    takeAll([[b, 'a']], 'x')
    takeAll([[b, 'a']], 'x')
    expect(b.waitMs('a')).toBe(10_000)
    expect(() => takeAll([[b, 'a']], 'x')).toThrow(
      expect.objectContaining({ code: 'RATE_LIMITED', extra: { retry_after_sec: 10 } }),
    )
    now += 4_000
    expect(b.waitMs('a')).toBe(6_000)
    // 'b' has tokens but 'a' has none: nothing is taken from 'b'.
    expect(() =>
      takeAll(
        [
          [b, 'b'],
          [b, 'a'],
        ],
        'x',
      ),
    ).toThrow(expect.objectContaining({ extra: { retry_after_sec: 6 } }))
    takeAll([[b, 'b']], 'x')
    takeAll([[b, 'b']], 'x')
    now += 6_000
    takeAll([[b, 'a']], 'x')
    now += 60_000
    expect(b.waitMs('a')).toBe(0)
  })

  it('keeps at most maxKeys buckets, dropping full ones first', () => {
    let now = 0
    const b = new TokenBuckets({ burst: 5, perMinute: 60 }, () => now, 3)
    for (const k of ['a', 'b', 'c']) b.take(k)
    now += 60_000 // all full again
    b.take('d')
    expect(b.size).toBe(1)
    for (const k of ['e', 'f', 'g', 'h']) b.take(k)
    expect(b.size).toBe(3)
  })

  it('limits IPv6 clients by their /64 and IPv6-mapped IPv4 as IPv4', () => {
    expect(clientNetwork('2001:db8:1:2:aaaa::1')).toBe(clientNetwork('2001:db8:1:2:bbbb::2'))
    expect(clientNetwork('2001:db8:1:3::1')).not.toBe(clientNetwork('2001:db8:1:2::1'))
    expect(clientNetwork('::ffff:203.0.113.9')).toBe('203.0.113.9')
    expect(clientNetwork('203.0.113.9')).toBe('203.0.113.9')
  })
})

describe('rate-limit configuration', () => {
  it('parses <burst>/<per minute> and off, and names a bad variable', () => {
    const ok = loadConfig({
      ZAPCADE_RATE_LIMIT_DRAFTS: '5/2',
      ZAPCADE_RATE_LIMIT_GUEST_CHECKOUTS: 'off',
    })
    expect(ok.ok && ok.value.rateLimits).toEqual({
      drafts: { burst: 5, perMinute: 2 },
      guestCheckouts: undefined,
    })
    const dflt = loadConfig({})
    expect(dflt.ok && dflt.value.rateLimits).toEqual({
      drafts: { burst: 60, perMinute: 30 },
      guestCheckouts: { burst: 2000, perMinute: 1200 },
    })
    for (const bad of ['0/1', '5', '5/0', 'lots', '-1/2']) {
      const r = loadConfig({ ZAPCADE_RATE_LIMIT_DRAFTS: bad })
      expect(r.ok, bad).toBe(false)
      expect(!r.ok && r.errors.join(' ')).toContain('ZAPCADE_RATE_LIMIT_DRAFTS')
    }
  })
})

describe('unauthenticated writes over HTTP', () => {
  let h: Harness
  let skewMs = 0
  const clock = {
    nowMs: () => Date.now() + skewMs,
    nowSec: () => Math.floor((Date.now() + skewMs) / 1000),
  }
  const draft = (dev: Key, slug: string) =>
    sign(
      dev,
      buildGame({
        slug,
        title: `Game ${slug}`,
        tags: ['puzzle'],
        listing: 'DRAFT',
        createdAtSec: clock.nowSec(),
      }),
    )
  const postEvent = (body: unknown) =>
    h.call('/api/v1/events', { method: 'POST', body: JSON.stringify(body) })
  const checkout = (auth?: Key) =>
    h.call('/api/v1/purchases', {
      method: 'POST',
      body: JSON.stringify({ game: `${'a'.repeat(64)}/nothing` }),
      ...(auth ? { auth } : {}),
    })

  beforeAll(async () => {
    h = await startHarness({
      env: { ZAPCADE_RATE_LIMIT_DRAFTS: '3/1', ZAPCADE_RATE_LIMIT_GUEST_CHECKOUTS: '2/1' },
      overrides: { clock },
    })
  })
  afterAll(async () => {
    await h.stop()
  })

  /** POST from another loopback address (Linux answers on all of 127/8): another client IP, over real HTTP. */
  const postFrom = (localAddress: string, body: unknown) =>
    new Promise<Response>((resolve, reject) => {
      const data = JSON.stringify(body)
      const req = request(
        `${h.svc.url}/api/v1/events`,
        {
          method: 'POST',
          localAddress,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(data),
          },
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () =>
            resolve(
              new Response(Buffer.concat(chunks), {
                status: res.statusCode ?? 0,
                headers: res.headers as Record<string, string>,
              }),
            ),
          )
        },
      )
      req.on('error', reject)
      req.end(data)
    })

  async function expectLimited(res: Response): Promise<number> {
    expect(res.status).toBe(429)
    expect(res.headers.get('content-type')).toContain('application/problem+json')
    expect(await res.json()).toMatchObject({ code: 'RATE_LIMITED', status: 429 })
    const retry = Number(res.headers.get('retry-after'))
    expect(retry).toBeGreaterThanOrEqual(1)
    return retry
  }

  it('limits guest checkouts per IP; a NIP-98 buyer is not a guest; a token comes back after Retry-After', async () => {
    expect((await checkout()).status).not.toBe(429)
    expect((await checkout()).status).not.toBe(429)
    expect(await expectLimited(await checkout())).toBe(60)
    expect((await checkout(newKey())).status).not.toBe(429)
    // Other routes and GETs are not limited.
    expect((await h.call('/api/v1/purchases/nothing')).status).not.toBe(429)
    skewMs += 60_000
    expect((await checkout()).status).not.toBe(429)
    await expectLimited(await checkout())
  })

  it('limits drafts per author key (from any IP) and per IP; public games and forged authors are not counted per key', async () => {
    const dev = newKey()
    for (const slug of ['d-one', 'd-two', 'd-three']) {
      const res = await postEvent(draft(dev, slug))
      expect(res.status, slug).toBe(200)
      expect(await res.json()).toMatchObject({ status: 'DRAFT_STORED' })
    }
    expect(await expectLimited(await postEvent(draft(dev, 'd-four')))).toBe(60)
    // The IP's bucket is empty too: another author from this address waits as well.
    await expectLimited(await postEvent(draft(newKey(), 'other')))
    // From another address the author's own bucket still limits them; another author there is free.
    await expectLimited(await postFrom('127.0.0.2', draft(dev, 'd-five')))
    expect((await postFrom('127.0.0.2', draft(newKey(), 'elsewhere'))).status).toBe(200)
    // An event claiming dev's key with a bad signature takes no token from dev's bucket (it cannot
    // lock dev out): the route refuses it as INVALID_EVENT, the limit does not answer.
    const forged = { ...draft(newKey(), 'forged'), pubkey: dev.pubkey }
    const refused = await postFrom('127.0.0.3', forged)
    expect(refused.status).toBe(422)
    expect(await refused.json()).toMatchObject({ code: 'INVALID_EVENT' })
    // A public game is not a draft: forwarded, not limited here.
    const listed = sign(
      dev,
      buildGame({
        slug: 'public-one',
        title: 'Public',
        tags: ['puzzle'],
        createdAtSec: clock.nowSec(),
      }),
    )
    expect((await postEvent(listed)).status).not.toBe(429)
    skewMs += 60_000
    expect((await postFrom('127.0.0.4', draft(dev, 'd-six'))).status).toBe(200)
    const row = h.svc.db.prepare('SELECT count(*) AS n FROM game_drafts').get() as { n: number }
    expect(row.n).toBe(5)
  })
})
