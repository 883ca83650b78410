/**
 * What triggers settlement (docs/architecture.md "Money flows"): NIP-47 `payment_received` notifications, and, as the
 * backstop for notifications lost while disconnected (ephemeral events, nips-digest NIP-47 pitfalls),
 * a reconcile poller that looks up every PENDING purchase — and for a day the EXPIRED ones, so a late
 * payment is still booked. The expiry sweeper is part of the poller: a purchase becomes EXPIRED only
 * once its invoice expiry plus a grace has passed AND a last lookup says it was not settled; a lookup
 * that fails leaves it PENDING (an unknown outcome is never guessed).
 *
 * Lookups cost a NIP-47 round trip each, so after its first pass (which looks at everything: the
 * restart case) a poller looks a purchase up on a backoff schedule — at ages base, 2·base, 4·base … up
 * to a cap, then once per cap — and at every pass once its expiry plus grace has passed.
 */
import { msat } from '@zapcade/shared/money'
import type { PurchaseRecord, ReconcileScans } from '../../ports/purchase-repo.ts'
import type { InvoiceStatus, Wallet } from '../../ports/wallet.ts'
import { intervalWorker } from '../../workers/worker.ts'
import type { Worker } from '../../workers/worker.ts'
import type { SettleInput, SettleOutcome } from './settle.ts'

export type Settle = (paymentHash: string, input: SettleInput) => Promise<SettleOutcome>
export type Log = (msg: string, fields?: Record<string, unknown>) => void

export interface ReconcileDeps {
  repo: ReconcileScans
  wallet: Pick<Wallet, 'lookupInvoice'>
  settle: Settle
  nowSec: () => number
  log?: Log
}

export interface ReconcileOptions {
  /** Leave purchases younger than this to their notification (default 5 s); also the schedule's first step. */
  minAgeSec: number
  /** How long after the invoice's expiry a purchase stays PENDING (default 60 s). */
  graceSec: number
  /** How long after expiry an EXPIRED purchase is still looked up for a late payment (default 24 h). */
  lateWindowSec: number
  limit: number
  concurrency: number
}

export const defaultReconcileOptions: ReconcileOptions = {
  minAgeSec: 5,
  graceSec: 60,
  lateWindowSec: 24 * 3600,
  limit: 500,
  concurrency: 8,
}

/** How many checkpoints of the schedule (base, 2·base, 4·base … ≤ cap, then every cap) an age has passed. */
export function checkpointsPassed(ageSec: number, baseSec: number, capSec: number): number {
  if (ageSec < baseSec) return 0
  let n = 0
  for (let t = Math.max(1, baseSec); t <= ageSec && t <= capSec; t *= 2) n++
  if (ageSec > capSec) n += Math.floor((ageSec - capSec) / capSec)
  return n
}

/** Due in the pass (sincePassSec, nowSec]: the first pass, or a checkpoint crossed since the last one. */
function due(
  startSec: number,
  sincePassSec: number | undefined,
  nowSec: number,
  baseSec: number,
  capSec: number,
): boolean {
  if (sincePassSec === undefined) return true
  return (
    checkpointsPassed(nowSec - startSec, baseSec, capSec) >
    checkpointsPassed(sincePassSec - startSec, baseSec, capSec)
  )
}

export interface ReconcileReport {
  looked: number
  settled: number
  expired: number
  unknown: number
}

/** Settle from a wallet answer when it proves payment. */
async function settleFrom(
  d: Pick<ReconcileDeps, 'settle'>,
  st: InvoiceStatus,
): Promise<SettleOutcome | undefined> {
  if (st.state !== 'SETTLED' || st.preimage === undefined) return undefined
  return d.settle(st.paymentHash, {
    preimage: st.preimage,
    settledAtSec: st.settledAtSec ?? 0,
    amountMsat: msat(st.amountMsat),
  })
}

async function eachLimited<T>(
  items: T[],
  concurrency: number,
  fn: (t: T) => Promise<void>,
): Promise<void> {
  let next = 0
  const run = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!)
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, run))
}

async function lookUp(
  d: ReconcileDeps,
  p: PurchaseRecord,
): Promise<InvoiceStatus | undefined | 'ERROR'> {
  try {
    return await d.wallet.lookupInvoice(p.paymentHash)
  } catch (e) {
    d.log?.('lookup_invoice failed; the purchase stays as it is', {
      purchase_id: p.id,
      error: String(e),
    })
    return 'ERROR'
  }
}

/**
 * One pass over PENDING purchases: settle the paid ones, expire the unpaid ones past expiry + grace.
 * `sincePassSec` is when the previous pass ran (undefined: look at every one).
 */
