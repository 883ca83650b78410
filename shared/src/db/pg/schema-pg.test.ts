import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { applyPragmas, loadMigrations, migrate } from '../migrate.ts'
import { type PgCluster, startPgCluster } from './cluster.ts'
import { loadPgMigrations, migratePg } from './migrate.ts'
import { createPgPool } from './pool.ts'
import { diffShapes, pgShape, sqliteShape } from './schema-shape.ts'

// The seed's entities (../shared/seed/domain-model.md), as in shared/src/db/schema.test.ts.
const SEED_TABLES = [
  'users',
  'developer_profiles',
  'games',
  'releases',
  'build_assets',
  'purchases',
  'entitlements',
  'download_events',
  'ledger_entries',
  'payouts',
]

let cluster: PgCluster
let pool: pg.Pool
let dir: string
let sqlite: Database.Database
let n = 0
/** A fresh, migrated database of the cluster. */
async function freshDb(): Promise<pg.Pool> {
  const name = `t${++n}`
  await cluster.createDatabase(name)
  const p = createPgPool(cluster.urlFor(name), { max: 4 })
  await migratePg(p)
  return p
}

beforeAll(async () => {
  cluster = await startPgCluster()
  pool = await freshDb()
  dir = mkdtempSync(join(tmpdir(), 'zapcade-parity-'))
  sqlite = new Database(join(dir, 'z.db'))
  applyPragmas(sqlite, 'money')
  migrate(sqlite)
}, 60_000)
afterAll(async () => {
  await pool?.end()
  sqlite?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
  await cluster?.stop()
})

describe('PostgreSQL schema mirrors the SQLite schema', () => {
  it('same tables, columns, keys, foreign keys, CHECKs, indexes and triggers', async () => {
    const diffs = diffShapes(sqliteShape(sqlite), await pgShape(pool), {
      // FTS5 needs a delete trigger; PostgreSQL's games_fts rows go by ON DELETE CASCADE.
      sqliteOnlyTriggers: ['games_fts_delete'],
      // SQLite has no TRUNCATE; PostgreSQL's ledger refuses it too.
      pgOnlyTriggers: ['ledger_entries_append_only_truncate'],
    })
    // Each line names the table and column or constraint, and which side lacks it: mirror the SQLite
    // migration it comes from in shared/migrations-pg/ (same number and name).
    expect(diffs, diffs.join('\n')).toEqual([])
  })

  it('the comparison sees a missing column, CHECK literal and foreign key', async () => {
    // The parity check itself must be able to fail: a database with a column and a literal removed.
    const p = await freshDb()
    try {
      await p.query(`ALTER TABLE purchases DROP COLUMN gift_message`)
      await p.query(`ALTER TABLE payouts DROP CONSTRAINT payouts_status_check`)
      await p.query(
        `ALTER TABLE payouts ADD CONSTRAINT payouts_status_check CHECK (status IN ('SCHEDULED', 'SENT'))`,
      )
      await p.query(`ALTER TABLE game_tags DROP CONSTRAINT game_tags_game_id_fkey`)
      const diffs = diffShapes(sqliteShape(sqlite), await pgShape(p))
      expect(diffs).toContain('column purchases.gift_message: in SQLite, missing in PostgreSQL')
      expect(diffs.some((d) => d.startsWith('CHECK on payouts: (status) ["CANCELED"'))).toBe(true)
      expect(diffs).toContain(
        'foreign key on game_tags: game_id -> games(id) on delete cascade in SQLite, missing in PostgreSQL',
      )
    } finally {
      await p.end()
    }
  })

  it('every SQLite migration after 010 has its mirror of the same name (001-schema holds 001-010)', () => {
    const sqliteNames = loadMigrations().map((m) => m.name)
    const pgNames = loadPgMigrations().map((m) => m.name)
    const missing = sqliteNames
      .filter((n) => n.slice(0, 3) > '010' && !pgNames.includes(n))
      .map((n) => `shared/migrations/${n} has no mirror shared/migrations-pg/${n}`)
    const stray = pgNames
      .filter((n) => n !== '001-schema.sql' && !sqliteNames.includes(n))
      .map((n) => `shared/migrations-pg/${n} mirrors no SQLite migration`)
    expect([...missing, ...stray], [...missing, ...stray].join('\n')).toEqual([])
  })

  it('has a table for every seed entity', async () => {
    const shape = await pgShape(pool)
    for (const t of SEED_TABLES) expect(Object.keys(shape)).toContain(t)
  })
})

