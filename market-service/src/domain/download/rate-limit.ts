/**
 * Token buckets keyed by entitlement and by ip_hash: bursts are fine, sustained scraping of
 * signed URLs is not. Time comes from the caller (injected clock); memory is bounded by evicting
 * buckets that have refilled completely (they carry no information).
 */
export interface BucketPolicy {
  /** Burst size. */
  capacity: number
  /** Tokens added per second. */
  refillPerSec: number
}

export type Take = { ok: true } | { ok: false; retryAfterSec: number }

interface Bucket {
  tokens: number
  atMs: number
}

export class TokenBuckets {
  readonly #buckets = new Map<string, Bucket>()

  constructor(
    private readonly policy: BucketPolicy,
    private readonly maxKeys = 100_000,
  ) {}

  /** Take one token for `key` at `nowMs`; when none is left, answer how long until one is. */
  take(key: string, nowMs: number): Take {
    const { capacity, refillPerSec } = this.policy
    const b = this.#buckets.get(key)
    const tokens = b
      ? Math.min(capacity, b.tokens + (Math.max(0, nowMs - b.atMs) / 1000) * refillPerSec)
      : capacity
    if (tokens < 1) {
      return { ok: false, retryAfterSec: Math.max(1, Math.ceil((1 - tokens) / refillPerSec)) }
    }
    if (!b && this.#buckets.size >= this.maxKeys) this.#evictFull(nowMs)
    this.#buckets.set(key, { tokens: tokens - 1, atMs: nowMs })
    return { ok: true }
  }

  /** Would `key` get a token now? (No token is taken.) */
  peek(key: string, nowMs: number): Take {
    const b = this.#buckets.get(key)
    if (!b) return { ok: true }
    const tokens = Math.min(
      this.policy.capacity,
      b.tokens + (Math.max(0, nowMs - b.atMs) / 1000) * this.policy.refillPerSec,
    )
    return tokens >= 1
      ? { ok: true }
      : {
          ok: false,
          retryAfterSec: Math.max(1, Math.ceil((1 - tokens) / this.policy.refillPerSec)),
        }
  }

  get size(): number {
    return this.#buckets.size
  }

  #evictFull(nowMs: number): void {
    for (const [k, b] of this.#buckets) {
      if (b.tokens + ((nowMs - b.atMs) / 1000) * this.policy.refillPerSec >= this.policy.capacity)
        this.#buckets.delete(k)
    }
    // Still full of active buckets: drop the oldest (Map keeps insertion order) rather than grow.
    while (this.#buckets.size >= this.maxKeys) {
      const first = this.#buckets.keys().next()
      if (first.done) break
      this.#buckets.delete(first.value)
    }
  }
}
