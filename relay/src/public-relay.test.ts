/**
 * The market relay as a public relay meets it: NIP-11 over plain HTTP (read by nostr-tools' own
 * `fetchRelayInformation`), NIP-01 CLOSED and OK-false refusals with machine-readable prefixes, the
 * subscription limit, token buckets driven by an injected clock, and NIP-42 AUTH (nostr-tools'
 * `Relay.auth`, and hand-made events for the refusals). Real relay, real sockets on 127.0.0.1.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import { Relay, useWebSocketImplementation } from 'nostr-tools/relay'
import { fetchRelayInformation } from 'nostr-tools/nip11'
import type { NostrEvent } from '@zapcade/shared/events/event'
import { game, makeDev, type Dev } from './testing/fixtures.ts'
import { startMarketRelay, type MarketRelay, type MarketRelayOptions } from './market-relay.ts'
import { DEFAULT_RATE_LIMIT, RateLimiter } from './rate-limit.ts'

useWebSocketImplementation(WebSocket)

const T = Math.floor(Date.now() / 1000) - 100
type Frame = [string, ...unknown[]]

/** A raw client that keeps every frame the relay sends, so a test can wait for one it expects. */
class Client {
  readonly frames: Frame[] = []
  private waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = []
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      const f = JSON.parse(String(d)) as Frame
      this.frames.push(f)
      this.waiters = this.waiters.filter((w) => (w.match(f) ? (w.resolve(f), false) : true))
    })
  }

  static async open(url: string): Promise<Client> {
    const ws = new WebSocket(url)
    const c = new Client(ws)
    await new Promise((resolve, reject) => {
      ws.once('open', resolve)
      ws.once('error', reject)
    })
    return c
  }

  send(...frame: unknown[]): void {
    this.ws.send(JSON.stringify(frame))
  }

  /** The first frame (already received or coming) that matches. */
  next(match: (f: Frame) => boolean): Promise<Frame> {
    const seen = this.frames.find(match)
    if (seen) {
      this.frames.splice(this.frames.indexOf(seen), 1)
      return Promise.resolve(seen)
    }
    return new Promise((resolve) =>
      this.waiters.push({
        match,
        resolve: (f) => {
          this.frames.splice(this.frames.indexOf(f), 1)
          resolve(f)
        },
      }),
    )
  }

  /** Send an EVENT and answer its OK as [accepted, reason]. */
  async publish(ev: NostrEvent): Promise<[boolean, string]> {
    this.send('EVENT', ev)
    const ok = await this.next((f) => f[0] === 'OK' && f[1] === ev.id)
    return [ok[2] as boolean, ok[3] as string]
  }

  /** Send a REQ and answer how it ended: EOSE, or CLOSED with its reason. */
  async req(id: string, ...filters: unknown[]): Promise<string> {
    this.send('REQ', id, ...filters)
    const f = await this.next((x) => (x[0] === 'EOSE' || x[0] === 'CLOSED') && x[1] === id)
    return f[0] === 'EOSE' ? 'EOSE' : `CLOSED ${String(f[2])}`
  }

  close(): void {
    this.ws.close()
  }
}

const open: (MarketRelay | Client)[] = []
async function relayWith(opts: MarketRelayOptions = {}): Promise<MarketRelay> {
  const r = await startMarketRelay(opts)
  open.push(r)
  return r
}
async function connect(r: MarketRelay): Promise<Client> {
  const c = await Client.open(r.url)
  open.push(c)
  return c
}
afterEach(async () => {
  for (const x of open.splice(0).reverse()) await (x instanceof Client ? x.close() : x.stop())
})

let dev: Dev
beforeAll(async () => {
  dev = await makeDev()
})

