/**
 * Test fixture for the catalog suites: rows written straight into the catalog tables the way the
 * indexer's CatalogWriter writes them (games + game_tags + game_platforms; FTS5 by trigger).
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { GameStatus } from '@zapcade/shared/status'
import { applyPragmas, migrate, type SqlDatabase } from '@zapcade/shared/db/migrate'

export interface SeedGame {
  slug: string
  title?: string
  summary?: string | null
  description?: string
  status?: GameStatus
  featuredRank?: number | null
  priceMsat?: number
  tags?: string[]
  platforms?: string[]
  updatedAt?: number
  deleted?: boolean
  icon?: string | null
}

export interface CatalogFixture {
  db: Database.Database
  file: string
  /** A second connection to the same file, as the indexer's would be. */
  other(): Database.Database
  user(
    pubkey?: string,
    profile?: { displayName?: string; picture?: string; lud16?: string },
  ): { id: number; pubkey: string }
  game(dev: { id: number }, g: SeedGame): number
  release(
    gameId: number,
    version: string,
    publishedAt: number,
    asset?: { sha256: string; sizeBytes: number } | null,
    notes?: string,
  ): number
  close(): void
}

/** A migrated catalog database in a temp dir. */
export function catalogFixture(): CatalogFixture {
  const dir = mkdtempSync(join(tmpdir(), 'zapcade-catalog-'))
  const file = join(dir, 'catalog.db')
  const db = new Database(file)
  const sql: SqlDatabase = db
  applyPragmas(sql, 'catalog')
  migrate(sql)
  const others: Database.Database[] = []
  let seq = 0
  const insGame =
    db.prepare(`INSERT INTO games (developer_user_id, slug, title, summary, description, status, listing, featured_rank, price_msat,
      icon, tags_json, platforms_json, event_id, event_created_at, deleted_at, created_at, updated_at)
    VALUES (@dev, @slug, @title, @summary, @description, @status, @listing, @rank, @price, @icon, @tags, @platforms, @eventId, @updated, @deleted, @updated, @updated)`)
  const insTag = db.prepare('INSERT INTO game_tags (game_id, tag) VALUES (?, ?)')
  const insPlatform = db.prepare('INSERT INTO game_platforms (game_id, platform) VALUES (?, ?)')
  return {
    db,
    file,
    other() {
      const o = new Database(file)
      applyPragmas(o, 'catalog')
      others.push(o)
      return o
    },
    user(pubkey = randomBytes(32).toString('hex'), p = {}) {
      const id = Number(
        db
          .prepare(
            'INSERT INTO users (pubkey, display_name, avatar_url, lud16, created_at) VALUES (?, ?, ?, ?, 1)',
          )
          .run(pubkey, p.displayName ?? null, p.picture ?? null, p.lud16 ?? null).lastInsertRowid,
      )
      return { id, pubkey }
    },
    game(dev, g) {
      seq++
      const status = g.status ?? 'LISTED'
      const tags = g.tags ?? []
      const platforms = g.platforms ?? []
      const updated = g.updatedAt ?? 1_800_000_000 + seq
      const id = Number(
        insGame.run({
          dev: dev.id,
          slug: g.slug,
          title: g.title ?? g.slug,
          summary: g.summary ?? null,
          description: g.description ?? '',
          status,
          listing: status === 'DRAFT' || status === 'UNLISTED' ? status : 'LISTED',
          rank: g.featuredRank ?? null,
          price: g.priceMsat ?? 0,
          icon: g.icon ?? null,
          tags: JSON.stringify(tags),
          platforms: JSON.stringify(platforms),
          eventId: randomBytes(32).toString('hex'),
          updated,
          deleted: g.deleted ? updated + 1 : null,
        }).lastInsertRowid,
      )
      for (const t of tags) insTag.run(id, t)
      for (const f of platforms) insPlatform.run(id, f)
      return id
    },
    release(gameId, version, publishedAt, asset = null, notes = '') {
      const rid = Number(
        db
          .prepare(`INSERT INTO releases (game_id, version, channel, release_notes, published_at, asset_event_id, event_id, created_at, updated_at)
        VALUES (?, ?, 'main', ?, ?, ?, ?, ?, ?)`)
          .run(
            gameId,
            version,
            notes,
            publishedAt,
            'a'.repeat(64),
            randomBytes(32).toString('hex'),
            publishedAt,
            publishedAt,
          ).lastInsertRowid,
      )
      if (asset) {
        db.prepare(
          `INSERT INTO build_assets (release_id, event_id, sha256, size_bytes, content_type, created_at) VALUES (?, ?, ?, ?, 'application/zip', ?)`,
        ).run(rid, 'a'.repeat(64), asset.sha256, asset.sizeBytes, publishedAt)
      }
      return rid
    },
    close() {
      for (const o of others) o.close()
      db.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