const pk = (i: number) => i.toString(16).padStart(64, '0')

async function user(p: pg.Pool | pg.PoolClient, i: number): Promise<number> {
  const r = await p.query<{ id: number }>(
    'INSERT INTO users (pubkey, created_at) VALUES ($1, 1) RETURNING id',
    [pk(i)],
  )
  return r.rows[0]!.id
}
async function game(
  p: pg.Pool,
  dev: number,
  slug: string,
  f: { title: string; summary?: string; description?: string; tags?: string[] },
): Promise<number> {
  const r = await p.query<{ id: number }>(
    `INSERT INTO games (developer_user_id, slug, title, summary, description, tags_json, status, listing,
       price_msat, event_id, event_created_at, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, 'LISTED', 'LISTED', 1000, $7, 1, 1, 1) RETURNING id`,
    [
      dev,
      slug,
      f.title,
      f.summary ?? null,
      f.description ?? '',
      JSON.stringify(f.tags ?? []),
      pk(9),
    ],
  )
  return r.rows[0]!.id
}
const code = async (f: () => Promise<unknown>): Promise<string | undefined> => {
  try {
    await f()
    return undefined
  } catch (e) {
    return (e as { code?: string }).code
  }
}

describe('PostgreSQL constraints refuse what they must', () => {
  it('a pubkey that is not 64 lowercase hex, a bad JSON column, an unknown status (23514)', async () => {
    expect(
      await code(() =>
        pool.query('INSERT INTO users (pubkey, created_at) VALUES ($1, 1)', ['AB'.repeat(32)]),
      ),
    ).toBe('23514')
    const dev = await user(pool, 1)
    expect(
      await code(() =>
        pool.query(
          `INSERT INTO games (developer_user_id, slug, title, tags_json, status, listing, price_msat,
             event_id, event_created_at, created_at, updated_at)
           VALUES ($1, 'x', 'X', '[oops', 'LISTED', 'LISTED', 0, 'e', 1, 1, 1)`,
          [dev],
        ),
      ),
    ).toBe('23514')
    expect(
      await code(() =>
        pool.query(
          `INSERT INTO games (developer_user_id, slug, title, status, listing, price_msat,
             event_id, event_created_at, created_at, updated_at)
           VALUES ($1, 'y', 'Y', 'SOLD', 'LISTED', 0, 'e', 1, 1, 1)`,
          [dev],
        ),
      ),
    ).toBe('23514')
  })

  it('the ledger is append-only: UPDATE, DELETE and TRUNCATE fail, INSERT works', async () => {
    await pool.query(
      `INSERT INTO ledger_entries (type, amount_msat, idempotency_key, created_at)
       VALUES ('PLATFORM_FEE', 50, 'k-append', 1)`,
    )
    for (const sql of [
      `UPDATE ledger_entries SET amount_msat = 1 WHERE idempotency_key = 'k-append'`,
      `DELETE FROM ledger_entries WHERE idempotency_key = 'k-append'`,
      `TRUNCATE ledger_entries CASCADE`,
    ]) {
      await expect(pool.query(sql), sql).rejects.toThrow(/append-only/)
    }
    const r = await pool.query(
      `SELECT amount_msat FROM ledger_entries WHERE idempotency_key = 'k-append'`,
    )
    expect(r.rows).toEqual([{ amount_msat: 50 }])
    // One row per idempotency key, as in SQLite.
    expect(
      await code(() =>
        pool.query(
          `INSERT INTO ledger_entries (type, amount_msat, idempotency_key, created_at)
           VALUES ('PLATFORM_FEE', 50, 'k-append', 1)`,
        ),
      ),
    ).toBe('23505')
  })

  it('a foreign key to a missing row fails (23503); millisats past 2^53 are refused when read', async () => {
    expect(
      await code(() =>
        pool.query(`INSERT INTO developer_profiles (user_id, updated_at) VALUES (999999, 1)`),
      ),
    ).toBe('23503')
    await expect(pool.query(`SELECT 9007199254740993::bigint AS x`)).rejects.toThrow(
      /MAX_SAFE_INTEGER/,
    )
    expect((await pool.query(`SELECT 9007199254740991::bigint AS x`)).rows[0]).toEqual({
      x: 9007199254740991,
    })
  })
})