describe('NIP-11 and plain HTTP on the relay port', () => {
  it('serves the information document to Accept: application/nostr+json, with CORS', async () => {
    const relay = await relayWith({
      info: { pubkey: 'ab'.repeat(32), contact: 'mailto:ops@example.com' },
    })
    const res = await fetch(`http://127.0.0.1:${relay.port}/`, {
      headers: { Accept: 'application/nostr+json' },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/nostr+json')
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    expect(res.headers.get('access-control-allow-headers')).toBeTruthy()
    expect(res.headers.get('access-control-allow-methods')).toContain('GET')
    expect(await res.json()).toEqual({
      name: 'Zapcade market relay',
      description: expect.any(String),
      pubkey: 'ab'.repeat(32),
      contact: 'mailto:ops@example.com',
      supported_nips: [1, 9, 11, 42],
      software: 'https://github.com/CodyTseng/nostr-relay',
      version: expect.any(String),
      limitation: {
        max_message_length: 524288,
        max_subscriptions: 20,
        max_filters: 50,
        max_limit: 1000,
        max_subid_length: 128,
        max_event_tags: 2000,
        max_content_length: 65536,
        auth_required: false,
        payment_required: false,
        restricted_writes: false,
        created_at_upper_limit: 600,
      },
    })
  })

  it('is read by nostr-tools fetchRelayInformation from the ws:// URL, and reflects the options', async () => {
    const relay = await relayWith({
      authRequired: true,
      limits: { maxSubscriptions: 5, createdAtLowerLimit: 86400 },
    })
    const info = await fetchRelayInformation(relay.url)
    expect(info.supported_nips).toContain(11)
    expect(info.limitation).toMatchObject({
      auth_required: true,
      max_subscriptions: 5,
      created_at_lower_limit: 86400,
    })
  })

  it('answers a CORS preflight with 204, and other plain HTTP with a short text instead of 426', async () => {
    const relay = await relayWith()
    const pre = await fetch(`http://127.0.0.1:${relay.port}/`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://client.example',
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'accept',
      },
    })
    expect(pre.status).toBe(204)
    expect(pre.headers.get('access-control-allow-origin')).toBe('*')
    expect(pre.headers.get('access-control-allow-methods')).toContain('GET')
    const plain = await fetch(`http://127.0.0.1:${relay.port}/`)
    expect(plain.status).toBe(200)
    expect(plain.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(await plain.text()).toMatch(/Nostr relay.*application\/nostr\+json/)
  })
})

describe('REQ refusals are CLOSED with a NIP-01 prefix', () => {
  let relay: MarketRelay
  let c: Client
  beforeAll(async () => {
    relay = await startMarketRelay({ limits: { maxFilters: 3 } })
  })
  afterAll(async () => {
    await relay.stop()
  })

  it('a malformed filter, too many filters, a too long or empty id: CLOSED "invalid: …" naming the id', async () => {
    c = await connect(relay)
    expect(await c.req('bad-filter', { kinds: 'x' })).toMatch(/^CLOSED invalid: .*kinds/)
    expect(await c.req('bad-ids', { ids: ['zz'] })).toMatch(/^CLOSED invalid: /)
    expect(await c.req('four', {}, {}, {}, {})).toBe('CLOSED invalid: 4 filters, at most 3 per REQ')
    expect(await c.req('x'.repeat(129), {})).toBe(
      'CLOSED invalid: subscription id longer than 128 characters',
    )
    expect(await c.req('', {})).toBe('CLOSED invalid: empty subscription id')
    // The connection still works after each refusal.
    expect(await c.req('fine', { kinds: [1] })).toBe('EOSE')
    expect(relay.refusals()).toEqual({ invalid: 5 })
  })

  it('a REQ whose id cannot be read gets a NOTICE', async () => {
    c = await connect(relay)
    c.send('REQ', 42, {})
    const f = await c.next((x) => x[0] === 'NOTICE')
    expect(f[1]).toMatch(/^invalid: /)
    expect(c.frames.filter((x) => x[0] === 'CLOSED')).toEqual([])
  })

  it('a limit above max_limit is clamped', async () => {
    const small = await relayWith({ limits: { maxLimit: 2 } })
    const w = await connect(small)
    for (let i = 0; i < 3; i++)
      expect((await w.publish(game(dev, `clamp${i}`, T + i)))[0]).toBe(true)
    w.send('REQ', 'q', { kinds: [32267], authors: [dev.pubkey], limit: 50 })
    await w.next((f) => f[0] === 'EOSE' && f[1] === 'q')
    expect(w.frames.filter((f) => f[0] === 'EVENT' && f[1] === 'q')).toHaveLength(2)
  })
})

describe('the subscription limit', () => {
  it('refuses one subscription too many with CLOSED "error: …" and keeps the oldest live', async () => {
    const relay = await relayWith()
    const c = await connect(relay)
    for (let i = 0; i < 20; i++)
      expect(await c.req(`s${i}`, { kinds: [1], '#t': [`sub${i}`] })).toBe('EOSE')
    expect(await c.req('s20', { kinds: [1] })).toBe(
      'CLOSED error: too many subscriptions (at most 20 per connection)',
    )
    // Reusing an open id replaces that subscription, so it is allowed at the limit.
    expect(await c.req('s19', { kinds: [1], '#t': ['sub19'] })).toBe('EOSE')
    // The oldest subscription still receives live events (the library used to evict it silently).
    const ev = dev.sign({ kind: 1, created_at: T, content: 'hi', tags: [['t', 'sub0']] })
    const w = await connect(relay)
    expect((await w.publish(ev))[0]).toBe(true)
    const got = await c.next((f) => f[0] === 'EVENT')
    expect([got[1], (got[2] as NostrEvent).id]).toEqual(['s0', ev.id])
    // After a CLOSE there is room again.
    c.send('CLOSE', 's3')
    expect(await c.req('s20', { kinds: [1] })).toBe('EOSE')
  })
})

describe('rate limits', () => {
  it('over the connection bucket an EVENT gets OK false "rate-limited:" and a REQ CLOSED; refills with time', async () => {
    let now = 1_700_000_000_000
    const relay = await relayWith({
      now: () => now,
      rateLimit: { connection: { perSec: 1, burst: 3 }, lightCost: 0.25 },
    })
    const c = await connect(relay)
    const T0 = Math.floor(now / 1000) - 10
    for (let i = 0; i < 3; i++)
      expect(await c.publish(game(dev, `rl${i}`, T0 + i))).toEqual([true, ''])
    const over = game(dev, 'rl3', T0 + 3)
    expect(await c.publish(over)).toEqual([
      false,
      'rate-limited: slow down, too many messages on this connection',
    ])
    expect(await c.req('r', {})).toBe(
      'CLOSED rate-limited: slow down, too many messages on this connection',
    )
    now += 1000
    expect(await c.publish(over)).toEqual([true, ''])
    // An ephemeral event (NWC) or a REQ costs lightCost: 1 token buys 4 of them.
    now += 1000
    for (let i = 0; i < 3; i++)
      expect(
        (await c.publish(dev.sign({ kind: 23194, created_at: T0, content: `n${i}`, tags: [] })))[0],
      ).toBe(true)
    expect(await c.req('r2', { kinds: [23195] })).toBe('EOSE')
    expect(
      (await c.publish(dev.sign({ kind: 23194, created_at: T0, content: 'n3', tags: [] })))[1],
    ).toMatch(/^rate-limited: /)
    expect(relay.refusals()).toEqual({ 'rate-limited': 3 })
  })

  it('over the IP bucket a second connection from the same address is refused too', async () => {
    const now = 1_700_000_000_000
    const relay = await relayWith({
      now: () => now,
      rateLimit: { connection: { perSec: 100, burst: 100 }, ip: { perSec: 1, burst: 2 } },
    })
    const a = await connect(relay)
    const b = await connect(relay)
    const T0 = Math.floor(now / 1000) - 10
    expect((await a.publish(game(dev, 'ip0', T0)))[0]).toBe(true)
    expect((await a.publish(game(dev, 'ip1', T0)))[0]).toBe(true)
    expect(await b.publish(game(dev, 'ip2', T0))).toEqual([
      false,
      'rate-limited: slow down, too many messages from this address',
    ])
  })

  it('the defaults throttle one connection sending 2,000 game events/s for 5 s, and ten such connections', () => {
    let now = 0
    const limiter = new RateLimiter({}, () => now)
    const one = limiter.connectionBucket()
    let accepted = 0
    for (let i = 0; i < 10_000; i++, now += 0.5) if (!limiter.take(one, '10.0.0.1', 1)) accepted++
    // Burst 1,000 then 200/s: 2,000 of 10,000 (within a token of it).
    expect(accepted).toBeGreaterThanOrEqual(1999)
    expect(accepted).toBeLessThanOrEqual(2001)

    now = 0
    const fresh = new RateLimiter({}, () => now)
    const ten = Array.from({ length: 10 }, () => fresh.connectionBucket())
    accepted = 0
    for (let i = 0; i < 10_000; i++, now += 0.5)
      for (const b of ten) if (!fresh.take(b, '10.0.0.2', 1)) accepted++
    // The IP bucket (burst 5,000, then 1,000/s) caps all ten together: 10,000 of 100,000.
    expect(accepted).toBeGreaterThanOrEqual(9999)
    expect(accepted).toBeLessThanOrEqual(10001)
    expect(DEFAULT_RATE_LIMIT.lightCost).toBeLessThan(1)
  })
})

describe('created_at bounds', () => {
  it('refuses an event dated more than 10 minutes ahead, and accepts a backdated one', async () => {
    const relay = await relayWith()
    const c = await connect(relay)
    const nowSec = Math.floor(Date.now() / 1000)
    expect(await c.publish(game(dev, 'future', nowSec + 3600))).toEqual([
      false,
      'invalid: created_at more than 600 s in the future',
    ])
    expect(await c.publish(game(dev, 'old', nowSec - 10 * 365 * 86400))).toEqual([true, ''])
  })
})

describe('NIP-42 AUTH', () => {
  it('sends a challenge on connect; nostr-tools authenticates with it and gets OK true', async () => {
    const relay = await relayWith()
    const r = await Relay.connect(relay.url)
    try {
      // nostr-tools keeps the challenge the relay sent on connect (a private field it reads in auth()).
      await vi.waitFor(() =>
        expect((r as unknown as { challenge?: string }).challenge).toMatch(/^[0-9a-f]{32}$/),
      )
      await expect(
        r.auth(
          async (t) => dev.sign({ ...t, tags: t.tags ?? [], content: t.content ?? '' }) as never,
        ),
      ).resolves.toBe('')
    } finally {
      r.close()
    }
  })

  it('refuses a wrong challenge, another relay, a stale event and a bad signature with OK false "invalid: …"', async () => {
    let now = Date.now()
    const relay = await relayWith({ now: () => now })
    const c = await connect(relay)
    const [, challenge] = (await c.next((f) => f[0] === 'AUTH')) as [string, string]
    const auth = (tags: string[][], at = Math.floor(now / 1000)) =>
      dev.sign({ kind: 22242, created_at: at, content: '', tags })
    const ask = async (ev: NostrEvent) => {
      c.send('AUTH', ev)
      const ok = await c.next((f) => f[0] === 'OK' && f[1] === ev.id)
      return [ok[2], ok[3]]
    }
    const good = [
      ['relay', relay.url],
      ['challenge', challenge],
    ]
    expect(
      await ask(
        auth([
          ['relay', relay.url],
          ['challenge', 'nope'],
        ]),
      ),
    ).toEqual([false, 'invalid: the challenge tag does not match this connection'])
    expect(
      await ask(
        auth([
          ['relay', 'wss://other.example'],
          ['challenge', challenge],
        ]),
      ),
    ).toEqual([false, 'invalid: the relay tag does not name this relay'])
    expect(await ask(auth(good, Math.floor(now / 1000) - 3600))).toEqual([
      false,
      'invalid: created_at is not within 10 minutes of now',
    ])
    const forged = auth(good)
    expect(
      await ask({ ...forged, sig: forged.sig.replace(/^./, (x) => (x === '0' ? '1' : '0')) }),
    ).toEqual([false, 'invalid: bad signature'])
    expect(await ask(auth(good))).toEqual([true, ''])
    // The window follows the relay's clock: 20 minutes on, an event dated at the old "now" is stale.
    now += 20 * 60_000
    expect(await ask(auth(good, Math.floor(now / 1000) - 1200))).toEqual([
      false,
      'invalid: created_at is not within 10 minutes of now',
    ])
  })

  it('with authRequired, EVENT and REQ wait for AUTH ("auth-required:"), then work; a public URL host is accepted', async () => {
    const relay = await relayWith({ authRequired: true, publicUrl: 'wss://relay.zapcade.example' })
    const c = await connect(relay)
    const [, challenge] = (await c.next((f) => f[0] === 'AUTH')) as [string, string]
    const ev = game(dev, 'gated', T)
    expect(await c.publish(ev)).toEqual([
      false,
      'auth-required: this relay serves authenticated clients only (NIP-42)',
    ])
    expect(await c.req('g', {})).toBe(
      'CLOSED auth-required: this relay serves authenticated clients only (NIP-42)',
    )
    const auth = dev.sign({
      kind: 22242,
      created_at: Math.floor(Date.now() / 1000),
      content: '',
      tags: [
        ['relay', 'wss://relay.zapcade.example/'],
        ['challenge', challenge],
      ],
    })
    c.send('AUTH', auth)
    expect((await c.next((f) => f[0] === 'OK' && f[1] === auth.id))[2]).toBe(true)
    expect(await c.publish(ev)).toEqual([true, ''])
    expect(await c.req('g', { ids: [ev.id] })).toBe('EOSE')
    // The auth event itself is neither stored nor served.
    expect(await c.req('a', { kinds: [22242] })).toBe('EOSE')
    expect(c.frames.filter((f) => f[0] === 'EVENT' && f[1] === 'a')).toEqual([])
  })

  it('with the challenge on demand, a connection gets it only with its first auth-required refusal', async () => {
    const relay = await relayWith({ authRequired: true, authChallenge: 'on-demand' })
    const c = await connect(relay)
    expect(await c.req('q1', {})).toMatch(/^CLOSED auth-required: /)
    expect(await c.req('q2', {})).toMatch(/^CLOSED auth-required: /)
    const challenges = c.frames.filter((f) => f[0] === 'AUTH')
    expect(challenges).toHaveLength(1)
    const auth = dev.sign({
      kind: 22242,
      created_at: Math.floor(Date.now() / 1000),
      content: '',
      tags: [
        ['relay', relay.url],
        ['challenge', challenges[0]![1] as string],
      ],
    })
    c.send('AUTH', auth)
    expect((await c.next((f) => f[0] === 'OK' && f[1] === auth.id))[2]).toBe(true)
    expect(await c.req('q3', {})).toBe('EOSE')
    const quiet = await connect(await relayWith({ authChallenge: 'on-demand' }))
    expect(await quiet.req('q', {})).toBe('EOSE')
    expect(quiet.frames.filter((f) => f[0] === 'AUTH')).toEqual([])
  })
})
