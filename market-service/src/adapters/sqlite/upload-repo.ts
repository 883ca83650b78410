/**
 * SQLite adapter of the uploads port (domain/upload/upload-repo.ts) over the shared schema
 * (`uploads`, `games`, `users`). Status writes guard the current state (docs/architecture.md "Money flows").
 */
import type Database from 'better-sqlite3'
import type { OwnedGame, UploadRecord, UploadRepo } from '../../domain/upload/upload-repo.ts'

interface UploadRow {
  id: string
  game_id: number
  developer_user_id: number
  developer_pubkey: string
  version: string
  object_key: string
  sha256: string
  size_bytes: number
  content_type: 'application/zip'
  status: UploadRecord['status']
  reject_reason: string | null
  expires_at: number
  created_at: number
  verified_at: number | null
}

const SELECT = `SELECT u.*, us.pubkey AS developer_pubkey FROM uploads u JOIN users us ON us.id = u.developer_user_id`

function toRecord(r: UploadRow): UploadRecord {
  return {
    id: r.id,
    gameId: r.game_id,
    developerUserId: r.developer_user_id,
    developerPubkey: r.developer_pubkey,
    version: r.version,
    objectKey: r.object_key,
    sha256: r.sha256,
    sizeBytes: r.size_bytes,
    contentType: r.content_type,
    status: r.status,
    rejectReason: r.reject_reason,
    expiresAtSec: r.expires_at,
    createdAtSec: r.created_at,
    verifiedAtSec: r.verified_at,
  }
}

/** The uploads port on a better-sqlite3 handle (migrations already applied). */
export function sqliteUploadRepo(db: Database.Database): UploadRepo {
  const findGame = db.prepare<
    [string, string],
    { id: number; slug: string; developer_user_id: number; pubkey: string }
  >(
    `SELECT g.id, g.slug, g.developer_user_id, u.pubkey FROM games g JOIN users u ON u.id = g.developer_user_id
     WHERE u.pubkey = ? AND g.slug = ? AND g.deleted_at IS NULL`,
  )
  const insert =
    db.prepare(`INSERT INTO uploads (id, game_id, developer_user_id, version, object_key, sha256, size_bytes,
    content_type, status, reject_reason, expires_at, created_at, verified_at)
    VALUES (@id, @gameId, @developerUserId, @version, @objectKey, @sha256, @sizeBytes, @contentType, @status,
    @rejectReason, @expiresAtSec, @createdAtSec, @verifiedAtSec)`)
  const get = db.prepare<[string], UploadRow>(`${SELECT} WHERE u.id = ?`)
  const getByKey = db.prepare<[string], UploadRow>(`${SELECT} WHERE u.object_key = ?`)
  const verify = db.prepare(
    `UPDATE uploads SET status = 'VERIFIED', verified_at = ? WHERE id = ? AND status = 'PENDING'`,
  )
  const reject = db.prepare(
    `UPDATE uploads SET status = 'REJECTED', reject_reason = ? WHERE id = ? AND status = 'PENDING'`,
  )
  const verifiedKey = db.prepare<[number, string], { object_key: string }>(
    `SELECT object_key FROM uploads WHERE game_id = ? AND sha256 = ? AND status = 'VERIFIED' ORDER BY verified_at DESC LIMIT 1`,
  )
  const published = db.prepare<[number, string], { sha256: string }>(
    `SELECT a.sha256 FROM releases r JOIN build_assets a ON a.release_id = r.id
     WHERE r.game_id = ? AND r.version = ? AND r.deleted_at IS NULL AND (a.object_key IS NOT NULL OR EXISTS (
       SELECT 1 FROM uploads up WHERE up.game_id = r.game_id AND up.sha256 = a.sha256 AND up.status = 'VERIFIED'))`,
  )
  return {
    publishedSha256: (gameId, version) => published.get(gameId, version)?.sha256,
    findGame(pubkey, slug): OwnedGame | undefined {
      const r = findGame.get(pubkey, slug)
      return (
        r && {
          id: r.id,
          slug: r.slug,
          developerUserId: r.developer_user_id,
          developerPubkey: r.pubkey,
        }
      )
    },
    insert(u) {
      const { developerPubkey: _ignored, ...row } = u
      insert.run(row)
    },
    get: (id) => {
      const r = get.get(id)
      return r && toRecord(r)
    },
    getByKey: (key) => {
      const r = getByKey.get(key)
      return r && toRecord(r)
    },
    markVerified: (id, atSec) => verify.run(atSec, id).changes === 1,
    markRejected: (id, reason) => reject.run(reason.slice(0, 500), id).changes === 1,
    verifiedKeyFor: (gameId, sha256) => verifiedKey.get(gameId, sha256)?.object_key,
  }
}
