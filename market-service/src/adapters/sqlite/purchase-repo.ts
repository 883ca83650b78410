/**
 * SQLite adapter of the purchases port (ports/purchase-repo.ts) over the shared schema: purchases,
 * ledger_entries (append-only), entitlements, payouts, outbox_jobs, idempotency_records, users, games.
 * Read-modify-write runs in BEGIN IMMEDIATE (reliability catalogue B6); status writes are guarded.
 * The money writes of the purchase path (idempotency start, PENDING purchase, settlement) go through the
 * connection's group commit: one fsync per event-loop turn instead of one per write (group-commit.ts).
 */
import type Database from 'better-sqlite3'
import type { Msat } from '@zapcade/shared/money'
import type { PurchaseStatus } from '../../domain/purchase/purchase-machine.ts'
import { groupCommit } from './group-commit.ts'
import { withholdForRefunds } from './refund-repo.ts'
import { hasVerifiedBuildSql } from './verified-build.ts'
import { userIdOf } from './users.ts'
import type {
  CatalogGame,
  GameStatus,
  IdempotencyBegin,
  NewLedgerEntry,
  PurchaseKind,
  PurchaseRecord,
  PurchaseRepo,
  SettlementTx,
} from '../../ports/purchase-repo.ts'

interface PurchaseRow {
  id: string
  buyer_user_id: number | null
  buyer_pubkey: string | null
  guest_receipt_code_hash: string | null
  game_id: number | null
  recipient_user_id: number | null
  kind: PurchaseKind
  is_tip: number
  invoice_id: string
  bolt11: string
  amount_msat: number
  price_msat: number
  fee_bps: number
  zap_request: string | null
  status: PurchaseStatus
  paid_late: number
  preimage: string | null
  created_at: number
  expires_at: number
  paid_at: number | null
  gift_to_user_id: number | null
  gift_to_pubkey: string | null
  gift_dm: number
}

const SELECT_PURCHASE = `SELECT p.*, u.pubkey AS buyer_pubkey, gu.pubkey AS gift_to_pubkey FROM purchases p
  LEFT JOIN users u ON u.id = p.buyer_user_id LEFT JOIN users gu ON gu.id = p.gift_to_user_id`

function toRecord(r: PurchaseRow): PurchaseRecord {
  return {
    id: r.id,
    buyerUserId: r.buyer_user_id,
    buyerPubkey: r.buyer_pubkey,
    guestReceiptCodeHash: r.guest_receipt_code_hash,
    gameId: r.game_id,
    recipientUserId: r.recipient_user_id,
    kind: r.kind,
    isTip: r.is_tip === 1,
    paymentHash: r.invoice_id,
    bolt11: r.bolt11,
    amountMsat: r.amount_msat as Msat,
    priceMsat: r.price_msat as Msat,
    feeBps: r.fee_bps,
    zapRequest: r.zap_request,
    status: r.status,
    paidLate: r.paid_late === 1,
    preimage: r.preimage,
    createdAtSec: r.created_at,
    expiresAtSec: r.expires_at,
    paidAtSec: r.paid_at,
    giftToUserId: r.gift_to_user_id,
    giftToPubkey: r.gift_to_pubkey,
    giftDm: r.gift_dm === 1,
  }
}

