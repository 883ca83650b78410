/**
 * SQLite adapter of the refunds port (ports/refund-repo.ts) over `refunds`, `game_refund_policies`,
 * `refund_recoveries` and the append-only `ledger_entries`. Writes are `UPDATE … WHERE id = ? AND
 * status = ?` (plus the payment hash or link number they expect); `markSent` books the whole refund in
 * one immediate transaction. `withholdForRefunds` is what settlement calls while scheduling a payout,
 * so a developer who owes a refund back is paid less until it is recovered.
 */
import { randomUUID } from 'node:crypto'
import type Database from 'better-sqlite3'
import { msat } from '@zapcade/shared/money'
import type { RefundStatus } from '@zapcade/shared/status'
import type {
  NewRefund,
  Refund,
  RefundDestinationKind,
  RefundPatch,
  RefundRepo,
  RefundRequester,
} from '../../ports/refund-repo.ts'

interface Row {
  id: string
  purchase_id: string
  developer_user_id: number | null
  dev_pubkey: string | null
  game_pubkey: string | null
  slug: string | null
  title: string | null
  buyer_pubkey: string | null
  amount_msat: number
  status: RefundStatus
  requested_by: RefundRequester
  reason: string | null
  auto_approved: number
  decided_by: string | null
  decision_note: string | null
  destination_kind: RefundDestinationKind | null
  destination: string | null
  withdraw_seq: number
  withdraw_expires_at: number | null
  payment_hash: string | null
  bolt11: string | null
  preimage: string | null
  fees_paid_msat: number | null
  attempts: number
  next_attempt_at: number
  last_error: string | null
  recover_msat: number
  created_at: number
  updated_at: number
  sent_at: number | null
}

const SELECT = `SELECT r.*, du.pubkey AS dev_pubkey, gu.pubkey AS game_pubkey, g.slug, g.title, bu.pubkey AS buyer_pubkey
  FROM refunds r JOIN purchases p ON p.id = r.purchase_id
  LEFT JOIN games g ON g.id = p.game_id LEFT JOIN users gu ON gu.id = g.developer_user_id
  LEFT JOIN users du ON du.id = r.developer_user_id LEFT JOIN users bu ON bu.id = p.buyer_user_id`

function toRefund(r: Row): Refund {
  return {
    id: r.id,
    purchaseId: r.purchase_id,
    developerUserId: r.developer_user_id,
    developerPubkey: r.dev_pubkey,
    game:
      r.game_pubkey !== null && r.slug !== null && r.title !== null
        ? { pubkey: r.game_pubkey, slug: r.slug, title: r.title }
        : null,
    buyerPubkey: r.buyer_pubkey,
    amountMsat: msat(r.amount_msat),
    status: r.status,
    requestedBy: r.requested_by,
    reason: r.reason,
    autoApproved: r.auto_approved === 1,
    decidedBy: r.decided_by,
    decisionNote: r.decision_note,
    destinationKind: r.destination_kind,
    destination: r.destination,
    withdrawSeq: r.withdraw_seq,
    withdrawExpiresAtSec: r.withdraw_expires_at,
    paymentHash: r.payment_hash,
    bolt11: r.bolt11,
    preimage: r.preimage,
    feesPaidMsat: r.fees_paid_msat === null ? null : msat(r.fees_paid_msat),
    attempts: r.attempts,
    nextAttemptAtSec: r.next_attempt_at,
    lastError: r.last_error,
    recoverMsat: msat(r.recover_msat),
    createdAtSec: r.created_at,
    updatedAtSec: r.updated_at,
    sentAtSec: r.sent_at,
  }
}

const PATCH_COLUMNS: Record<Exclude<keyof RefundPatch, 'nowSec'>, string> = {
  status: 'status',
  decidedBy: 'decided_by',
  decisionNote: 'decision_note',
  destinationKind: 'destination_kind',
  destination: 'destination',
  withdrawSeq: 'withdraw_seq',
  withdrawExpiresAtSec: 'withdraw_expires_at',
  paymentHash: 'payment_hash',
  bolt11: 'bolt11',
  attempts: 'attempts',
  nextAttemptAtSec: 'next_attempt_at',
  lastError: 'last_error',
}

