/** Users, developer profiles and a developer's own games (catalog rows) in SQLite. */
import type Database from 'better-sqlite3'
import type {
  CatalogGameRow,
  DeveloperProfileRow,
  DeveloperRepo,
} from '../../ports/developer-repo.ts'
import { userIdOf } from './users.ts'

export type { CatalogGameRow, DeveloperProfileRow }

export function sqliteDeveloperRepo(db: Database.Database): DeveloperRepo {
  const ensureUser = userIdOf(db)
  const upsert =
    db.prepare(`INSERT INTO developer_profiles (user_id, payout_ln_address, verified, updated_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (user_id) DO UPDATE SET payout_ln_address = excluded.payout_ln_address, verified = excluded.verified, updated_at = excluded.updated_at`)
  const games =
    db.prepare(`SELECT u.pubkey, g.slug, g.title, g.status, g.price_msat, g.event_id, g.updated_at FROM games g
    JOIN users u ON u.id = g.developer_user_id WHERE u.pubkey = ? AND g.deleted_at IS NULL ORDER BY g.updated_at DESC, g.id DESC`)
  const payout = db
    .prepare(
      'SELECT p.payout_ln_address FROM developer_profiles p JOIN users u ON u.id = p.user_id WHERE u.pubkey = ?',
    )
    .pluck()
  // A slug can be both a catalog game and a newer draft: UNION counts it once.
  const count = db
    .prepare(`SELECT count(*) FROM (SELECT g.slug FROM games g JOIN users u ON u.id = g.developer_user_id WHERE u.pubkey = ? AND g.deleted_at IS NULL
    UNION SELECT slug FROM game_drafts WHERE pubkey = ?)`)
    .pluck()
  return {
    /** The payout Lightning address, or null when the caller never set one. */
    payoutAddress(pubkey: string): string | null {
      return (payout.get(pubkey) as string | null | undefined) ?? null
    },
    /** Distinct slugs among the caller's catalog games (not deleted) and drafts. */
    gamesCount(pubkey: string): number {
      return count.get(pubkey, pubkey) as number
    },
    setPayoutAddress(
      pubkey: string,
      address: string,
      verified: boolean,
      nowSec: number,
    ): DeveloperProfileRow {
      db.transaction(() =>
        upsert.run(ensureUser(pubkey, nowSec), address, verified ? 1 : 0, nowSec),
      ).immediate()
      return { pubkey, payoutLnAddress: address, verified, updatedAtSec: nowSec }
    },
    games(pubkey: string): CatalogGameRow[] {
      return (
        games.all(pubkey) as {
          pubkey: string
          slug: string
          title: string
          status: CatalogGameRow['status']
          price_msat: number
          event_id: string
          updated_at: number
        }[]
      ).map((r) => ({
        pubkey: r.pubkey,
        slug: r.slug,
        title: r.title,
        status: r.status,
        priceMsat: r.price_msat,
        eventId: r.event_id,
        updatedAtSec: r.updated_at,
      }))
    },
  }
}
