/** SQLite adapter of the sales and codes port (ports/sales-repo.ts): game_sales, discount_codes, discount_code_uses. */
import type Database from 'better-sqlite3'
import type { CodeTerms, SaleTerms } from '../../domain/pricing/price.ts'
import type { PricedGame, SalesRepo } from '../../ports/sales-repo.ts'

interface CodeRow {
  id: string
  code: string
  percent_off: number | null
  amount_off_msat: number | null
  max_uses: number
  expires_at: number | null
}

const toCode = (r: CodeRow): CodeTerms => ({
  id: r.id,
  code: r.code,
  percentOff: r.percent_off,
  amountOffMsat: r.amount_off_msat,
  maxUses: r.max_uses,
  expiresAtSec: r.expires_at,
})

/**
 * The uses of a code that count at `now`: a paid (or refunded) purchase's, and a reservation still
 * held whose purchase is pending or not written yet. An expired or failed checkout gives its use back.
 */
const LIVE_USES = `SELECT count(*) FROM discount_code_uses cu LEFT JOIN purchases p ON p.id = cu.purchase_id
  WHERE cu.code_id = ?1 AND (p.status IN ('PAID', 'REFUNDED') OR (coalesce(p.status, 'PENDING') = 'PENDING' AND cu.hold_until > ?2))`

/** The sales and codes port on a better-sqlite3 handle (migrations applied). */
export function sqliteSalesRepo(db: Database.Database): SalesRepo {
  const q = {
    game: db.prepare<
      [string, string],
      { id: number; pubkey: string; slug: string; price_msat: number; deleted: number }
    >(
      `SELECT g.id, u.pubkey, g.slug, g.price_msat, g.deleted_at IS NOT NULL AS deleted
       FROM games g JOIN users u ON u.id = g.developer_user_id WHERE u.pubkey = ? AND g.slug = ?`,
    ),
    addSale: db.prepare(
      'INSERT INTO game_sales (id, game_id, percent_off, starts_at, ends_at, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    openSales: db.prepare<
      [number, number],
      { id: string; percent_off: number; starts_at: number; ends_at: number }
    >(
      'SELECT id, percent_off, starts_at, ends_at FROM game_sales WHERE game_id = ? AND ends_at > ? ORDER BY starts_at, id',
    ),
    addCode:
      db.prepare(`INSERT INTO discount_codes (id, game_id, code, percent_off, amount_off_msat, max_uses, expires_at, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (game_id, code) DO NOTHING`),
    codes: db.prepare<[number, number], CodeRow & { uses: number }>(
      `SELECT c.id, c.code, c.percent_off, c.amount_off_msat, c.max_uses, c.expires_at,
         (${LIVE_USES.replaceAll('?1', 'c.id').replaceAll('?2', '?')}) AS uses
       FROM discount_codes c WHERE c.game_id = ? ORDER BY c.created_at, c.code`,
    ),
    findCode: db.prepare<[number, string], CodeRow>(
      'SELECT id, code, percent_off, amount_off_msat, max_uses, expires_at FROM discount_codes WHERE game_id = ? AND code = ?',
    ),
    maxUses: db.prepare<[string], { max_uses: number }>(
      'SELECT max_uses FROM discount_codes WHERE id = ?',
    ),
    liveUses: db.prepare<[string, number], { n: number }>(
      `SELECT (${LIVE_USES.replace('?1', '?').replace('?2', '?')}) AS n`,
    ),
    reserve: db.prepare(
      'INSERT INTO discount_code_uses (purchase_id, code_id, hold_until, created_at) VALUES (?, ?, ?, ?)',
    ),
    release: db.prepare(
      `DELETE FROM discount_code_uses WHERE purchase_id = ? AND NOT EXISTS (SELECT 1 FROM purchases p WHERE p.id = ?)`,
    ),
  }
  return {
    game(pubkey, slug): PricedGame | undefined {
      const r = q.game.get(pubkey, slug)
      return (
        r && {
          id: r.id,
          pubkey: r.pubkey,
          slug: r.slug,
          priceMsat: r.price_msat,
          deleted: r.deleted === 1,
        }
      )
    },
    addSale(s) {
      q.addSale.run(s.id, s.gameId, s.percentOff, s.startsAtSec, s.endsAtSec, s.createdAtSec)
    },
    openSales: (gameId, nowSec): SaleTerms[] =>
      q.openSales.all(gameId, nowSec).map((r) => ({
        id: r.id,
        percentOff: r.percent_off,
        startsAtSec: r.starts_at,
        endsAtSec: r.ends_at,
      })),
    addCode: (c) =>
      q.addCode.run(
        c.id,
        c.gameId,
        c.code,
        c.percentOff,
        c.amountOffMsat,
        c.maxUses,
        c.expiresAtSec,
        c.createdAtSec,
      ).changes === 1,
    codes: (gameId, nowSec) =>
      q.codes.all(nowSec, gameId).map((r) => ({ ...toCode(r), uses: r.uses })),
    findCode(gameId, code) {
      const r = q.findCode.get(gameId, code)
      return r && toCode(r)
    },
    reserveCodeUse: (codeId, purchaseId, holdUntilSec, nowSec) =>
      db
        .transaction((): boolean => {
          const max = q.maxUses.get(codeId)?.max_uses ?? 0
          if (q.liveUses.get(codeId, nowSec)!.n >= max) return false
          q.reserve.run(purchaseId, codeId, holdUntilSec, nowSec)
          return true
        })
        .immediate(),
    releaseCodeUse(purchaseId) {
      q.release.run(purchaseId, purchaseId)
    },
  }
}