/** What the developer still owes back, per SENT refund with something left to recover, oldest first. */
function outstanding(
  db: Database.Database,
  developerUserId: number,
): { id: string; left: number }[] {
  return db
    .prepare<[number], { id: string; left: number }>(
      `SELECT r.id, r.recover_msat - COALESCE((SELECT sum(amount_msat) FROM refund_recoveries x WHERE x.refund_id = r.id), 0) AS left
       FROM refunds r WHERE r.developer_user_id = ? AND r.status = 'SENT' AND r.recover_msat > 0
       ORDER BY r.sent_at, r.id`,
    )
    .all(developerUserId)
    .filter((r) => r.left > 0)
}

/**
 * Called inside settlement's transaction before a developer's payout of `amountMsat` for `purchaseId`
 * is scheduled: withholds what the developer owes back for refunds sent after their payout (recorded
 * in refund_recoveries) and answers the amount left to schedule (0: schedule nothing).
 */
export function withholdForRefunds(
  db: Database.Database,
  developerUserId: number,
  purchaseId: string,
  amountMsat: number,
  nowSec: number,
): number {
  let left = amountMsat
  const add = db.prepare(
    'INSERT INTO refund_recoveries (refund_id, developer_user_id, purchase_id, amount_msat, created_at) VALUES (?, ?, ?, ?, ?)',
  )
  for (const o of outstanding(db, developerUserId)) {
    if (left === 0) break
    const take = Math.min(left, o.left)
    add.run(o.id, developerUserId, purchaseId, take, nowSec)
    left -= take
  }
  return left
}

