/**
 * What triggers settlement (DESIGN.md section 3): NIP-47 `payment_received` notifications, and, as the
 * backstop for notifications lost while disconnected (ephemeral events, nips-digest NIP-47 pitfalls),
 * a reconcile poller that looks up every PENDING purchase — and for a day the EXPIRED ones, so a late
 * payment is still booked. The expiry sweeper is part of the poller: a purchase becomes EXPIRED only
 * once its invoice expiry plus a grace has passed AND a last lookup says it was not settled; a lookup
 * that fails leaves it PENDING (an unknown outcome is never guessed).
 */
import { msat } from '@zapcade/shared/money'
import type { PurchaseRecord, PurchaseRepo } from '../../ports/purchase-repo.ts'
import type { InvoiceStatus, Wallet } from '../../ports/wallet.ts'
import { intervalWorker } from '../../workers/worker.ts'
import type { Worker } from '../../workers/worker.ts'
import type { SettleInput, SettleOutcome } from './settle.ts'

export type Settle = (paymentHash: string, input: SettleInput) => SettleOutcome
export type Log = (msg: string, fields?: Record<string, unknown>) => void

export interface ReconcileDeps {
  repo: PurchaseRepo
  wallet: Pick<Wallet, 'lookupInvoice'>
  settle: Settle
  nowSec: () => number
  log?: Log
}

export interface ReconcileOptions {
  /** Leave purchases younger than this to their notification (default 2 s). */
  minAgeSec: number
  /** How long after the invoice's expiry a purchase stays PENDING (default 60 s). */
  graceSec: number
  /** How long after expiry an EXPIRED purchase is still looked up for a late payment (default 24 h). */
  lateWindowSec: number
  limit: number
  concurrency: number
}

export const defaultReconcileOptions: ReconcileOptions = { minAgeSec: 2, graceSec: 60, lateWindowSec: 24 * 3600, limit: 500, concurrency: 8 }

export interface ReconcileReport {
  looked: number
  settled: number
  expired: number
  unknown: number
}

/** Settle from a wallet answer when it proves payment. */
function settleFrom(d: Pick<ReconcileDeps, 'settle'>, st: InvoiceStatus): SettleOutcome | undefined {
  if (st.state !== 'SETTLED' || st.preimage === undefined) return undefined
  return d.settle(st.paymentHash, { preimage: st.preimage, settledAtSec: st.settledAtSec ?? 0, amountMsat: msat(st.amountMsat) })
}

async function eachLimited<T>(items: T[], concurrency: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0
  const run = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!)
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, run))
}

async function lookUp(d: ReconcileDeps, p: PurchaseRecord): Promise<InvoiceStatus | undefined | 'ERROR'> {
  try {
    return await d.wallet.lookupInvoice(p.paymentHash)
  } catch (e) {
    d.log?.('lookup_invoice failed; the purchase stays as it is', { purchase_id: p.id, error: String(e) })
    return 'ERROR'
  }
}

/** One pass over PENDING purchases: settle the paid ones, expire the unpaid ones past expiry + grace. */
export async function reconcilePending(d: ReconcileDeps, o: ReconcileOptions = defaultReconcileOptions): Promise<ReconcileReport> {
  const report: ReconcileReport = { looked: 0, settled: 0, expired: 0, unknown: 0 }
  const list = d.repo.pending(d.nowSec() - o.minAgeSec, o.limit)
  await eachLimited(list, o.concurrency, async (p) => {
    const st = await lookUp(d, p)
    report.looked++
    if (st === 'ERROR') { report.unknown++; return }
    if (st) {
      const r = settleFrom(d, st)
      if (r?.outcome === 'SETTLED') { report.settled++; return }
      if (st.state === 'SETTLED') return
    }
    // The last lookup says not settled (pending, expired, failed, or unknown to the wallet).
    if (d.nowSec() >= p.expiresAtSec + o.graceSec && d.repo.markExpired(p.id, d.nowSec())) report.expired++
  })
  return report
}

/** One pass over recently EXPIRED purchases: a payment that arrived late is settled with paid_late. */
export async function reconcileLate(d: ReconcileDeps, o: ReconcileOptions = defaultReconcileOptions): Promise<ReconcileReport> {
  const report: ReconcileReport = { looked: 0, settled: 0, expired: 0, unknown: 0 }
  const list = d.repo.recentlyExpired(d.nowSec() - o.lateWindowSec, o.limit)
  await eachLimited(list, o.concurrency, async (p) => {
    const st = await lookUp(d, p)
    report.looked++
    if (st === 'ERROR') { report.unknown++; return }
    if (st && settleFrom(d, st)?.outcome === 'SETTLED') report.settled++
  })
  return report
}

/** Subscribe to payment_received from creation until stopped; each notification goes to settlement (idempotent). */
export function paymentListener(d: { wallet: Pick<Wallet, 'onPaymentReceived'>; settle: Settle; log?: Log }): Worker {
  const unsubscribe = d.wallet.onPaymentReceived((st) => {
    try {
      const r = settleFrom(d, st)
      if (r && r.outcome === 'REJECTED') d.log?.('payment notification not booked', { payment_hash: st.paymentHash, reason: r.reason })
    } catch (e) {
      // The poller will find it; a notification must never crash the process.
      d.log?.('settlement from a notification failed', { payment_hash: st.paymentHash, error: String(e) })
    }
  })
  return {
    name: 'payment-listener',
    kick() {},
    async stop() { unsubscribe() },
  }
}

/** The settlement workers of the service: listener, pending reconciler (with the sweeper), late reconciler. */
export function settlementWorkers(d: ReconcileDeps & { wallet: Pick<Wallet, 'lookupInvoice' | 'onPaymentReceived'> },
  o: Partial<ReconcileOptions> & { pendingEveryMs?: number; lateEveryMs?: number } = {}): Worker[] {
  const opts = { ...defaultReconcileOptions, ...o }
  const onError = (e: unknown): void => d.log?.('reconcile pass failed', { error: String(e) })
  return [
    paymentListener(d),
    intervalWorker('purchase-reconciler', o.pendingEveryMs ?? 5_000, () => reconcilePending(d, opts), onError),
    intervalWorker('late-payment-reconciler', o.lateEveryMs ?? 60_000, () => reconcileLate(d, opts), onError),
  ]
}
