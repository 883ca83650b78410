/** DRAFT games (table game_drafts): the developer's signed event, kept by the service only. */
import type Database from 'better-sqlite3'
import type { NostrEvent } from '@zapcade/shared/events/event'
import type { DraftRepo, DraftRow } from '../../ports/draft-repo.ts'

export type { DraftRepo, DraftRow }

export function sqliteDraftRepo(db: Database.Database): DraftRepo {
  const upsert =
    db.prepare(`INSERT INTO game_drafts (pubkey, slug, event_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (pubkey, slug) DO UPDATE SET event_json = excluded.event_json, updated_at = excluded.updated_at
    WHERE json_extract(game_drafts.event_json, '$.created_at') <= json_extract(excluded.event_json, '$.created_at')`)
  const drop = db.prepare(
    `DELETE FROM game_drafts WHERE pubkey = ? AND slug = ? AND json_extract(event_json, '$.created_at') <= ?`,
  )
  const list = db.prepare(
    'SELECT pubkey, slug, event_json, updated_at FROM game_drafts WHERE pubkey = ? ORDER BY updated_at DESC, slug',
  )
  return {
    put: (pubkey, slug, event, nowSec) =>
      upsert.run(pubkey, slug, JSON.stringify(event), nowSec, nowSec).changes === 1,
    dropIfNotNewer: (pubkey, slug, createdAtSec) => {
      drop.run(pubkey, slug, createdAtSec)
    },
    listByPubkey: (pubkey) =>
      (
        list.all(pubkey) as {
          pubkey: string
          slug: string
          event_json: string
          updated_at: number
        }[]
      ).map((r) => ({
        pubkey: r.pubkey,
        slug: r.slug,
        event: JSON.parse(r.event_json) as NostrEvent,
        updatedAtSec: r.updated_at,
      })),
  }
}

/** Is there a VERIFIED upload of this developer with this sha256 and size? (a 3063 may only name one) */
export function hasVerifiedUpload(
  db: Database.Database,
  pubkey: string,
  sha256: string,
  sizeBytes: number,
): boolean {
  return (
    db
      .prepare(`SELECT 1 FROM uploads up JOIN users u ON u.id = up.developer_user_id
    WHERE u.pubkey = ? AND up.sha256 = ? AND up.size_bytes = ? AND up.status = 'VERIFIED' LIMIT 1`)
      .get(pubkey, sha256, sizeBytes) !== undefined
  )
}