/** The refunds port on a better-sqlite3 handle (migrations already applied). */
export function sqliteRefundRepo(db: Database.Database): RefundRepo {
  const q = {
    purchase: db.prepare<
      [string],
      {
        id: string
        status: string
        kind: 'CHECKOUT' | 'ZAP'
        is_tip: number
        game_id: number | null
        amount_msat: number
        paid_at: number | null
        buyer_pubkey: string | null
        buyer_lud16: string | null
        guest_receipt_code_hash: string | null
        dev: number | null
      }
    >(`SELECT p.id, p.status, p.kind, p.is_tip, p.game_id, p.amount_msat, p.paid_at, bu.pubkey AS buyer_pubkey,
         bu.lud16 AS buyer_lud16, p.guest_receipt_code_hash, COALESCE(g.developer_user_id, p.recipient_user_id) AS dev
       FROM purchases p LEFT JOIN users bu ON bu.id = p.buyer_user_id LEFT JOIN games g ON g.id = p.game_id
       WHERE p.id = ?`),
    policy: db.prepare<[number], { window_days: number; max_hours_since_download: number | null }>(
      'SELECT window_days, max_hours_since_download FROM game_refund_policies WHERE game_id = ?',
    ),
    gameId: db.prepare<[string, string], { id: number }>(
      `SELECT g.id FROM games g JOIN users u ON u.id = g.developer_user_id
       WHERE u.pubkey = ? AND g.slug = ? AND g.deleted_at IS NULL`,
    ),
    setPolicy:
      db.prepare(`INSERT INTO game_refund_policies (game_id, window_days, max_hours_since_download, updated_at)
      VALUES (?, ?, ?, ?) ON CONFLICT (game_id) DO UPDATE SET window_days = excluded.window_days,
      max_hours_since_download = excluded.max_hours_since_download, updated_at = excluded.updated_at`),
    firstDownload: db.prepare<[string], { at: number | null }>(
      `SELECT min(d.created_at) AS at FROM download_events d JOIN entitlements e ON e.id = d.entitlement_id
       WHERE e.purchase_id = ?`,
    ),
    byId: db.prepare<[string], Row>(`${SELECT} WHERE r.id = ?`),
    byPurchase: db.prepare<[string], Row>(`${SELECT} WHERE r.purchase_id = ?`),
    insert:
      db.prepare(`INSERT INTO refunds (id, purchase_id, developer_user_id, amount_msat, status, requested_by, reason,
        auto_approved, decided_by, destination_kind, destination, next_attempt_at, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (purchase_id) DO NOTHING`),
    revoke: db.prepare(
      `UPDATE entitlements SET revoked_at = ?, revoked_reason = ? WHERE purchase_id = ? AND revoked_at IS NULL`,
    ),
    forDev: db.prepare<[string, string | null, string | null, number], Row>(
      `${SELECT} WHERE du.pubkey = ? AND (? IS NULL OR r.status = ?) ORDER BY r.created_at DESC, r.id DESC LIMIT ?`,
    ),
    due: db.prepare<[number, number], Row>(
      `${SELECT} WHERE ((r.status = 'APPROVED' AND r.destination_kind IN ('BOLT11', 'LN_ADDRESS')) OR r.status = 'SENDING')
         AND r.next_attempt_at <= ? ORDER BY r.next_attempt_at, r.id LIMIT ?`,
    ),
    sending: db.prepare<[number], Row>(
      `${SELECT} WHERE r.status = 'SENDING' ORDER BY r.updated_at, r.id LIMIT ?`,
    ),
    sent: db.prepare(`UPDATE refunds SET status = 'SENT', preimage = ?, fees_paid_msat = ?, sent_at = ?,
      last_error = NULL, updated_at = ? WHERE id = ? AND status = 'SENDING' AND payment_hash = ?`),
    purchaseRefunded: db.prepare(
      `UPDATE purchases SET status = 'REFUNDED', updated_at = ? WHERE id = ? AND status = 'PAID'`,
    ),
    sums: db.prepare<[string], { type: string; total: number; dev: number | null }>(
      `SELECT type, sum(amount_msat) AS total, max(developer_user_id) AS dev FROM ledger_entries
       WHERE purchase_id = ? AND type IN ('PLATFORM_FEE', 'DEVELOPER_NET') GROUP BY type`,
    ),
    ledger:
      db.prepare(`INSERT INTO ledger_entries (purchase_id, developer_user_id, type, amount_msat, meta_json, idempotency_key, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?)`),
    // The author's payouts only: a split sale's collaborators keep their shares (docs/splits.md).
    cancelOwnPayouts:
      db.prepare(`UPDATE payouts SET status = 'CANCELED', last_error = ?, updated_at = ?
      WHERE purchase_id = ? AND developer_user_id IS ? AND ((status IN ('SCHEDULED', 'RETRYING') AND payment_hash IS NULL) OR status = 'FAILED')`),
    ownNet: db.prepare<[string, number], { n: number }>(
      `SELECT COALESCE(sum(amount_msat), 0) AS n FROM ledger_entries WHERE purchase_id = ? AND developer_user_id = ? AND type = 'DEVELOPER_NET'`,
    ),
    leftOwnPayouts: db.prepare<[string, number], { n: number }>(
      `SELECT COALESCE(sum(amount_msat), 0) AS n FROM payouts WHERE purchase_id = ? AND developer_user_id = ? AND status <> 'CANCELED'`,
    ),
    dropRecoveries: db.prepare('DELETE FROM refund_recoveries WHERE purchase_id = ?'),
    setRecover: db.prepare('UPDATE refunds SET recover_msat = ? WHERE id = ?'),
    openPayouts: db.prepare<
      [number],
      {
        id: string
        purchase_id: string | null
        amount_msat: number
        destination_ln_address: string | null
        status: string
        idempotency_key: string
      }
    >(`SELECT id, purchase_id, amount_msat, destination_ln_address, status, idempotency_key FROM payouts
       WHERE developer_user_id = ? AND status IN ('SCHEDULED', 'RETRYING') AND payment_hash IS NULL
       ORDER BY created_at, id`),
    cancelPayout: db.prepare(`UPDATE payouts SET status = 'CANCELED', last_error = ?, updated_at = ?
      WHERE id = ? AND status = ? AND payment_hash IS NULL`),
    addPayout:
      db.prepare(`INSERT INTO payouts (id, developer_user_id, purchase_id, amount_msat, destination_ln_address, status, idempotency_key, next_attempt_at, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, 'SCHEDULED', ?, ?, ?, ?)`),
    recovery: db.prepare(
      'INSERT INTO refund_recoveries (refund_id, developer_user_id, purchase_id, amount_msat, created_at) VALUES (?, ?, ?, ?, ?)',
    ),
    balance: db.prepare<[string], { net: number; debit: number; sent: number; uid: number | null }>(
      `SELECT u.id AS uid,
         COALESCE(sum(CASE WHEN l.type = 'DEVELOPER_NET' THEN l.amount_msat END), 0) AS net,
         COALESCE(sum(CASE WHEN l.type = 'REFUND_DEVELOPER_DEBIT' THEN l.amount_msat END), 0) AS debit,
         COALESCE(sum(CASE WHEN l.type = 'PAYOUT_SENT' THEN l.amount_msat END), 0) AS sent
       FROM users u LEFT JOIN ledger_entries l ON l.developer_user_id = u.id WHERE u.pubkey = ? GROUP BY u.id`,
    ),
  }

  const get = (id: string): Refund | undefined => {
    const r = q.byId.get(id)
    return r && toRefund(r)
  }

  const markSent = db.transaction(
    (id: string, hash: string, preimage: string, fees: number, now: number): boolean => {
      if (q.sent.run(preimage, fees, now, now, id, hash).changes !== 1) return false
      const r = q.byId.get(id)!
      q.purchaseRefunded.run(now, r.purchase_id)
      let fee = 0,
        net = 0,
        dev: number | null = r.developer_user_id
      for (const s of q.sums.all(r.purchase_id)) {
        if (s.type === 'PLATFORM_FEE') fee = s.total
        else {
          net = s.total
          // The listing's author is debited the whole net (a split sale has one leg per recipient).
          dev = dev ?? s.dev
        }
      }
      const key = (t: string) => `refund:${r.purchase_id}:${t}`
      const meta = JSON.stringify({
        refund_id: id,
        payment_hash: hash,
        preimage,
        fees_paid_msat: fees,
        destination_kind: r.destination_kind,
      })
      q.ledger.run(r.purchase_id, null, 'REFUND_SENT', r.amount_msat, meta, key('REFUND_SENT'), now)
      q.ledger.run(
        r.purchase_id,
        dev,
        'REFUND_DEVELOPER_DEBIT',
        net,
        JSON.stringify({ refund_id: id }),
        key('REFUND_DEVELOPER_DEBIT'),
        now,
      )
      q.ledger.run(
        r.purchase_id,
        null,
        'REFUND_FEE_REVERSAL',
        fee,
        JSON.stringify({ refund_id: id }),
        key('REFUND_FEE_REVERSAL'),
        now,
      )
      q.revoke.run(now, 'refunded', r.purchase_id)
      // What this purchase's payout had withheld toward earlier refunds came out of money now given
      // back: those refunds are owed again.
      q.dropRecoveries.run(r.purchase_id)
      // The purchase's own payout, when it has not left, is canceled; what did leave is owed back.
      q.cancelOwnPayouts.run(`refunded (${id})`, now, r.purchase_id, dev)
      if (dev === null) return true
      // Owed back: what of the author's own payout left, plus the collaborators' shares they keep.
      const kept = net - q.ownNet.get(r.purchase_id, dev)!.n
      const recover = Math.min(net, kept + q.leftOwnPayouts.get(r.purchase_id, dev)!.n)
      if (recover === 0) return true
      q.setRecover.run(recover, id)
      // Recovered first from payouts already scheduled and not started: each is canceled and
      // scheduled again for what is left (payouts are never edited in place: a worker may hold one).
      let left = recover
      for (const po of q.openPayouts.all(dev)) {
        if (left === 0) break
        if (q.cancelPayout.run(`recovering refund ${id}`, now, po.id, po.status).changes !== 1)
          continue
        const take = Math.min(left, po.amount_msat)
        q.recovery.run(id, dev, po.purchase_id ?? r.purchase_id, take, now)
        left -= take
        if (po.amount_msat > take)
          q.addPayout.run(
            randomUUID(),
            dev,
            po.purchase_id,
            po.amount_msat - take,
            po.destination_ln_address,
            `${po.idempotency_key}:less:${id}`,
            now,
            now,
            now,
          )
      }
      return true
    },
  )

  return {
    purchase(id) {
      const p = q.purchase.get(id)
      return (
        p && {
          id: p.id,
          status: p.status,
          kind: p.kind,
          isTip: p.is_tip === 1,
          gameId: p.game_id,
          amountMsat: msat(p.amount_msat),
          paidAtSec: p.paid_at,
          buyerPubkey: p.buyer_pubkey,
          buyerLud16: p.buyer_lud16,
          guestReceiptCodeHash: p.guest_receipt_code_hash,
          developerUserId: p.dev,
        }
      )
    },
    policy(gameId) {
      const r = q.policy.get(gameId)
      return r && { windowDays: r.window_days, maxHoursSinceDownload: r.max_hours_since_download }
    },
    gameId: (pubkey, slug) => q.gameId.get(pubkey, slug)?.id,
    setPolicy(gameId, p, now) {
      q.setPolicy.run(gameId, p.windowDays, p.maxHoursSinceDownload, now)
    },
    firstDownloadAtSec: (purchaseId) => q.firstDownload.get(purchaseId)?.at ?? undefined,
    get,
    byPurchase(purchaseId) {
      const r = q.byPurchase.get(purchaseId)
      return r && toRefund(r)
    },
    create(n: NewRefund) {
      q.insert.run(
        n.id,
        n.purchaseId,
        n.developerUserId,
        n.amountMsat,
        n.status,
        n.requestedBy,
        n.reason,
        n.autoApproved ? 1 : 0,
        n.decidedBy,
        n.destinationKind,
        n.destination,
        n.nowSec,
        n.nowSec,
        n.nowSec,
      )
      return toRefund(q.byPurchase.get(n.purchaseId)!)
    },
    transition(id, from, patch, expect) {
      const sets: string[] = ['updated_at = ?']
      const args: unknown[] = [patch.nowSec]
      for (const [k, col] of Object.entries(PATCH_COLUMNS)) {
        const v = patch[k as keyof typeof PATCH_COLUMNS]
        if (v === undefined) continue
        sets.push(`${col} = ?`)
        args.push(v)
      }
      let where = 'id = ? AND status = ?'
      args.push(id, from)
      if (expect?.paymentHash !== undefined) {
        where += ' AND payment_hash IS ?'
        args.push(expect.paymentHash)
      }
      if (expect?.withdrawSeq !== undefined) {
        where += ' AND withdraw_seq = ?'
        args.push(expect.withdrawSeq)
      }
      return (
        db.prepare(`UPDATE refunds SET ${sets.join(', ')} WHERE ${where}`).run(...args).changes ===
        1
      )
    },
    revokeEntitlement(purchaseId, reason, now) {
      q.revoke.run(now, reason, purchaseId)
    },
    listForDeveloper: (pubkey, status, limit) =>
      q.forDev.all(pubkey, status ?? null, status ?? null, limit).map(toRefund),
    listDue: (now, limit) => q.due.all(now, limit).map(toRefund),
    listSending: (limit) => q.sending.all(limit).map(toRefund),
    markSent: (id, hash, f) => markSent.immediate(id, hash, f.preimage, f.feesPaidMsat, f.nowSec),
    developerBalance(pubkey) {
      const b = q.balance.get(pubkey)
      if (!b || b.uid === null) return { balanceMsat: 0, refundedMsat: 0, owedBackMsat: 0 }
      const owed = outstanding(db, b.uid).reduce((a, o) => a + o.left, 0)
      return { balanceMsat: b.net - b.debit - b.sent, refundedMsat: b.debit, owedBackMsat: owed }
    },
  }
}
