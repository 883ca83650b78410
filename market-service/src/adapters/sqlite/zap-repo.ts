/**
 * SQLite storage of the zap server: the purchases port (games, PENDING purchase + INVOICE_CREATED) plus
 * the lookup that makes a retried callback idempotent (the same zap request and amount get the same
 * invoice while it is still payable). Only PENDING rows are scanned (partial index purchases_pending).
 */
import type Database from 'better-sqlite3'
import type { ZapRepo } from '../../domain/zap/zap-callback.ts'
import { sqlitePurchaseRepo } from './purchase-repo.ts'

/** The zap server's repo on a better-sqlite3 handle (migrations applied). */
export function sqliteZapRepo(db: Database.Database): ZapRepo {
  const purchases = sqlitePurchaseRepo(db)
  const pending = db.prepare<[number, string, number], { id: string; bolt11: string; is_tip: number }>(
    `SELECT id, bolt11, is_tip FROM purchases WHERE status = 'PENDING' AND expires_at > ? AND kind = 'ZAP' AND zap_request = ? AND amount_msat = ?
     ORDER BY created_at DESC LIMIT 1`)
  return {
    findGame: (pubkey, slug) => purchases.findGame(pubkey, slug),
    createPending: (p, idem, key) => purchases.createPending(p, idem, key),
    pendingZap(zapRequest, amountMsat, payableAfterSec) {
      const r = pending.get(payableAfterSec, zapRequest, amountMsat)
      return r && { purchaseId: r.id, bolt11: r.bolt11, isTip: r.is_tip === 1 }
    },
  }
}
