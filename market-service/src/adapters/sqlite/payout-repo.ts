/**
 * SQLite adapter of the payouts port (domain/payout/payout-repo.ts) over `payouts` and the append-only
 * `ledger_entries`. Each write is `UPDATE … WHERE id = ? AND status = ? AND payment_hash IS ?` and answers
 * whether exactly one row changed; SENT and FAILED write their ledger row in the same transaction.
 */
import type Database from 'better-sqlite3'
import { msat } from '@zapcade/shared/money'
import type { Payout, PayoutRepo } from '../../domain/payout/payout-repo.ts'
import type { PayoutStatus } from '../../domain/payout/payout-machine.ts'

interface Row {
  id: string
  developer_user_id: number
  pubkey: string
  purchase_id: string | null
  amount_msat: number
  destination_ln_address: string | null
  status: PayoutStatus
  idempotency_key: string
  payment_hash: string | null
  bolt11: string | null
  preimage: string | null
  fees_paid_msat: number | null
  attempts: number
  next_attempt_at: number
  last_error: string | null
  created_at: number
  updated_at: number
}

const COLS = `p.*, u.pubkey FROM payouts p JOIN users u ON u.id = p.developer_user_id`

function toPayout(r: Row): Payout {
  return {
    id: r.id,
    developerUserId: r.developer_user_id,
    developerPubkey: r.pubkey,
    purchaseId: r.purchase_id,
    amountMsat: msat(r.amount_msat),
    destination: r.destination_ln_address,
    status: r.status,
    idempotencyKey: r.idempotency_key,
    paymentHash: r.payment_hash,
    bolt11: r.bolt11,
    preimage: r.preimage,
    feesPaidMsat: r.fees_paid_msat === null ? null : msat(r.fees_paid_msat),
    attempts: r.attempts,
    nextAttemptAtSec: r.next_attempt_at,
    lastError: r.last_error,
    createdAtSec: r.created_at,
    updatedAtSec: r.updated_at,
  }
}

