/** SQLite adapter of the payment alerts port (ports/payment-alert-repo.ts) over payment_alerts and purchases. */
import type Database from 'better-sqlite3'
import type { Msat } from '@zapcade/shared/money'
import type { PaymentAlertRecord, PaymentAlertRepo } from '../../ports/payment-alert-repo.ts'

interface AlertRow {
  purchase_id: string
  payment_hash: string
  reason: string
  amount_msat: number
  received_msat: number | null
  status: string
  first_seen_at: number
  last_seen_at: number
  seen_count: number
  resolved_at: number | null
  resolved_note: string | null
}

const SELECT = `SELECT a.*, p.amount_msat, p.status FROM payment_alerts a JOIN purchases p ON p.id = a.purchase_id`

const toRecord = (r: AlertRow): PaymentAlertRecord => ({
  purchaseId: r.purchase_id,
  paymentHash: r.payment_hash,
  reason: r.reason,
  amountMsat: r.amount_msat as Msat,
  receivedMsat: r.received_msat as Msat | null,
  purchaseStatus: r.status,
  firstSeenAtSec: r.first_seen_at,
  lastSeenAtSec: r.last_seen_at,
  seenCount: r.seen_count,
  resolvedAtSec: r.resolved_at,
  resolvedNote: r.resolved_note,
})

export function sqlitePaymentAlertRepo(db: Database.Database): PaymentAlertRepo {
  const q = {
    open: db.prepare<[number], AlertRow>(
      `${SELECT} WHERE a.resolved_at IS NULL ORDER BY a.first_seen_at, a.purchase_id LIMIT ?`,
    ),
    all: db.prepare<[number], AlertRow>(
      `${SELECT} ORDER BY a.first_seen_at, a.purchase_id LIMIT ?`,
    ),
    one: db.prepare<[string], AlertRow>(`${SELECT} WHERE a.purchase_id = ?`),
    resolve: db.prepare(
      'UPDATE payment_alerts SET resolved_at = ?, resolved_note = ? WHERE purchase_id = ? AND resolved_at IS NULL',
    ),
    fail: db.prepare(
      `UPDATE purchases SET status = 'FAILED', updated_at = ? WHERE id = ? AND status = 'PENDING'`,
    ),
  }
  const resolve = db.transaction((purchaseId: string, note: string, nowSec: number): boolean => {
    if (q.resolve.run(nowSec, note, purchaseId).changes !== 1) return false
    q.fail.run(nowSec, purchaseId)
    return true
  })
  return {
    list: (status, limit) => (status === 'open' ? q.open : q.all).all(limit).map(toRecord),
    byPurchase: (id) => {
      const r = q.one.get(id)
      return r && toRecord(r)
    },
    resolve: (purchaseId, note, nowSec) => resolve.immediate(purchaseId, note, nowSec),
  }
}
