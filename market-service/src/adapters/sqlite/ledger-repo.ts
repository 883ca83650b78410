/**
 * SQLite adapter of the ledger read port (ports/ledger-repo.ts): aggregate facts for the invariant
 * check and the developer's sales and ledger pages. Sums are computed by SQLite over integer msat.
 */
import type Database from 'better-sqlite3'
import type { PurchaseStatus } from '../../domain/purchase/purchase-machine.ts'
import type { LedgerFacts, LedgerRepo, PurchaseLedgerFacts } from '../../ports/ledger-repo.ts'
import type { LedgerEntryType } from '../../ports/purchase-repo.ts'

/** The ledger read port on a better-sqlite3 handle. */
export function sqliteLedgerRepo(db: Database.Database): LedgerRepo {
  const q = {
    purchases: db.prepare<
      [],
      {
        id: string
        status: PurchaseStatus
        kind: 'CHECKOUT' | 'ZAP'
        is_tip: number
        game_id: number | null
        amount_msat: number
        fee_bps: number
        entitlements: number
        active: number
        dev: number | null
      }
    >(
      `SELECT p.id, p.status, p.kind, p.is_tip, p.game_id, p.amount_msat, p.fee_bps, COALESCE(g.developer_user_id, p.recipient_user_id) AS dev,
         (SELECT count(*) FROM entitlements e WHERE e.purchase_id = p.id) AS entitlements,
         (SELECT count(*) FROM entitlements e WHERE e.purchase_id = p.id AND e.revoked_at IS NULL) AS active
       FROM purchases p LEFT JOIN games g ON g.id = p.game_id`,
    ),
    zapGroups: db.prepare<
      [],
      {
        buyer: number
        game: number
        total: number
        max_price: number
        zap_ents: number
        other_ents: number
      }
    >(
      `SELECT p.buyer_user_id AS buyer, p.game_id AS game, sum(p.amount_msat) AS total, max(p.price_msat) AS max_price,
         (SELECT count(*) FROM entitlements e JOIN purchases z ON z.id = e.purchase_id
           WHERE z.kind = 'ZAP' AND z.buyer_user_id = p.buyer_user_id AND e.game_id = p.game_id) AS zap_ents,
         (SELECT count(*) FROM entitlements e LEFT JOIN purchases c ON c.id = e.purchase_id
           WHERE (c.id IS NULL OR c.kind <> 'ZAP') AND e.user_id = p.buyer_user_id AND e.game_id = p.game_id) AS other_ents
       FROM purchases p WHERE p.kind = 'ZAP' AND p.is_tip = 0 AND p.status = 'PAID' AND p.buyer_user_id IS NOT NULL AND p.game_id IS NOT NULL
       GROUP BY p.buyer_user_id, p.game_id`,
    ),
    sums: db.prepare<
      [],
      { purchase_id: string; type: LedgerEntryType; total: number; n: number; dev: number | null }
    >(
      `SELECT purchase_id, type, sum(amount_msat) AS total, count(*) AS n, max(developer_user_id) AS dev
       FROM ledger_entries WHERE purchase_id IS NOT NULL GROUP BY purchase_id, type`,
    ),
    netLegs: db.prepare<[], { purchase_id: string; dev: number | null }>(
      `SELECT purchase_id, developer_user_id AS dev FROM ledger_entries
       WHERE type = 'DEVELOPER_NET' AND purchase_id IS NOT NULL ORDER BY id`,
    ),
    payouts: db.prepare<[], { purchase_id: string; amount_msat: number; status: string }>(
      'SELECT purchase_id, amount_msat, status FROM payouts WHERE purchase_id IS NOT NULL',
    ),
    developers: db.prepare<
      [],
      {
        user_id: number
        pubkey: string
        net: number
        sent: number
        promised: number
        debit: number
        recover: number
      }
    >(
      `SELECT u.id AS user_id, u.pubkey,
         COALESCE((SELECT sum(amount_msat) FROM ledger_entries l WHERE l.developer_user_id = u.id AND l.type = 'REFUND_DEVELOPER_DEBIT'), 0) AS debit,
         COALESCE((SELECT sum(recover_msat) FROM refunds r WHERE r.developer_user_id = u.id AND r.status = 'SENT'), 0)
           - COALESCE((SELECT sum(amount_msat) FROM refund_recoveries x WHERE x.developer_user_id = u.id), 0) AS recover,
         COALESCE((SELECT sum(amount_msat) FROM ledger_entries l WHERE l.developer_user_id = u.id AND l.type = 'DEVELOPER_NET'), 0) AS net,
         COALESCE((SELECT sum(amount_msat) FROM ledger_entries l WHERE l.developer_user_id = u.id AND l.type = 'PAYOUT_SENT'), 0) AS sent,
         COALESCE((SELECT sum(amount_msat) FROM payouts po WHERE po.developer_user_id = u.id AND po.status NOT IN ('CANCELED', 'FAILED')), 0) AS promised
       FROM users u WHERE EXISTS (SELECT 1 FROM ledger_entries l WHERE l.developer_user_id = u.id)
          OR EXISTS (SELECT 1 FROM payouts po WHERE po.developer_user_id = u.id)`,
    ),
    orphans: db.prepare<
      [],
      { id: string; purchase_id: string; status: string | null; revoked_at: number | null }
    >(
      `SELECT e.id, e.purchase_id, p.status, e.revoked_at FROM entitlements e LEFT JOIN purchases p ON p.id = e.purchase_id
       WHERE e.purchase_id IS NOT NULL AND (p.status IS NULL OR p.status <> 'PAID')`,
    ),
    sentWithout: db.prepare<[], { id: string; amount_msat: number; n: number; total: number }>(
      `SELECT po.id, po.amount_msat, count(l.id) AS n, COALESCE(sum(l.amount_msat), 0) AS total FROM payouts po
       LEFT JOIN ledger_entries l ON l.payout_id = po.id AND l.type = 'PAYOUT_SENT'
       WHERE po.status = 'SENT' GROUP BY po.id HAVING n <> 1 OR total <> po.amount_msat`,
    ),
    refunds: db.prepare<
      [],
      { id: string; purchase_id: string; status: string; recover: number; recovered: number }
    >(
      `SELECT r.id, r.purchase_id, r.status, r.recover_msat AS recover,
         COALESCE((SELECT sum(amount_msat) FROM refund_recoveries x WHERE x.refund_id = r.id), 0) AS recovered
       FROM refunds r`,
    ),
    entryCount: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM ledger_entries'),
    triggers: db.prepare<
      [],
      { n: number }
    >(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'ledger_entries'
      AND name IN ('ledger_entries_append_only_update', 'ledger_entries_append_only_delete')`),
    userId: db.prepare<[string], { id: number }>('SELECT id FROM users WHERE pubkey = ?'),
    sales: db.prepare<
      [number, number, number, string, number],
      {
        id: string
        slug: string | null
        title: string | null
        kind: 'CHECKOUT' | 'ZAP'
        is_tip: number
        amount_msat: number
        paid_at: number
        paid_late: number
        fee: number
        net: number
      }
    >(
      `SELECT p.id, g.slug, g.title, p.kind, p.is_tip, p.amount_msat, p.paid_at, p.paid_late,
         COALESCE((SELECT sum(amount_msat) FROM ledger_entries l WHERE l.purchase_id = p.id AND l.type = 'PLATFORM_FEE'), 0) AS fee,
         COALESCE((SELECT sum(amount_msat) FROM ledger_entries l WHERE l.purchase_id = p.id AND l.type = 'DEVELOPER_NET'), 0) AS net
       FROM purchases p LEFT JOIN games g ON g.id = p.game_id
       WHERE COALESCE(g.developer_user_id, p.recipient_user_id) = ? AND p.status IN ('PAID', 'REFUNDED') AND (p.paid_at < ? OR (p.paid_at = ? AND p.id < ?))
       ORDER BY p.paid_at DESC, p.id DESC LIMIT ?`,
    ),
    saleLegs: db.prepare<[string], { pubkey: string; amount_msat: number }>(
      `SELECT u.pubkey, l.amount_msat FROM ledger_entries l JOIN users u ON u.id = l.developer_user_id
       WHERE l.purchase_id = ? AND l.type = 'DEVELOPER_NET' ORDER BY l.id`,
    ),
    entries: db.prepare<
      [number, number, number],
      {
        id: number
        type: LedgerEntryType
        amount_msat: number
        purchase_id: string | null
        payout_id: string | null
        created_at: number
      }
    >(
      `SELECT id, type, amount_msat, purchase_id, payout_id, created_at FROM ledger_entries WHERE developer_user_id = ? AND id < ? ORDER BY id DESC LIMIT ?`,
    ),
    totals: db.prepare<[number], { net: number; sent: number; refunded: number }>(
      `SELECT COALESCE(sum(CASE WHEN type = 'DEVELOPER_NET' THEN amount_msat END), 0) AS net,
              COALESCE(sum(CASE WHEN type = 'REFUND_DEVELOPER_DEBIT' THEN amount_msat END), 0) AS refunded,
              COALESCE(sum(CASE WHEN type = 'PAYOUT_SENT' THEN amount_msat END), 0) AS sent
       FROM ledger_entries WHERE developer_user_id = ?`,
    ),
  }
  return {
    facts(): LedgerFacts {
      // One read transaction: a consistent snapshot even while settlements commit.
      return db.transaction(() => {
        const byId = new Map<string, PurchaseLedgerFacts>()
        for (const p of q.purchases.all()) {
          byId.set(p.id, {
            id: p.id,
            status: p.status,
            isTip: p.is_tip === 1,
            kind: p.kind,
            gameId: p.game_id,
            amountMsat: p.amount_msat,
            feeBps: p.fee_bps,
            entitlements: p.entitlements,
            activeEntitlements: p.active,
            sums: {},
            netDeveloperUserId: null,
            gameDeveloperUserId: p.dev,
            payouts: [],
          })
        }
        for (const s of q.sums.all()) {
          const p = byId.get(s.purchase_id)
          if (!p) continue
          p.sums[s.type] = { total: s.total, count: s.n }
          if (s.type === 'DEVELOPER_NET') p.netDeveloperUserId = s.dev
        }
        for (const l of q.netLegs.all()) {
          const p = byId.get(l.purchase_id)
          if (p && l.dev !== null) (p.netLegUserIds ??= []).push(l.dev)
        }
        for (const po of q.payouts.all())
          byId.get(po.purchase_id)?.payouts.push({ amountMsat: po.amount_msat, status: po.status })
        return {
          purchases: [...byId.values()],
          zapGroups: q.zapGroups.all().map((g) => ({
            buyerUserId: g.buyer,
            gameId: g.game,
            totalMsat: g.total,
            maxPriceMsat: g.max_price,
            zapEntitlements: g.zap_ents,
            otherEntitlements: g.other_ents,
          })),
          developers: q.developers.all().map((d) => ({
            userId: d.user_id,
            pubkey: d.pubkey,
            netMsat: d.net,
            payoutSentMsat: d.sent,
            payoutsOpenOrSentMsat: d.promised,
            refundDebitMsat: d.debit,
            refundOwedBackMsat: d.recover,
          })),
          refunds: q.refunds.all().map((r) => ({
            id: r.id,
            purchaseId: r.purchase_id,
            status: r.status,
            recoverMsat: r.recover,
            recoveredMsat: r.recovered,
          })),
          orphanEntitlements: q.orphans.all().map((o) => ({
            id: o.id,
            purchaseId: o.purchase_id,
            purchaseStatus: o.status,
            revoked: o.revoked_at !== null,
          })),
          sentPayoutsWithoutEntry: q.sentWithout.all().map((s) => ({
            id: s.id,
            amountMsat: s.amount_msat,
            entries: s.n,
            entryTotal: s.total,
          })),
          entryCount: q.entryCount.get()!.n,
          appendOnly: q.triggers.get()!.n === 2,
        }
      })()
    },
    userIdOf: (pubkey) => q.userId.get(pubkey)?.id,
    sales(dev, limit, after) {
      const at = after?.atSec ?? Number.MAX_SAFE_INTEGER,
        id = after?.id ?? '\uffff'
      return q.sales.all(dev, at, at, id, limit).map((r) => ({
        split: q.saleLegs.all(r.id).map((l) => ({ pubkey: l.pubkey, amountMsat: l.amount_msat })),
        purchaseId: r.id,
        game: r.slug !== null && r.title !== null ? { slug: r.slug, title: r.title } : null,
        kind: r.kind,
        isTip: r.is_tip === 1,
        amountMsat: r.amount_msat,
        feeMsat: r.fee,
        netMsat: r.net,
        paidAtSec: r.paid_at,
        paidLate: r.paid_late === 1,
      }))
    },
    entries: (dev, limit, beforeId) =>
      q.entries.all(dev, beforeId ?? Number.MAX_SAFE_INTEGER, limit).map((r) => ({
        id: r.id,
        type: r.type,
        amountMsat: r.amount_msat,
        purchaseId: r.purchase_id,
        payoutId: r.payout_id,
        createdAtSec: r.created_at,
      })),
    totals(dev) {
      const t = q.totals.get(dev)!
      return { netMsat: t.net, paidOutMsat: t.sent, refundedMsat: t.refunded }
    },
  }
}
