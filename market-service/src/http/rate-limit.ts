/**
 * Token buckets for writes nobody signed a NIP-98 header for: storing a draft game (`POST /api/v1/events`
 * with a `["status","draft"]` game) and guest checkouts (`POST /api/v1/purchases` without
 * Authorization). Each bucket holds `burst` tokens and gains `perMinute` a minute; a request takes one
 * token from every bucket it falls in (its client's IP hash, and for a draft its verified author key)
 * or, when one is empty, none: 429 RATE_LIMITED with Retry-After. Buckets live in memory, one process;
 * the clock is injected. Limits come from the config (`ZAPCADE_RATE_LIMIT_*`).
 */
import { createHmac } from 'node:crypto'
import type { Context, MiddlewareHandler } from 'hono'
import type { RateLimit } from '@zapcade/shared/config'
import { AppError } from '@zapcade/shared/errors'
import type { NostrEvent } from '@zapcade/shared/events/event'
import { Kind } from '@zapcade/shared/kinds'
import { parseIPv6 } from '@zapcade/shared/net/public-address'

interface Bucket {
  tokens: number
  atMs: number
}

/** Buckets of one limit, by key; the map is bounded (full buckets are dropped first, then the oldest). */
export class TokenBuckets {
  readonly #buckets = new Map<string, Bucket>()
  readonly #ratePerMs: number

  constructor(
    readonly limit: RateLimit,
    private readonly nowMs: () => number,
    private readonly maxKeys = 50_000,
  ) {
    this.#ratePerMs = limit.perMinute / 60_000
  }

  #level(key: string, now: number): number {
    const b = this.#buckets.get(key)
    if (!b) return this.limit.burst
    return Math.min(this.limit.burst, b.tokens + (now - b.atMs) * this.#ratePerMs)
  }

  /** Milliseconds until `key` has a whole token (0 when it has one now). */
  waitMs(key: string): number {
    const level = this.#level(key, this.nowMs())
    return level >= 1 ? 0 : Math.ceil((1 - level) / this.#ratePerMs)
  }

  /** Take one token from `key` (the caller checked `waitMs` first). */
  take(key: string): void {
    const now = this.nowMs()
    const tokens = this.#level(key, now) - 1
    this.#buckets.delete(key) // re-insert: the map's order is then least recently used first
    this.#buckets.set(key, { tokens, atMs: now })
    if (this.#buckets.size > this.maxKeys) this.#prune(now)
  }

  #prune(now: number): void {
    for (const [k] of this.#buckets)
      if (this.#level(k, now) >= this.limit.burst) this.#buckets.delete(k)
    for (const [k] of this.#buckets) {
      if (this.#buckets.size <= this.maxKeys) break
      this.#buckets.delete(k)
    }
  }

  get size(): number {
    return this.#buckets.size
  }
}

/**
 * Take a token from each (buckets, key) pair, all or none; throws RATE_LIMITED with the longest wait
 * (whole seconds, at least 1) when any bucket is empty.
 */
export function takeAll(pairs: readonly (readonly [TokenBuckets, string])[], what: string): void {
  const waitMs = Math.max(0, ...pairs.map(([b, k]) => b.waitMs(k)))
  if (waitMs > 0) {
    const retryAfterSec = Math.max(1, Math.ceil(waitMs / 1000))
    throw new AppError('RATE_LIMITED', `too many ${what}; retry in ${retryAfterSec} s`, {
      retry_after_sec: retryAfterSec,
    })
  }
  for (const [b, k] of pairs) b.take(k)
}

/**
 * The address a client is limited by: IPv4 as is (also when IPv6-mapped), IPv6 by its /64 (one
 * subscriber usually holds a whole /64), anything unparsable as given.
 */
export function clientNetwork(ip: string): string {
  const v6 = ip.includes(':') ? parseIPv6(ip.replace(/%.*$/, '')) : undefined
  if (v6) {
    if (v6.slice(0, 5).every((g) => g === 0) && v6[5] === 0xffff)
      return `${v6[6]! >> 8}.${v6[6]! & 255}.${v6[7]! >> 8}.${v6[7]! & 255}`
    return `${v6
      .slice(0, 4)
      .map((g) => g.toString(16))
      .join(':')}::/64`
  }
  return ip
}

export interface WriteLimitsOptions {
  drafts: RateLimit | undefined
  guestCheckouts: RateLimit | undefined
  nowMs: () => number
  /** HMAC key: buckets are keyed by a hash of the client's network, never the address itself. */
  secret: Buffer
  clientIp: (c: Context) => string
  /** Id and signature check: only a verified author key gets a bucket of its own. */
  verifyEvent: (ev: NostrEvent) => boolean
}

export interface WriteLimits {
  /** Mount on `/api/v1/events`: limits POSTs of draft games per IP hash and per author key. */
  drafts: MiddlewareHandler
  /** Mount on `/api/v1/purchases`: limits POSTs without Authorization per IP hash. */
  guestCheckouts: MiddlewareHandler
}

const isDraftGame = (body: unknown): body is NostrEvent => {
  const ev = body as Partial<NostrEvent> | null
  return (
    typeof ev === 'object' &&
    ev !== null &&
    ev.kind === Kind.Game &&
    typeof ev.pubkey === 'string' &&
    Array.isArray(ev.tags) &&
    ev.tags.some((t) => Array.isArray(t) && t[0] === 'status' && t[1] === 'draft')
  )
}

/** The two middlewares; a limit set to undefined (`off`) lets everything through. */
export function unauthenticatedWriteLimits(o: WriteLimitsOptions): WriteLimits {
  const ipHash = (c: Context): string =>
    createHmac('sha256', o.secret)
      .update(`rate|${clientNetwork(o.clientIp(c))}`)
      .digest('base64url')
  const draftsByIp = o.drafts && new TokenBuckets(o.drafts, o.nowMs)
  const draftsByKey = o.drafts && new TokenBuckets(o.drafts, o.nowMs)
  const checkoutsByIp = o.guestCheckouts && new TokenBuckets(o.guestCheckouts, o.nowMs)

  const verified = (ev: NostrEvent): boolean => {
    try {
      return o.verifyEvent(ev)
    } catch {
      return false // a malformed event: the route answers it
    }
  }

  const drafts: MiddlewareHandler = async (c, next) => {
    if (draftsByIp && draftsByKey && c.req.method === 'POST') {
      // The route reads the same cached body; a body that is not JSON is the route's 400, not ours.
      const body: unknown = await c.req.json().catch(() => undefined)
      if (isDraftGame(body)) {
        const pairs: [TokenBuckets, string][] = [[draftsByIp, ipHash(c)]]
        if (verified(body)) pairs.push([draftsByKey, body.pubkey])
        takeAll(pairs, 'drafts')
      }
    }
    await next()
  }
  const guestCheckouts: MiddlewareHandler = async (c, next) => {
    if (checkoutsByIp && c.req.method === 'POST' && c.req.header('authorization') === undefined) {
      takeAll([[checkoutsByIp, ipHash(c)]], 'guest checkouts')
    }
    await next()
  }
  return { drafts, guestCheckouts }
}