/** The payouts port on a better-sqlite3 handle (migrations already applied). */
export function sqlitePayoutRepo(db: Database.Database): PayoutRepo {
  const byId = db.prepare<[string], Row>(`SELECT ${COLS} WHERE p.id = ?`)
  const due = db.prepare<[number, number], Row>(
    `SELECT ${COLS} WHERE p.status IN ('SCHEDULED', 'RETRYING') AND p.next_attempt_at <= ? ORDER BY p.next_attempt_at, p.created_at, p.id LIMIT ?`,
  )
  const withHash = db.prepare<[number], Row>(
    `SELECT ${COLS} WHERE p.status IN ('SCHEDULED', 'RETRYING') AND p.payment_hash IS NOT NULL ORDER BY p.updated_at, p.id LIMIT ?`,
  )
  const address = db.prepare<[number], { payout_ln_address: string | null }>(
    'SELECT payout_ln_address FROM developer_profiles WHERE user_id = ?',
  )
  const setDest = db.prepare(`UPDATE payouts SET destination_ln_address = ?, updated_at = ?
    WHERE id = ? AND status = ? AND destination_ln_address IS ?`)
  const note = db.prepare(
    'UPDATE payouts SET last_error = ?, next_attempt_at = ?, updated_at = ? WHERE id = ? AND status = ?',
  )
  const record =
    db.prepare(`UPDATE payouts SET payment_hash = ?, bolt11 = ?, attempts = ?, last_error = NULL, updated_at = ?
    WHERE id = ? AND status = ? AND payment_hash IS ?`)
  // LED-5: what the developer may still be paid, not counting this payout.
  const headroom = db.prepare<[number, number, number, string], { n: number }>(`SELECT
      (SELECT COALESCE(SUM(amount_msat), 0) FROM ledger_entries WHERE developer_user_id = ? AND type = 'DEVELOPER_NET')
    - (SELECT COALESCE(SUM(amount_msat), 0) FROM ledger_entries WHERE developer_user_id = ? AND type = 'PAYOUT_SENT')
    - (SELECT COALESCE(SUM(amount_msat), 0) FROM payouts WHERE developer_user_id = ? AND id <> ?
         AND status IN ('SCHEDULED', 'RETRYING') AND payment_hash IS NOT NULL) AS n`)
  const sent =
    db.prepare(`UPDATE payouts SET status = 'SENT', preimage = ?, fees_paid_msat = ?, last_error = NULL, updated_at = ?
    WHERE id = ? AND status = ? AND payment_hash = ?`)
  const retrying =
    db.prepare(`UPDATE payouts SET status = 'RETRYING', attempts = ?, next_attempt_at = ?, last_error = ?,
    payment_hash = CASE WHEN ? THEN NULL ELSE payment_hash END, bolt11 = CASE WHEN ? THEN NULL ELSE bolt11 END, updated_at = ?
    WHERE id = ? AND status = ? AND payment_hash IS ?`)
  const failed = db.prepare(`UPDATE payouts SET status = 'FAILED', attempts = ?, last_error = ?,
    payment_hash = CASE WHEN ? THEN NULL ELSE payment_hash END, bolt11 = CASE WHEN ? THEN NULL ELSE bolt11 END, updated_at = ?
    WHERE id = ? AND status = ? AND payment_hash IS ?`)
  const canceled =
    db.prepare(`UPDATE payouts SET status = 'CANCELED', last_error = ?, updated_at = ?
    WHERE id = ? AND status = ? AND payment_hash IS ?`)
  const ledger =
    db.prepare(`INSERT INTO ledger_entries (payout_id, purchase_id, developer_user_id, type, amount_msat, meta_json, idempotency_key, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
  const failures = db.prepare<[string], { n: number }>(
    `SELECT count(*) AS n FROM ledger_entries WHERE payout_id = ? AND type = 'PAYOUT_FAILED'`,
  )
  const forDev = db.prepare<[string, number, number, string, number], Row>(
    `SELECT ${COLS} WHERE u.pubkey = ? AND (p.created_at < ? OR (p.created_at = ? AND p.id < ?))
     ORDER BY p.created_at DESC, p.id DESC LIMIT ?`,
  )

  const byStatus = db.prepare<[string, number], Row>(
    `SELECT ${COLS} WHERE p.status IN (SELECT value FROM json_each(?)) ORDER BY p.created_at, p.id LIMIT ?`,
  )

  const changed = (r: Database.RunResult): boolean => r.changes === 1

  const recordInvoice = db.transaction(
    (
      id: string,
      status: string,
      expectHash: string | null,
      hash: string,
      bolt11: string,
      attempts: number,
      now: number,
    ): 'RECORDED' | 'MOVED' | 'OVER_BALANCE' => {
      const p = byId.get(id)
      if (!p || p.status !== status || p.payment_hash !== expectHash) return 'MOVED'
      if (
        headroom.get(p.developer_user_id, p.developer_user_id, p.developer_user_id, id)!.n <
        p.amount_msat
      )
        return 'OVER_BALANCE'
      return changed(record.run(hash, bolt11, attempts, now, id, status, expectHash))
        ? 'RECORDED'
        : 'MOVED'
    },
  )
  const markSent = db.transaction(
    (
      id: string,
      from: string,
      hash: string,
      preimage: string,
      fees: number,
      now: number,
    ): boolean => {
      if (!changed(sent.run(preimage, fees, now, id, from, hash))) return false
      const p = byId.get(id)!
      ledger.run(
        id,
        p.purchase_id,
        p.developer_user_id,
        'PAYOUT_SENT',
        p.amount_msat,
        JSON.stringify({
          payment_hash: hash,
          preimage,
          fees_paid_msat: fees,
          destination: p.destination_ln_address,
        }),
        `payout:${id}:SENT`,
        now,
      )
      return true
    },
  )
  const markFailed = db.transaction(
    (
      id: string,
      from: string,
      hash: string | null,
      attempts: number,
      reason: string,
      clear: boolean,
      now: number,
    ): boolean => {
      if (!changed(failed.run(attempts, reason, clear ? 1 : 0, clear ? 1 : 0, now, id, from, hash)))
        return false
      const p = byId.get(id)!
      const n = failures.get(id)!.n + 1
      ledger.run(
        id,
        p.purchase_id,
        p.developer_user_id,
        'PAYOUT_FAILED',
        p.amount_msat,
        JSON.stringify({
          reason,
          attempts,
          payment_hash: hash,
          destination: p.destination_ln_address,
        }),
        `payout:${id}:FAILED:${n}`,
        now,
      )
      return true
    },
  )

  return {
    get: (id) => {
      const r = byId.get(id)
      return r && toPayout(r)
    },
    listDue: (now, limit) => due.all(now, limit).map(toPayout),
    listWithPaymentHash: (limit) => withHash.all(limit).map(toPayout),
    developerAddress: (userId) => address.get(userId)?.payout_ln_address ?? undefined,
    setDestination: (id, status, previous, addr, now) =>
      changed(setDest.run(addr, now, id, status, previous)),
    note: (id, status, o) =>
      changed(note.run(o.lastError, o.nextAttemptAtSec, o.nowSec, id, status)),
    recordInvoice: (id, expect, o) =>
      recordInvoice.immediate(
        id,
        expect.status,
        expect.paymentHash,
        o.paymentHash,
        o.bolt11,
        o.attempts,
        o.nowSec,
      ),
    markSent: (id, from, hash, f) =>
      markSent.immediate(id, from, hash, f.preimage, f.feesPaidMsat, f.nowSec),
    markRetrying: (id, from, hash, o) => {
      const c = o.clearInvoice ? 1 : 0
      return changed(
        retrying.run(o.attempts, o.nextAttemptAtSec, o.lastError, c, c, o.nowSec, id, from, hash),
      )
    },
    markFailed: (id, from, hash, o) =>
      markFailed.immediate(id, from, hash, o.attempts, o.lastError, o.clearInvoice, o.nowSec),
    markCanceled: (id, from, hash, o) => changed(canceled.run(o.reason, o.nowSec, id, from, hash)),
    listByStatus: (statuses, limit) => byStatus.all(JSON.stringify(statuses), limit).map(toPayout),
    listForDeveloper: (pubkey, o) =>
      forDev
        .all(
          pubkey,
          o.beforeCreatedAtSec ?? Number.MAX_SAFE_INTEGER,
          o.beforeCreatedAtSec ?? Number.MAX_SAFE_INTEGER,
          o.beforeId ?? '\uffff',
          o.limit,
        )
        .map(toPayout),
  }
}
