/** SQLite adapter of the entitlements port (ports/entitlement-repo.ts): library and admin revoke. */
import type Database from 'better-sqlite3'
import type { EntitlementRepo, LibraryItem, OwnershipFacts } from '../../ports/entitlement-repo.ts'

/** The entitlements port on a better-sqlite3 handle. */
export function sqliteEntitlementRepo(db: Database.Database): EntitlementRepo {
  const q = {
    held: db.prepare<
      [string],
      {
        id: string
        purchase_id: string | null
        origin: string
        granted_at: number
        revoked_at: number | null
        game_id: number
        dev: string
        slug: string
        title: string
        icon: string | null
        status: string
      }
    >(
      `SELECT e.id, e.purchase_id, e.origin, e.granted_at, e.revoked_at, g.id AS game_id, du.pubkey AS dev, g.slug, g.title, g.icon, g.status
       FROM entitlements e JOIN users u ON u.id = e.user_id JOIN games g ON g.id = e.game_id JOIN users du ON du.id = g.developer_user_id
       WHERE u.pubkey = ? ORDER BY e.granted_at DESC, e.id`,
    ),
    releases: db.prepare<
      [number],
      {
        version: string
        channel: string
        release_notes: string
        published_at: number
        sha256: string | null
        size_bytes: number | null
      }
    >(
      `SELECT r.version, r.channel, r.release_notes, r.published_at, a.sha256, a.size_bytes FROM releases r
       LEFT JOIN build_assets a ON a.release_id = r.id WHERE r.game_id = ? AND r.deleted_at IS NULL ORDER BY r.published_at DESC, r.id DESC`,
    ),
    zapProgress: db.prepare<
      [string, string],
      { dev: string; slug: string; title: string; paid: number; price: number }
    >(
      `SELECT du.pubkey AS dev, g.slug, g.title, sum(p.amount_msat) AS paid, g.price_msat AS price
       FROM purchases p JOIN users u ON u.id = p.buyer_user_id JOIN games g ON g.id = p.game_id JOIN users du ON du.id = g.developer_user_id
       WHERE u.pubkey = ? AND p.kind = 'ZAP' AND p.is_tip = 0 AND p.status = 'PAID'
         AND NOT EXISTS (SELECT 1 FROM entitlements e JOIN users eu ON eu.id = e.user_id WHERE eu.pubkey = ? AND e.game_id = g.id)
       GROUP BY g.id ORDER BY max(p.paid_at) DESC`,
    ),
    revoke: db.prepare(
      'UPDATE entitlements SET revoked_at = ?, revoked_reason = ? WHERE id = ? AND revoked_at IS NULL',
    ),
    one: db.prepare<
      [string],
      { id: string; revoked_at: number | null; revoked_reason: string | null }
    >('SELECT id, revoked_at, revoked_reason FROM entitlements WHERE id = ?'),
    game: db.prepare<
      [string, string],
      {
        id: number
        status: string
        price_msat: number
        deleted_at: number | null
        created_at: number
      }
    >(
      `SELECT g.id, g.status, g.price_msat, g.deleted_at, g.created_at FROM games g JOIN users u ON u.id = g.developer_user_id
       WHERE u.pubkey = ? AND g.slug = ?`,
    ),
    // A refunded purchase's entitlement is inactive even before (or without) its revoked_at being set.
    ownedBy: db.prepare<
      [string, number],
      { id: string; granted_at: number; revoked_at: number | null; refunded: number }
    >(
      `SELECT e.id, e.granted_at, e.revoked_at, coalesce(p.status = 'REFUNDED', 0) AS refunded
       FROM entitlements e JOIN users u ON u.id = e.user_id LEFT JOIN purchases p ON p.id = e.purchase_id
       WHERE u.pubkey = ? AND e.game_id = ?
       ORDER BY (e.revoked_at IS NULL AND coalesce(p.status, '') <> 'REFUNDED') DESC,
         CASE WHEN e.revoked_at IS NULL THEN e.granted_at END ASC, e.revoked_at DESC, e.id LIMIT 1`,
    ),
  }
  return {
    library(pubkey): LibraryItem[] {
      return q.held.all(pubkey).map((e) => ({
        entitlementId: e.id,
        purchaseId: e.purchase_id,
        origin: e.origin as LibraryItem['origin'],
        grantedAtSec: e.granted_at,
        revokedAtSec: e.revoked_at,
        game: {
          id: e.game_id,
          pubkey: e.dev,
          slug: e.slug,
          title: e.title,
          icon: e.icon,
          status: e.status,
        },
        releases: q.releases.all(e.game_id).map((r) => ({
          version: r.version,
          channel: r.channel,
          notes: r.release_notes,
          publishedAtSec: r.published_at,
          asset:
            r.sha256 !== null && r.size_bytes !== null
              ? { sha256: r.sha256, sizeBytes: r.size_bytes }
              : null,
        })),
      }))
    },
    ownership(owner, game): OwnershipFacts | undefined {
      const g = q.game.get(game.pubkey, game.slug)
      if (!g) return undefined
      const e = q.ownedBy.get(owner, g.id)
      return {
        game: {
          id: g.id,
          status: g.status,
          priceMsat: g.price_msat,
          deleted: g.deleted_at !== null,
          createdAtSec: g.created_at,
        },
        entitlement: e && {
          id: e.id,
          grantedAtSec: e.granted_at,
          active: e.revoked_at === null && e.refunded === 0,
          revokedAtSec: e.revoked_at,
        },
      }
    },
    zapProgress: (pubkey) =>
      q.zapProgress.all(pubkey, pubkey).map((r) => ({
        game: { pubkey: r.dev, slug: r.slug, title: r.title },
        paidMsat: r.paid,
        priceMsat: r.price,
      })),
    revoke(id, reason, nowSec) {
      const changed = q.revoke.run(nowSec, reason, id).changes === 1
      const r = q.one.get(id)
      if (!r || r.revoked_at === null) return undefined
      return {
        id: r.id,
        revokedAtSec: r.revoked_at,
        revokedReason: r.revoked_reason ?? '',
        changed,
      }
    },
  }
}
