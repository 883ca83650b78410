/**
 * The outbox: Nostr outputs (zap receipts, the featured list, ban labels and their NIP-09 retractions,
 * the market's kind 0, forwarded events) are jobs in SQLite, published with retries that survive restarts. One pass
 * (`processDueJobs`) claims due PENDING jobs, builds each event through the handler registry, publishes
 * to the job's relays ∪ the configured relays, and marks DONE once at least one relay said OK;
 * otherwise the job is retried with jittered exponential backoff (clock and randomness injected).
 */
import type { NostrEvent } from '@zapcade/shared/events/event'
import type { RelayAnswer, RelayPublisher } from '../../ports/relay-publisher.ts'

export const OUTBOX_TYPES = [
  'PUBLISH_EVENT',
  'PUBLISH_ZAP_RECEIPT',
  'PUBLISH_FEATURED_LIST',
  'PUBLISH_BAN_LABEL',
  'PUBLISH_PROFILE',
  'PUBLISH_DELETION',
  'SEND_GIFT_DM',
] as const
export type OutboxType = (typeof OUTBOX_TYPES)[number]

/** Builds the signed event for a job's payload (a throw counts as a failed attempt). */
export type OutboxHandler = (payload: unknown) => Promise<NostrEvent>
export type OutboxHandlers = Partial<Record<OutboxType, OutboxHandler>>

export interface OutboxJob {
  id: number
  type: OutboxType
  payload: unknown
  relays: string[]
  attempts: number
}

export interface OutboxRepo {
  /** Claim up to `limit` due PENDING jobs: their next_attempt_at moves to `leaseUntilSec` so a crash retries them. */
  claimDue(nowSec: number, leaseUntilSec: number, limit: number): OutboxJob[]
  markDone(id: number, attempts: number, nowSec: number): void
  markRetry(
    id: number,
    attempts: number,
    nextAttemptAtSec: number,
    error: string,
    nowSec: number,
  ): void
  markFailed(id: number, attempts: number, error: string, nowSec: number): void
}

export interface BackoffPolicy {
  baseSec: number
  capSec: number
  maxAttempts: number
}

export const defaultBackoff: BackoffPolicy = { baseSec: 5, capSec: 3600, maxAttempts: 20 }

/** Delay before attempt `attempts + 1`: base·2^(attempts−1), capped, with "equal jitter" in [½, 1]. */
export function backoffDelaySec(
  attempts: number,
  random: () => number,
  p: BackoffPolicy = defaultBackoff,
): number {
  const exp = Math.min(p.capSec, p.baseSec * 2 ** Math.max(0, attempts - 1))
  return Math.max(1, Math.round(exp / 2 + (exp / 2) * random()))
}

export interface OutboxDeps {
  repo: OutboxRepo
  handlers: OutboxHandlers
  publisher: RelayPublisher
  configuredRelays: readonly string[]
  nowSec: () => number
  random: () => number
  backoff?: BackoffPolicy
  /** How long a claimed job is held before another pass may retry it. */
  leaseSec?: number
  batch?: number
}

export interface JobOutcome {
  id: number
  type: OutboxType
  status: 'DONE' | 'RETRY' | 'FAILED'
  answers: RelayAnswer[]
  error?: string
}

function summary(answers: RelayAnswer[]): string {
  return answers.length === 0
    ? 'no relays'
    : answers.map((a) => `${a.relay}: ${a.reason || 'failed'}`).join('; ')
}

/** One pass over the due jobs; answers what happened to each. */
export async function processDueJobs(d: OutboxDeps): Promise<JobOutcome[]> {
  const backoff = d.backoff ?? defaultBackoff
  const now = d.nowSec()
  const jobs = d.repo.claimDue(now, now + (d.leaseSec ?? 120), d.batch ?? 20)
  const outcomes: JobOutcome[] = []
  for (const job of jobs) {
    const attempts = job.attempts + 1
    let answers: RelayAnswer[] = []
    let error: string | undefined
    try {
      const handler = d.handlers[job.type]
      if (!handler) throw new Error(`no handler registered for ${job.type}`)
      const event = await handler(job.payload)
      answers = await d.publisher.publish(event, [
        ...new Set([...job.relays, ...d.configuredRelays]),
      ])
      if (!answers.some((a) => a.ok)) error = summary(answers)
    } catch (e) {
      error = e instanceof Error ? e.message : String(e)
    }
    const at = d.nowSec()
    if (error === undefined) {
      d.repo.markDone(job.id, attempts, at)
      outcomes.push({ id: job.id, type: job.type, status: 'DONE', answers })
    } else if (attempts >= backoff.maxAttempts) {
      d.repo.markFailed(job.id, attempts, error, at)
      outcomes.push({ id: job.id, type: job.type, status: 'FAILED', answers, error })
    } else {
      d.repo.markRetry(
        job.id,
        attempts,
        at + backoffDelaySec(attempts, d.random, backoff),
        error,
        at,
      )
      outcomes.push({ id: job.id, type: job.type, status: 'RETRY', answers, error })
    }
  }
  return outcomes
}