describe('PostgreSQL full-text search (tsvector, GIN, weights)', () => {
  it('ranks a title match above tags, summary and description, ignores accents, answers prefixes', async () => {
    const p = await freshDb()
    try {
      const dev = await user(p, 2)
      await game(p, dev, 'desc', { title: 'Alpha', description: 'a lantern in the dark' })
      await game(p, dev, 'summ', { title: 'Beta', summary: 'lantern' })
      await game(p, dev, 'tags', { title: 'Gamma', tags: ['lantern'] })
      await game(p, dev, 'title', { title: 'Lantern Depths' })
      await game(p, dev, 'cafe-racer', { title: 'Café Racer' })
      const search = async (q: string) =>
        (
          await p.query<{ slug: string }>(
            `SELECT g.slug FROM games_fts f JOIN games g ON g.id = f.game_id
              WHERE f.document @@ to_tsquery('zapcade', $1)
              ORDER BY ts_rank('{0.1, 0.4, 0.5, 1.0}', f.document, to_tsquery('zapcade', $1)) DESC, g.id`,
            [q],
          )
        ).rows.map((r) => r.slug)
      expect(await search('lantern')).toEqual(['title', 'tags', 'summ', 'desc'])
      expect(await search('lant:*')).toEqual(['title', 'tags', 'summ', 'desc'])
      expect(await search('cafe')).toEqual(['cafe-racer'])
      // The trigger keeps the document in step with the row; a deleted game leaves no document.
      await p.query(`UPDATE games SET title = 'Night Drive' WHERE slug = 'title'`)
      expect(await search('lantern')).toEqual(['tags', 'summ', 'desc'])
      await p.query(`DELETE FROM games WHERE slug = 'cafe-racer'`)
      expect(await search('cafe')).toEqual([])
      const plan = await p.query(
        `SET enable_seqscan = off; EXPLAIN SELECT game_id FROM games_fts WHERE document @@ to_tsquery('zapcade', 'lantern')`,
      )
      const lines = (plan as unknown as pg.QueryResult[])[1]!.rows.map((r) => r['QUERY PLAN'])
      expect(lines.join('\n')).toMatch(/games_fts_document/)
    } finally {
      await p.end()
    }
  })
})

describe('PostgreSQL migrations', () => {
  it('two runners at once apply each migration exactly once', async () => {
    await cluster.createDatabase('race')
    const a = createPgPool(cluster.urlFor('race'), { max: 2 })
    const b = createPgPool(cluster.urlFor('race'), { max: 2 })
    try {
      const [ra, rb] = await Promise.all([migratePg(a), migratePg(b)])
      const all = [...ra, ...rb].sort()
      const files = (
        await a.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name')
      ).rows.map((r) => r.name)
      expect(all).toEqual(files)
      expect(files.length).toBeGreaterThan(0)
      expect(await migratePg(a)).toEqual([])
    } finally {
      await a.end()
      await b.end()
    }
  })

  it('a failing migration rolls back whole and names itself', async () => {
    const p = await freshDb()
    try {
      await expect(
        migratePg(p, [{ name: '999-bad.sql', sql: 'CREATE TABLE half (x int); SELECT nope;' }]),
      ).rejects.toThrow(/999-bad\.sql/)
      const r = await p.query(`SELECT to_regclass('half') AS t`)
      expect(r.rows[0]).toEqual({ t: null })
    } finally {
      await p.end()
    }
  })
})