/** The purchases port on a better-sqlite3 handle (migrations applied). */
export function sqlitePurchaseRepo(db: Database.Database): PurchaseRepo {
  const q = {
    game: db.prepare<
      [string, string],
      {
        id: number
        slug: string
        title: string
        status: GameStatus
        price_msat: number
        zap_pubkey: string | null
        deleted_at: number | null
        developer_user_id: number
        pubkey: string
        has_build: number
      }
    >(
      `SELECT g.id, g.slug, g.title, g.status, g.price_msat, g.zap_pubkey, g.deleted_at, g.developer_user_id, u.pubkey,
       ${hasVerifiedBuildSql('g.id')} AS has_build
       FROM games g JOIN users u ON u.id = g.developer_user_id WHERE u.pubkey = ? AND g.slug = ?`,
    ),
    byId: db.prepare<[string], PurchaseRow>(`${SELECT_PURCHASE} WHERE p.id = ?`),
    byHash: db.prepare<[string], PurchaseRow>(`${SELECT_PURCHASE} WHERE p.invoice_id = ?`),
    byReceipt: db.prepare<[string], PurchaseRow>(
      `${SELECT_PURCHASE} WHERE p.guest_receipt_code_hash = ?`,
    ),
    entitlement: db.prepare<
      [string],
      { id: string; user_id: number | null; revoked_at: number | null }
    >('SELECT id, user_id, revoked_at FROM entitlements WHERE purchase_id = ?'),
    gameRef: db.prepare<[number], { pubkey: string; slug: string; title: string }>(
      'SELECT u.pubkey, g.slug, g.title FROM games g JOIN users u ON u.id = g.developer_user_id WHERE g.id = ?',
    ),
    idem: db.prepare<
      [string],
      {
        scope: string
        request_hash: string
        state: 'PROCESSING' | 'DONE'
        status_code: number | null
        response_json: string | null
        created_at: number
      }
    >(
      'SELECT scope, request_hash, state, status_code, response_json, created_at FROM idempotency_records WHERE key = ?',
    ),
    idemInsert:
      db.prepare(`INSERT INTO idempotency_records (key, scope, request_hash, state, status_code, response_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (key) DO UPDATE SET scope = excluded.scope, request_hash = excluded.request_hash, state = excluded.state,
      status_code = excluded.status_code, response_json = excluded.response_json, created_at = excluded.created_at`),
    idemDelete: db.prepare(
      `DELETE FROM idempotency_records WHERE key = ? AND state = 'PROCESSING'`,
    ),
    insertPurchase:
      db.prepare(`INSERT INTO purchases (id, buyer_user_id, guest_receipt_code_hash, game_id, recipient_user_id, kind, is_tip,
      invoice_provider, invoice_id, bolt11, amount_msat, price_msat, fee_bps, zap_request, status, created_at, expires_at, updated_at,
      gift_to_user_id, gift_dm, gift_message)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'PENDING', ?, ?, ?, ?, ?, ?)`),
    ledger:
      db.prepare(`INSERT INTO ledger_entries (purchase_id, payout_id, developer_user_id, type, amount_msat, meta_json, idempotency_key, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING`),
    markPaid: db.prepare(
      `UPDATE purchases SET status = 'PAID', paid_at = ?, preimage = ?, paid_late = ?, updated_at = ? WHERE id = ? AND status = ?`,
    ),
    developer: db.prepare<[number], { user_id: number; payout_ln_address: string | null }>(
      `SELECT g.developer_user_id AS user_id, d.payout_ln_address FROM games g LEFT JOIN developer_profiles d ON d.user_id = g.developer_user_id WHERE g.id = ?`,
    ),
    developerByUser: db.prepare<[number], { payout_ln_address: string | null }>(
      'SELECT payout_ln_address FROM developer_profiles WHERE user_id = ?',
    ),
    listingSplit: db.prepare<
      [number],
      { tags_json: string | null; zap_pubkey: string | null; pubkey: string }
    >(
      `SELECT (SELECT e.tags_json FROM raw_events e WHERE e.id = g.event_id) AS tags_json, g.zap_pubkey, u.pubkey
       FROM games g JOIN users u ON u.id = g.developer_user_id WHERE g.id = ?`,
    ),
    splitRecipient: db.prepare<
      [number],
      { lud16: string | null; payout_ln_address: string | null }
    >(
      'SELECT u.lud16, d.payout_ln_address FROM users u LEFT JOIN developer_profiles d ON d.user_id = u.id WHERE u.id = ?',
    ),
    zapTotal: db.prepare<
      [number, number],
      { total: number }
    >(`SELECT coalesce(sum(amount_msat), 0) AS total FROM purchases
      WHERE buyer_user_id = ? AND game_id = ? AND kind = 'ZAP' AND status = 'PAID' AND is_tip = 0`),
    owns: db.prepare<[number, number], { n: number }>(
      'SELECT count(*) AS n FROM entitlements WHERE user_id = ? AND game_id = ? AND revoked_at IS NULL',
    ),
    grant: db.prepare(
      `INSERT INTO entitlements (id, purchase_id, game_id, user_id, granted_at, origin) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (purchase_id) DO NOTHING`,
    ),
    payout:
      db.prepare(`INSERT INTO payouts (id, developer_user_id, purchase_id, amount_msat, destination_ln_address, status, idempotency_key, next_attempt_at, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, 'SCHEDULED', ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING`),
    payoutExists: db.prepare('SELECT 1 FROM payouts WHERE idempotency_key = ?'),
    outbox:
      db.prepare(`INSERT INTO outbox_jobs (type, payload_json, relays_json, status, next_attempt_at, idempotency_key, created_at, updated_at)
      VALUES (?, ?, ?, 'PENDING', ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING`),
    claimPurchase: db.prepare(
      `UPDATE purchases SET buyer_user_id = ?, guest_receipt_code_hash = NULL, updated_at = ? WHERE id = ? AND guest_receipt_code_hash = ?`,
    ),
    claimEntitlement: db.prepare(
      'UPDATE entitlements SET user_id = ? WHERE purchase_id = ? AND user_id IS NULL',
    ),
    pending: db.prepare<[number, number], PurchaseRow>(
      `${SELECT_PURCHASE} WHERE p.status = 'PENDING' AND p.created_at <= ? ORDER BY p.expires_at, p.id LIMIT ?`,
    ),
    expired: db.prepare<[number, number], PurchaseRow>(
      `${SELECT_PURCHASE} WHERE p.status = 'EXPIRED' AND p.expires_at > ? ORDER BY p.expires_at DESC, p.id LIMIT ?`,
    ),
    markExpired: db.prepare(
      `UPDATE purchases SET status = 'EXPIRED', updated_at = ? WHERE id = ? AND status = 'PENDING'`,
    ),
    alert:
      db.prepare(`INSERT INTO payment_alerts (purchase_id, payment_hash, reason, received_msat, first_seen_at, last_seen_at)
      VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (purchase_id) DO UPDATE SET
        reason = excluded.reason, received_msat = excluded.received_msat, last_seen_at = excluded.last_seen_at, seen_count = seen_count + 1`),
  }
  const ensureUser = userIdOf(db)
  const appendLedger = (e: NewLedgerEntry): boolean =>
    q.ledger.run(
      e.purchaseId,
      e.payoutId,
      e.developerUserId,
      e.type,
      e.amountMsat,
      JSON.stringify(e.meta),
      e.idempotencyKey,
      e.createdAtSec,
    ).changes === 1
  const tx: SettlementTx = {
    purchaseByHash: (h) => {
      const r = q.byHash.get(h)
      return r && toRecord(r)
    },
    developerOf: (gameId) => {
      const r = q.developer.get(gameId)
      return r && { userId: r.user_id, payoutLnAddress: r.payout_ln_address }
    },
    developerByUser: (userId) => ({
      userId,
      payoutLnAddress: q.developerByUser.get(userId)?.payout_ln_address ?? null,
    }),
    listingSplit: (gameId) => {
      const r = q.listingSplit.get(gameId)
      if (!r) return undefined
      let tags: string[][] = []
      try {
        const parsed: unknown = r.tags_json ? JSON.parse(r.tags_json) : []
        if (Array.isArray(parsed)) tags = parsed.filter((t): t is string[] => Array.isArray(t))
      } catch {
        // A stored event always holds valid JSON; without it the author keeps the whole net.
      }
      return { tags, routePubkey: r.zap_pubkey, authorPubkey: r.pubkey }
    },
    splitRecipient: (pubkey, nowSec) => {
      const userId = ensureUser(pubkey, nowSec)
      const r = q.splitRecipient.get(userId)
      const lud16 = r?.lud16 && /^[^@\s]+@[^@\s]+$/.test(r.lud16) ? r.lud16 : null
      return { userId, payoutLnAddress: r?.payout_ln_address ?? lud16 }
    },
    zapTotal: (buyer, gameId) => q.zapTotal.get(buyer, gameId)!.total as Msat,
    ownsGame: (userId, gameId) => q.owns.get(userId, gameId)!.n > 0,
    markPaid: (id, from, s) =>
      q.markPaid.run(s.paidAtSec, s.preimage, s.paidLate ? 1 : 0, s.nowSec, id, from).changes === 1,
    appendLedger,
    grantEntitlement: (e) =>
      q.grant.run(e.id, e.purchaseId, e.gameId, e.userId, e.grantedAtSec, e.origin ?? 'purchase')
        .changes === 1,
    schedulePayout: (p) => {
      if (q.payoutExists.get(p.idempotencyKey)) return false
      // A developer who owes a refund back (sent after their payout) is paid that much less.
      const amount = withholdForRefunds(db, p.developerUserId, p.purchaseId, p.amountMsat, p.nowSec)
      if (amount === 0) return false
      return (
        q.payout.run(
          p.id,
          p.developerUserId,
          p.purchaseId,
          amount,
          p.destination,
          p.idempotencyKey,
          p.nowSec,
          p.nowSec,
          p.nowSec,
        ).changes === 1
      )
    },
    enqueueOutbox: (j) =>
      q.outbox.run(
        j.type,
        JSON.stringify(j.payload),
        JSON.stringify(j.relays),
        j.nowSec,
        j.idempotencyKey,
        j.nowSec,
        j.nowSec,
      ).changes === 1,
    raiseAlert: (a) => {
      q.alert.run(a.purchaseId, a.paymentHash, a.reason, a.receivedMsat, a.nowSec, a.nowSec)
    },
  }
  const immediate = <T>(fn: () => T): T => db.transaction(fn).immediate()
  const commit = groupCommit(db)

  return {
    findGame(pubkey, slug): CatalogGame | undefined {
      const r = q.game.get(pubkey, slug)
      return (
        r && {
          id: r.id,
          slug: r.slug,
          title: r.title,
          status: r.status,
          priceMsat: r.price_msat as Msat,
          zapPubkey: r.zap_pubkey,
          deleted: r.deleted_at !== null,
          developerUserId: r.developer_user_id,
          developerPubkey: r.pubkey,
          hasVerifiedBuild: r.has_build === 1,
        }
      )
    },
    byId: (id) => {
      const r = q.byId.get(id)
      return r && toRecord(r)
    },
    byPaymentHash: (h) => {
      const r = q.byHash.get(h)
      return r && toRecord(r)
    },
    byReceiptHash: (h) => {
      const r = q.byReceipt.get(h)
      return r && toRecord(r)
    },
    entitlementOf: (pid) => {
      const r = q.entitlement.get(pid)
      return r && { id: r.id, userId: r.user_id, revokedAtSec: r.revoked_at }
    },
    gameRef: (gameId) => q.gameRef.get(gameId),

    beginIdempotent(c, nowSec, staleAfterSec): Promise<IdempotencyBegin> {
      return commit.run((): IdempotencyBegin => {
        const r = q.idem.get(c.key)
        if (r && (r.state === 'DONE' || r.created_at > nowSec - staleAfterSec)) {
          if (r.request_hash !== c.requestHash || r.scope !== c.scope) return { state: 'MISMATCH' }
          if (r.state === 'PROCESSING') return { state: 'IN_FLIGHT' }
          return {
            state: 'DONE',
            answer: {
              statusCode: r.status_code ?? 200,
              body: JSON.parse(r.response_json ?? 'null') as unknown,
            },
          }
        }
        q.idemInsert.run(c.key, c.scope, c.requestHash, 'PROCESSING', null, null, nowSec)
        return { state: 'NEW' }
      })
    },
    abandonIdempotent: (key) => {
      q.idemDelete.run(key)
    },
    finishIdempotent: (c, a, nowSec) => {
      q.idemInsert.run(
        c.key,
        c.scope,
        c.requestHash,
        'DONE',
        a.statusCode,
        JSON.stringify(a.body),
        nowSec,
      )
    },
    idempotentAnswer(key) {
      const r = q.idem.get(key)
      if (!r || r.state !== 'DONE') return undefined
      return {
        requestHash: r.request_hash,
        answer: {
          statusCode: r.status_code ?? 200,
          body: JSON.parse(r.response_json ?? 'null') as unknown,
        },
      }
    },

    createPending(p, idem, ledgerKey) {
      return commit.run(() => {
        const buyer = p.buyerPubkey !== null ? ensureUser(p.buyerPubkey, p.createdAtSec) : null
        const recipient = p.recipientPubkey ? ensureUser(p.recipientPubkey, p.createdAtSec) : null
        const giftTo = p.giftToPubkey ? ensureUser(p.giftToPubkey, p.createdAtSec) : null
        q.insertPurchase.run(
          p.id,
          buyer,
          p.guestReceiptCodeHash,
          p.gameId,
          recipient,
          p.kind,
          p.isTip ? 1 : 0,
          p.invoiceProvider,
          p.paymentHash,
          p.bolt11,
          p.amountMsat,
          p.priceMsat,
          p.feeBps,
          p.zapRequest,
          p.createdAtSec,
          p.expiresAtSec,
          p.createdAtSec,
          giftTo,
          p.giftDm ? 1 : 0,
          p.giftMessage ?? null,
        )
        appendLedger({
          type: 'INVOICE_CREATED',
          amountMsat: p.amountMsat,
          purchaseId: p.id,
          payoutId: null,
          developerUserId: null,
          meta: { payment_hash: p.paymentHash, kind: p.kind, ...p.ledgerMeta },
          idempotencyKey: ledgerKey,
          createdAtSec: p.createdAtSec,
        })
        if (idem)
          q.idemInsert.run(
            idem.claim.key,
            idem.claim.scope,
            idem.claim.requestHash,
            'DONE',
            idem.answer.statusCode,
            JSON.stringify(idem.answer.body),
            p.createdAtSec,
          )
      })
    },

    claim(purchaseId, codeHash, pubkey, record, nowSec) {
      return immediate(() => {
        const userId = ensureUser(pubkey, nowSec)
        if (q.claimPurchase.run(userId, nowSec, purchaseId, codeHash).changes !== 1) return false
        q.claimEntitlement.run(userId, purchaseId)
        q.idemInsert.run(
          record.claim.key,
          record.claim.scope,
          record.claim.requestHash,
          'DONE',
          record.answer.statusCode,
          JSON.stringify(record.answer.body),
          nowSec,
        )
        return true
      })
    },

    settlement: (fn) => commit.run(() => fn(tx)),
    pending: (before, limit) => q.pending.all(before, limit).map(toRecord),
    recentlyExpired: (after, limit) => q.expired.all(after, limit).map(toRecord),
    markExpired: (id, nowSec) => q.markExpired.run(nowSec, id).changes === 1,
  }
}
