/**
 * Token buckets for the market relay: one per connection and one per client IP. A message takes its
 * cost from both or from neither, so a refused message never drains a bucket. The clock is injected
 * (milliseconds) so tests can drive refills without waiting.
 *
 * Costs: a stored EVENT (anything but an ephemeral kind) costs 1 token; an ephemeral EVENT (NWC
 * requests, replies and notifications, kinds 20000–29999), a REQ and an AUTH cost `lightCost`. Stored
 * events are what make a flood expensive (SQLite writes here, then the indexer's verify, parse and
 * write); ephemeral ones are only verified and broadcast.
 */

export interface BucketRule {
  /** Tokens added per second. */
  perSec: number
  /** Bucket size: the most a client may spend at once after a quiet period. */
  burst: number
}

export interface RateLimitOptions {
  connection?: BucketRule
  ip?: BucketRule
  /** Cost of an ephemeral EVENT, a REQ or an AUTH (a stored EVENT costs 1). */
  lightCost?: number
}

/**
 * Defaults: one connection may store 200 events/s after a burst of 1,000 (a developer publishing a
 * catalog at once), so a single connection sending 2,000 game events/s for 5 s gets 2,000 of its
 * 10,000 accepted. Ephemeral events and REQs cost 0.1, i.e. 2,000/s per connection: the market's NWC
 * traffic at its benchmarked peak (~260 purchases/s, a few events each) stays well inside. One IP
 * (every local client shares 127.0.0.1) gets 1,000 tokens/s after a burst of 5,000: ten connections
 * flooding at 2,000 game events/s each get 1,000/s accepted between them.
 */
export const DEFAULT_RATE_LIMIT: Required<RateLimitOptions> = {
  connection: { perSec: 200, burst: 1000 },
  ip: { perSec: 1000, burst: 5000 },
  lightCost: 0.1,
}

export class TokenBucket {
  private tokens: number
  private at: number

  constructor(
    private readonly rule: BucketRule,
    now: number,
  ) {
    this.tokens = rule.burst
    this.at = now
  }

  /** Tokens available at `now` (refilled lazily). */
  level(now: number): number {
    if (now > this.at) {
      this.tokens = Math.min(
        this.rule.burst,
        this.tokens + ((now - this.at) / 1000) * this.rule.perSec,
      )
      this.at = now
    }
    return this.tokens
  }

  /** Whether the bucket is full at `now` (nothing to remember about its client). */
  full(now: number): boolean {
    return this.level(now) >= this.rule.burst
  }

  spend(cost: number): void {
    this.tokens -= cost
  }
}

/** What a refused message was over: its connection's bucket or its IP's. */
export type Throttled = 'connection' | 'ip'

export class RateLimiter {
  private readonly rules: Required<RateLimitOptions>
  private readonly byIp = new Map<string, TokenBucket>()
  private sweptAt: number

  constructor(
    opts: RateLimitOptions,
    private readonly now: () => number,
  ) {
    this.rules = { ...DEFAULT_RATE_LIMIT, ...opts }
    this.sweptAt = now()
  }

  get lightCost(): number {
    return this.rules.lightCost
  }

  /** A bucket for a new connection. */
  connectionBucket(): TokenBucket {
    return new TokenBucket(this.rules.connection, this.now())
  }

  /** Take `cost` from both buckets, or answer which one is short (then nothing is taken). */
  take(conn: TokenBucket, ip: string, cost: number): Throttled | undefined {
    const now = this.now()
    this.sweep(now)
    let ipBucket = this.byIp.get(ip)
    if (!ipBucket) this.byIp.set(ip, (ipBucket = new TokenBucket(this.rules.ip, now)))
    if (conn.level(now) < cost) return 'connection'
    if (ipBucket.level(now) < cost) return 'ip'
    conn.spend(cost)
    ipBucket.spend(cost)
    return undefined
  }

  /** IPs whose bucket refilled completely are forgotten (at most once a minute), so the map stays small. */
  private sweep(now: number): void {
    if (now - this.sweptAt < 60_000) return
    this.sweptAt = now
    for (const [ip, b] of this.byIp) if (b.full(now)) this.byIp.delete(ip)
  }
}