export async function reconcilePending(
  d: ReconcileDeps,
  o: ReconcileOptions = defaultReconcileOptions,
  sincePassSec?: number,
): Promise<ReconcileReport> {
  const report: ReconcileReport = { looked: 0, settled: 0, expired: 0, unknown: 0 }
  const now = d.nowSec()
  const list = d.repo
    .pending(now - o.minAgeSec, o.limit)
    .filter(
      (p) =>
        now >= p.expiresAtSec + o.graceSec ||
        due(p.createdAtSec, sincePassSec, now, Math.max(1, o.minAgeSec), 600),
    )
  await eachLimited(list, o.concurrency, async (p) => {
    const st = await lookUp(d, p)
    report.looked++
    if (st === 'ERROR') {
      report.unknown++
      return
    }
    if (st) {
      const r = await settleFrom(d, st)
      if (r?.outcome === 'SETTLED') {
        report.settled++
        return
      }
      // Settled at the wallet but not bookable (e.g. less than the invoice): never expired, left for a person.
      if (r?.outcome === 'REJECTED')
        d.log?.('a settled invoice was not booked', { purchase_id: p.id, reason: r.reason })
      if (st.state === 'SETTLED') return
    }
    // The last lookup says not settled (pending, expired, failed, or unknown to the wallet).
    if (d.nowSec() >= p.expiresAtSec + o.graceSec && d.repo.markExpired(p.id, d.nowSec()))
      report.expired++
  })
  return report
}

/** One pass over recently EXPIRED purchases: a payment that arrived late is settled with paid_late. */
export async function reconcileLate(
  d: ReconcileDeps,
  o: ReconcileOptions = defaultReconcileOptions,
  sincePassSec?: number,
): Promise<ReconcileReport> {
  const report: ReconcileReport = { looked: 0, settled: 0, expired: 0, unknown: 0 }
  const now = d.nowSec()
  const list = d.repo
    .recentlyExpired(now - o.lateWindowSec, o.limit)
    .filter((p) => due(p.expiresAtSec, sincePassSec, now, 60, 3600))
  await eachLimited(list, o.concurrency, async (p) => {
    const st = await lookUp(d, p)
    report.looked++
    if (st === 'ERROR') {
      report.unknown++
      return
    }
    if (st && (await settleFrom(d, st))?.outcome === 'SETTLED') report.settled++
  })
  return report
}

/** Subscribe to payment_received from creation until stopped; each notification goes to settlement (idempotent). */
export function paymentListener(d: {
  wallet: Pick<Wallet, 'onPaymentReceived'>
  settle: Settle
  log?: Log
}): Worker {
  // Settlements in flight (queued for the next group commit), so stop() lets them finish first.
  const inFlight = new Set<Promise<void>>()
  const unsubscribe = d.wallet.onPaymentReceived((st) => {
    const settled = settleFrom(d, st).then(
      (r) => {
        if (r && r.outcome === 'REJECTED')
          d.log?.('payment notification not booked', {
            payment_hash: st.paymentHash,
            reason: r.reason,
          })
      },
      (e: unknown) => {
        // The poller will find it; a notification must never crash the process.
        d.log?.('settlement from a notification failed', {
          payment_hash: st.paymentHash,
          error: String(e),
        })
      },
    )
    inFlight.add(settled)
    void settled.then(() => inFlight.delete(settled))
  })
  return {
    name: 'payment-listener',
    kick() {},
    async stop() {
      unsubscribe()
      await Promise.all(inFlight)
    },
  }
}

/** The settlement workers of the service: listener, pending reconciler (with the sweeper), late reconciler. */
export function settlementWorkers(
  d: ReconcileDeps & { wallet: Pick<Wallet, 'lookupInvoice' | 'onPaymentReceived'> },
  o: Partial<ReconcileOptions> & { pendingEveryMs?: number; lateEveryMs?: number } = {},
): Worker[] {
  const opts = { ...defaultReconcileOptions, ...o }
  const onError = (e: unknown): void => d.log?.('reconcile pass failed', { error: String(e) })
  // Each worker remembers when its last pass started; the first pass after a start looks at everything.
  const scheduled = (pass: (sincePassSec: number | undefined) => Promise<unknown>) => {
    let since: number | undefined
    return async (): Promise<unknown> => {
      const started = d.nowSec()
      const r = await pass(since)
      since = started
      return r
    }
  }
  return [
    paymentListener(d),
    intervalWorker(
      'purchase-reconciler',
      o.pendingEveryMs ?? 5_000,
      scheduled((since) => reconcilePending(d, opts, since)),
      onError,
    ),
    intervalWorker(
      'late-payment-reconciler',
      o.lateEveryMs ?? 60_000,
      scheduled((since) => reconcileLate(d, opts, since)),
      onError,
    ),
  ]
}
