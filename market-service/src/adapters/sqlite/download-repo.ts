/**
 * SQLite adapter of the downloads port (domain/download/download-repo.ts) over the shared schema:
 * games, releases, build_assets, uploads (a verified upload backs an asset whose object_key the
 * indexer has not filled in), entitlements, purchases and download_events.
 */
import type Database from 'better-sqlite3'
import type { DownloadRepo, EntitlementRef } from '../../domain/download/download-repo.ts'
import type { GameStatus } from '../../domain/download/decide.ts'

/** The downloads port on a better-sqlite3 handle (migrations already applied). */
export function sqliteDownloadRepo(db: Database.Database): DownloadRepo {
  // Deleted games too: their buyers keep their builds (decide.ts answers GAME_NOT_FOUND to anyone else).
  const game = db.prepare<
    [string, string],
    {
      id: number
      slug: string
      status: GameStatus
      price_msat: number
      pubkey: string
      deleted: number
    }
  >(
    `SELECT g.id, g.slug, g.status, g.price_msat, u.pubkey, g.deleted_at IS NOT NULL AS deleted FROM games g
     JOIN users u ON u.id = g.developer_user_id WHERE u.pubkey = ? AND g.slug = ?`,
  )
  const releaseCols = `r.id, r.version, a.sha256, a.size_bytes,
    COALESCE(a.object_key, (SELECT up.object_key FROM uploads up WHERE up.game_id = r.game_id AND up.sha256 = a.sha256
      AND up.status = 'VERIFIED' ORDER BY up.verified_at DESC LIMIT 1)) AS object_key
    FROM releases r JOIN build_assets a ON a.release_id = r.id WHERE r.game_id = ? AND r.deleted_at IS NULL`
  type ReleaseRow = {
    id: number
    version: string
    sha256: string
    size_bytes: number
    object_key: string | null
  }
  const byVersion = db.prepare<[number, string], ReleaseRow>(
    `SELECT ${releaseCols} AND r.version = ?`,
  )
  const latest = db.prepare<[number], ReleaseRow>(
    `SELECT ${releaseCols} ORDER BY r.published_at DESC, r.id DESC LIMIT 1`,
  )
  type EntRow = { id: string; revoked_at: number | null }
  const forUser = db.prepare<[string, number], EntRow>(
    `SELECT e.id, e.revoked_at FROM entitlements e JOIN users u ON u.id = e.user_id WHERE u.pubkey = ? AND e.game_id = ?
     ORDER BY e.revoked_at IS NOT NULL, e.granted_at DESC LIMIT 1`,
  )
  const forReceipt = db.prepare<[string, number], EntRow>(
    `SELECT e.id, e.revoked_at FROM purchases p JOIN entitlements e ON e.purchase_id = p.id
     WHERE p.guest_receipt_code_hash = ? AND e.game_id = ? AND e.user_id IS NULL LIMIT 1`,
  )
  const insert =
    db.prepare(`INSERT INTO download_events (entitlement_id, release_id, user_id, ip_hash, user_agent, created_at)
    VALUES (?, ?, (SELECT id FROM users WHERE pubkey = ?), ?, ?, ?)`)
  const counts = db.prepare<
    [string],
    { slug: string; version: string; downloads: number; last_at: number | null }
  >(
    `SELECT g.slug, r.version, count(d.id) AS downloads, max(d.created_at) AS last_at
     FROM games g JOIN users u ON u.id = g.developer_user_id JOIN releases r ON r.game_id = g.id
     LEFT JOIN download_events d ON d.release_id = r.id
     WHERE u.pubkey = ? GROUP BY r.id ORDER BY g.slug, r.published_at DESC`,
  )
  const ent = db.prepare<
    [string],
    {
      id: string
      game_id: number
      pubkey: string | null
      purchase_id: string
      granted_at: number
      revoked_at: number | null
      revoked_reason: string | null
    }
  >(`SELECT e.*, u.pubkey FROM entitlements e LEFT JOIN users u ON u.id = e.user_id WHERE e.id = ?`)
  const trail = db.prepare<
    [string],
    { id: number; version: string; ip_hash: string; user_agent: string | null; created_at: number }
  >(
    `SELECT d.id, r.version, d.ip_hash, d.user_agent, d.created_at FROM download_events d JOIN releases r ON r.id = d.release_id
     WHERE d.entitlement_id = ? ORDER BY d.created_at, d.id`,
  )
  // An audit row is not money: in WAL mode it is committed (before the 302) with synchronous=NORMAL, no
  // WAL fsync of its own, which was nearly all of an authorisation's latency (bench/README.md,
  // "Downloads"). It survives a process crash; an OS crash can lose only the rows written since the last
  // checkpoint or FULL commit (which fsyncs the whole WAL). Inside a transaction the level cannot change.
  const level = db.pragma('synchronous', { simple: true }) as number
  const light = level > 1 && String(db.pragma('journal_mode', { simple: true })) === 'wal'
  const lower = db.prepare('PRAGMA synchronous = NORMAL'),
    restore = db.prepare(`PRAGMA synchronous = ${level}`)
  const toEnt = (r: EntRow | undefined): EntitlementRef | undefined =>
    r && { id: r.id, revokedAtSec: r.revoked_at }
  const toRelease = (r: ReleaseRow | undefined) =>
    r && {
      id: r.id,
      version: r.version,
      sha256: r.sha256,
      sizeBytes: r.size_bytes,
      objectKey: r.object_key,
    }
  return {
    findGame(pubkey, slug) {
      const r = game.get(pubkey, slug)
      return (
        r && {
          id: r.id,
          slug: r.slug,
          status: r.status,
          priceMsat: r.price_msat,
          developerPubkey: r.pubkey,
          deleted: r.deleted === 1,
        }
      )
    },
    findRelease: (gameId, version) =>
      toRelease(version === undefined ? latest.get(gameId) : byVersion.get(gameId, version)),
    entitlementForUser: (pubkey, gameId) => toEnt(forUser.get(pubkey, gameId)),
    entitlementForReceipt: (hash, gameId) => toEnt(forReceipt.get(hash, gameId)),
    recordDownload(e) {
      const lowered = light && !db.inTransaction
      if (lowered) lower.run()
      try {
        insert.run(
          e.entitlementId,
          e.releaseId,
          e.userPubkey ?? null,
          e.ipHash,
          e.userAgent ?? null,
          e.createdAtSec,
        )
      } finally {
        if (lowered) restore.run()
      }
    },
    countsForDeveloper: (pubkey) =>
      counts.all(pubkey).map((r) => ({
        slug: r.slug,
        version: r.version,
        downloads: r.downloads,
        lastAtSec: r.last_at,
      })),
    auditOf(id) {
      const e = ent.get(id)
      if (!e) return undefined
      return {
        entitlement: {
          id: e.id,
          gameId: e.game_id,
          userPubkey: e.pubkey,
          purchaseId: e.purchase_id,
          grantedAtSec: e.granted_at,
          revokedAtSec: e.revoked_at,
          revokedReason: e.revoked_reason,
        },
        downloads: trail.all(id).map((t) => ({
          id: t.id,
          version: t.version,
          ipHash: t.ip_hash,
          userAgent: t.user_agent,
          createdAtSec: t.created_at,
        })),
      }
    },
  }
}
