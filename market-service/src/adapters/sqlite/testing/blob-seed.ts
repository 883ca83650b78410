/**
 * Test fixture for the upload and download suites: a migrated SQLite database (the real migrations)
 * with rows inserted directly, as the indexer and the payment flow would have written them.
 */
import { createHash } from 'node:crypto'
import Database from 'better-sqlite3'
import { applyPragmas, migrate } from '@zapcade/shared/db/migrate'
import type { SqlDatabase } from '@zapcade/shared/db/migrate'

export const T0 = 1_800_000_000

/** A fresh database (in memory unless a file is given) with every migration applied. */
export function freshDb(file = ':memory:'): Database.Database {
  const db = new Database(file)
  const sql: SqlDatabase = db
  applyPragmas(sql, 'money')
  migrate(sql)
  return db
}

/** Insert a user; answers its id. */
export function addUser(db: Database.Database, pubkey: string): number {
  return Number(
    db.prepare('INSERT INTO users (pubkey, created_at) VALUES (?, ?)').run(pubkey, T0)
      .lastInsertRowid,
  )
}

/** Insert a game; answers its id. */
export function addGame(
  db: Database.Database,
  devUserId: number,
  slug: string,
  o: { priceMsat?: number; status?: string } = {},
): number {
  const status = o.status ?? 'LISTED'
  const listing = ['DRAFT', 'UNLISTED', 'LISTED'].includes(status) ? status : 'LISTED'
  return Number(
    db
      .prepare(`INSERT INTO games (developer_user_id, slug, title, status, listing, price_msat, event_id, event_created_at, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(devUserId, slug, slug, status, listing, o.priceMsat ?? 0, 'e'.repeat(64), T0, T0, T0)
      .lastInsertRowid,
  )
}

/** Insert a release with its build asset; answers the release id. */
export function addRelease(
  db: Database.Database,
  gameId: number,
  version: string,
  asset: { sha256: string; sizeBytes: number; objectKey: string | null },
  publishedAt = T0,
): number {
  const rid = Number(
    db
      .prepare(`INSERT INTO releases (game_id, version, published_at, asset_event_id, event_id, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?)`)
      .run(gameId, version, publishedAt, 'a'.repeat(64), 'b'.repeat(64), T0, T0).lastInsertRowid,
  )
  db.prepare(`INSERT INTO build_assets (release_id, event_id, object_key, sha256, size_bytes, content_type, created_at)
    VALUES (?, ?, ?, ?, ?, 'application/zip', ?)`).run(
    rid,
    'a'.repeat(64),
    asset.objectKey,
    asset.sha256,
    asset.sizeBytes,
    T0,
  )
  return rid
}

let seq = 0
/** A PAID purchase and its entitlement, for a user or for a guest receipt code; answers the entitlement id. */
export function addEntitlement(
  db: Database.Database,
  gameId: number,
  o: { userId?: number; receiptCode?: string; revoked?: boolean },
): string {
  seq++
  const pid = `p-${seq}`,
    eid = `ent-${seq}`
  const codeHash = o.receiptCode ? createHash('sha256').update(o.receiptCode).digest('hex') : null
  db.prepare(`INSERT INTO purchases (id, buyer_user_id, guest_receipt_code_hash, game_id, kind, invoice_provider, invoice_id, bolt11,
    amount_msat, price_msat, fee_bps, status, created_at, expires_at, paid_at, updated_at)
    VALUES (?, ?, ?, ?, 'CHECKOUT', 'test', ?, 'lnbc1', 1000, 1000, 500, 'PAID', ?, ?, ?, ?)`).run(
    pid,
    o.userId ?? null,
    codeHash,
    gameId,
    seq.toString(16).padStart(64, '0'),
    T0,
    T0 + 600,
    T0,
    T0,
  )
  db.prepare(
    'INSERT INTO entitlements (id, purchase_id, game_id, user_id, granted_at, revoked_at, revoked_reason) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run(
    eid,
    pid,
    gameId,
    o.userId ?? null,
    T0,
    o.revoked ? T0 + 1 : null,
    o.revoked ? 'chargeback' : null,
  )
  return eid
}
