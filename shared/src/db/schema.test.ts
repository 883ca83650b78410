import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { applyPragmas, loadMigrations, migrate } from './migrate.ts'

// The seed's entities and literals (../shared/seed/domain-model.md). When the seed file sits beside the
// project, the test also reads it, so a change to the seed that the schema misses fails here.
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
const SEED_LITERALS = {
  'games.status': ['DRAFT', 'UNLISTED', 'LISTED', 'FEATURED', 'BANNED'],
  'purchases.status': ['PENDING', 'PAID', 'EXPIRED', 'FAILED', 'REFUNDED'],
  'ledger_entries.type': [
    'INVOICE_CREATED',
    'INVOICE_PAID',
    'PLATFORM_FEE',
    'DEVELOPER_NET',
    'PAYOUT_SENT',
    'PAYOUT_FAILED',
  ],
  'payouts.status': ['SCHEDULED', 'SENT', 'FAILED', 'RETRYING', 'CANCELED'],
} as const
const SEED_FILE = new URL('../../../../shared/seed/domain-model.md', import.meta.url)

const pk = (n: number) => n.toString(16).padStart(64, '0')
const hash = (n: number) => n.toString(16).padStart(64, 'a')

let dir: string
let db: Database.Database
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'zapcade-schema-'))
  db = new Database(join(dir, 'z.db'))
  applyPragmas(db, 'money')
  migrate(db)
})
afterEach(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

const insertUser = (n: number) =>
  Number(
    db
      .prepare('INSERT INTO users (pubkey, created_at) VALUES (?, 1) RETURNING id')
      .pluck()
      .get(pk(n)),
  )
const insertGame = (userId: number, slug = 'game', extra: Record<string, unknown> = {}) => {
  const row = {
    developer_user_id: userId,
    slug,
    title: 'T',
    status: 'LISTED',
    listing: 'LISTED',
    price_msat: 1000,
    event_id: hash(1),
    event_created_at: 1,
    created_at: 1,
    updated_at: 1,
    ...extra,
  }
  const cols = Object.keys(row)
  return Number(
    db
      .prepare(
        `INSERT INTO games (${cols.join(',')}) VALUES (${cols.map((c) => '@' + c).join(',')}) RETURNING id`,
      )
      .pluck()
      .get(row),
  )
}
const insertPurchase = (gameId: number, n: number, extra: Record<string, unknown> = {}) => {
  const row = {
    id: `p${n}`,
    game_id: gameId,
    kind: 'CHECKOUT',
    invoice_provider: 'nwc',
    invoice_id: hash(n),
    bolt11: 'lnbcrt1',
    amount_msat: 1000,
    price_msat: 1000,
    fee_bps: 500,
    status: 'PENDING',
    created_at: 1,
    expires_at: 2,
    updated_at: 1,
    ...extra,
  }
  const cols = Object.keys(row)
  db.prepare(
    `INSERT INTO purchases (${cols.join(',')}) VALUES (${cols.map((c) => '@' + c).join(',')})`,
  ).run(row)
  return row.id
}
const ledger = (key: string, extra: Record<string, unknown> = {}) => {
  const row = {
    type: 'INVOICE_PAID',
    amount_msat: 1000,
    idempotency_key: key,
    created_at: 1,
    ...extra,
  }
  const cols = Object.keys(row)
  return db
    .prepare(
      `INSERT INTO ledger_entries (${cols.join(',')}) VALUES (${cols.map((c) => '@' + c).join(',')})`,
    )
    .run(row)
}
const insertPayout = (userId: number, key: string, extra: Record<string, unknown> = {}) => {
  const row = {
    id: key,
    developer_user_id: userId,
    amount_msat: 950,
    status: 'SCHEDULED',
    idempotency_key: key,
    next_attempt_at: 1,
    created_at: 1,
    updated_at: 1,
    ...extra,
  }
  const cols = Object.keys(row)
  return db
    .prepare(
      `INSERT INTO payouts (${cols.join(',')}) VALUES (${cols.map((c) => '@' + c).join(',')})`,
    )
    .run(row)
}

describe('migrations', () => {
  it('apply once and record each file; a second run applies nothing', () => {
    const names = db.prepare('SELECT name FROM schema_migrations ORDER BY name').pluck().all()
    expect(names).toEqual(loadMigrations().map((m) => m.name))
    expect(migrate(db)).toEqual([])
  })

  it('set WAL, foreign keys, busy timeout and synchronous=FULL for money', () => {
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000)
    expect(db.pragma('synchronous', { simple: true })).toBe(2)
  })
})

describe('the schema maps the seed domain model', () => {
  it('has a table for every seed entity', () => {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()
    for (const t of SEED_TABLES) expect(tables).toContain(t)
  })

  it('guards every seed status column with exactly the seed literals', () => {
    for (const [col, literals] of Object.entries(SEED_LITERALS)) {
      const [table] = col.split('.') as [string]
      const sql = String(
        db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').pluck().get(table),
      )
      for (const lit of literals) expect(sql, `${col} lacks ${lit}`).toContain(`'${lit}'`)
    }
  })

  it('matches the seed file when it is beside the project', () => {
    if (!existsSync(SEED_FILE)) return // CI and developers have it; a bare clone elsewhere may not
    const seed = readFileSync(SEED_FILE, 'utf8')
    for (const literals of Object.values(SEED_LITERALS)) {
      const line = seed.split('\n').find((l) => literals.every((lit) => l.includes(lit)))
      expect(line, `seed names ${literals.join('|')}`).toBeDefined()
    }
    const entities = [...seed.matchAll(/^### (\w+)/gm)].map((m) => m[1]!)
    expect(entities).toEqual([
      'User',
      'DeveloperProfile',
      'Game',
      'Release',
      'BuildAsset',
      'Purchase',
      'Entitlement',
      'DownloadEvent',
      'LedgerEntry',
      'Payout',
    ])
  })
})

describe('constraints refuse what they must', () => {
  it('a pubkey that is not 64 lowercase hex', () => {
    expect(() =>
      db.prepare('INSERT INTO users (pubkey, created_at) VALUES (?, 1)').run('AB'.repeat(32)),
    ).toThrow(/CHECK/)
  })

  it('two games with the same (developer, slug)', () => {
    const u = insertUser(1)
    insertGame(u, 'same')
    expect(() => insertGame(u, 'same')).toThrow(/UNIQUE/)
    expect(insertGame(insertUser(2), 'same')).toBeGreaterThan(0)
  })

  it('a game status outside the seed, a negative price, a bad slug (case is kept: NIP-82 ids)', () => {
    const u = insertUser(1)
    expect(() => insertGame(u, 'a', { status: 'HIDDEN' })).toThrow(/CHECK/)
    expect(() => insertGame(u, 'b', { price_msat: -1 })).toThrow(/CHECK/)
    expect(() => insertGame(u, '-bad')).toThrow(/CHECK/)
    expect(() => insertGame(u, 'a b')).toThrow(/CHECK/)
    expect(() => insertGame(u, 'x@1')).toThrow(/CHECK/)
    expect(insertGame(u, 'com.Example.App')).toBeGreaterThan(0)
    expect(insertGame(u, 'com.example.app')).toBeGreaterThan(0)
  })

  it('a game whose developer does not exist (foreign keys are on)', () => {
    expect(() => insertGame(999)).toThrow(/FOREIGN KEY/)
  })

  it('two releases of one game with the same version, and a second build asset for a release', () => {
    const g = insertGame(insertUser(1))
    const rel = db
      .prepare(
        'INSERT INTO releases (game_id, version, published_at, asset_event_id, event_id, created_at, updated_at) VALUES (?, ?, 1, ?, ?, 1, 1) RETURNING id',
      )
      .pluck()
    const r = Number(rel.get(g, '1.0.0', hash(2), hash(3)))
    expect(() => rel.get(g, '1.0.0', hash(4), hash(5))).toThrow(/UNIQUE/)
    const asset = db.prepare(
      'INSERT INTO build_assets (release_id, event_id, sha256, size_bytes, content_type, created_at) VALUES (?, ?, ?, ?, ?, 1)',
    )
    asset.run(r, hash(2), hash(9), 10, 'application/zip')
    expect(() => asset.run(r, hash(6), hash(9), 10, 'application/zip')).toThrow(/UNIQUE/)
  })

  it('a build asset that is not a zip, with a bad sha256, or empty', () => {
    const g = insertGame(insertUser(1))
    const r = Number(
      db
        .prepare(
          'INSERT INTO releases (game_id, version, published_at, asset_event_id, event_id, created_at, updated_at) VALUES (?, ?, 1, ?, ?, 1, 1) RETURNING id',
        )
        .pluck()
        .get(g, '1.0.0', hash(2), hash(3)),
    )
    const asset = db.prepare(
      'INSERT INTO build_assets (release_id, event_id, sha256, size_bytes, content_type, created_at) VALUES (?, ?, ?, ?, ?, 1)',
    )
    expect(() => asset.run(r, hash(2), hash(9), 10, 'application/x-msdownload')).toThrow(/CHECK/)
    expect(() => asset.run(r, hash(2), 'F'.repeat(64), 10, 'application/zip')).toThrow(/CHECK/)
    expect(() => asset.run(r, hash(2), hash(9), 0, 'application/zip')).toThrow(/CHECK/)
  })

  it('two purchases with one payment hash, an unknown status, a PAID purchase without paid_at', () => {
    const g = insertGame(insertUser(1))
    insertPurchase(g, 1)
    expect(() => insertPurchase(g, 1, { id: 'other' })).toThrow(/UNIQUE/)
    expect(() => insertPurchase(g, 2, { status: 'SETTLED' })).toThrow(/CHECK/)
    expect(() => insertPurchase(g, 3, { status: 'PAID' })).toThrow(/CHECK/)
    expect(() => insertPurchase(g, 4, { amount_msat: 0 })).toThrow(/CHECK/)
    expect(() => insertPurchase(g, 5, { fee_bps: 10001 })).toThrow(/CHECK/)
  })

  it('a second entitlement for one purchase', () => {
    const g = insertGame(insertUser(1))
    const p = insertPurchase(g, 1)
    const ent = db.prepare(
      'INSERT INTO entitlements (id, purchase_id, game_id, granted_at) VALUES (?, ?, ?, 1)',
    )
    ent.run('e1', p, g)
    expect(() => ent.run('e2', p, g)).toThrow(/UNIQUE/)
  })

  it('ledger: a repeated idempotency key, an unknown type, a negative amount', () => {
    ledger('k1')
    expect(() => ledger('k1')).toThrow(/UNIQUE/)
    expect(() => ledger('k2', { type: 'REFUND' })).toThrow(/CHECK/)
    expect(() => ledger('k3', { amount_msat: -5 })).toThrow(/CHECK/)
    expect(() => ledger('k4', { currency: 'sat' })).toThrow(/CHECK/)
  })

  it('ledger entries are append-only: UPDATE and DELETE raise', () => {
    ledger('k1')
    expect(() => db.prepare('UPDATE ledger_entries SET amount_msat = 1').run()).toThrow(
      /append-only/,
    )
    expect(() => db.prepare('DELETE FROM ledger_entries').run()).toThrow(/append-only/)
    expect(db.prepare('SELECT amount_msat FROM ledger_entries').pluck().get()).toBe(1000)
  })

  it('payouts: a repeated idempotency key or payment hash, an unknown status, SENT without a preimage', () => {
    const u = insertUser(1)
    insertPayout(u, 'a', { payment_hash: hash(1) })
    expect(() => insertPayout(u, 'a')).toThrow(/UNIQUE/)
    expect(() => insertPayout(u, 'b', { payment_hash: hash(1) })).toThrow(/UNIQUE/)
    expect(() => insertPayout(u, 'c', { status: 'PAID' })).toThrow(/CHECK/)
    expect(() => insertPayout(u, 'd', { status: 'SENT', payment_hash: hash(2) })).toThrow(/CHECK/)
    expect(() => insertPayout(u, 'e', { amount_msat: 0 })).toThrow(/CHECK/)
  })

  it('raw events keep one row per id and a known state; provenance lives in the event row', () => {
    const ins = db.prepare(
      "INSERT INTO raw_events (id, pubkey, kind, created_at, tags_json, content, sig, state, received_at, relays_json) VALUES (?, ?, 1, 1, '[]', '', '', ?, 1, '[\"ws://x\",\"ws://y\"]')",
    )
    ins.run(hash(1), pk(1), 'ACCEPTED')
    expect(() => ins.run(hash(1), pk(1), 'ACCEPTED')).toThrow(/UNIQUE|PRIMARY/)
    expect(() => ins.run(hash(2), pk(1), 'WHATEVER')).toThrow(/CHECK/)
    expect(
      db.prepare('SELECT relay_url FROM event_relays WHERE event_id = ?').pluck().all(hash(1)),
    ).toEqual(['ws://x', 'ws://y'])
    expect(() =>
      db.prepare('INSERT INTO event_relays VALUES (?, ?)').run(hash(3), 'ws://x'),
    ).toThrow(/view/)
  })

  it('outbox jobs are unique per idempotency key; NIP-98 ids are accepted once', () => {
    const job = db.prepare(
      "INSERT INTO outbox_jobs (type, payload_json, status, next_attempt_at, idempotency_key, created_at, updated_at) VALUES ('PUBLISH_EVENT', '{}', 'PENDING', 1, ?, 1, 1)",
    )
    job.run('j')
    expect(() => job.run('j')).toThrow(/UNIQUE/)
    const seen = db.prepare('INSERT INTO nip98_replay (event_id, expires_at) VALUES (?, 1)')
    seen.run(hash(1))
    expect(() => seen.run(hash(1))).toThrow(/UNIQUE|PRIMARY/)
  })
})

describe('catalog search index', () => {
  it('follows inserts, updates and deletes of games', () => {
    const u = insertUser(1)
    const g = insertGame(u, 'rogue', {
      title: 'Dungeon Crawler',
      tags_json: '["roguelike","pixel-art"]',
    })
    const search = (q: string) =>
      db.prepare('SELECT rowid FROM games_fts WHERE games_fts MATCH ?').pluck().all(q)
    expect(search('dungeon')).toEqual([g])
    expect(search('roguelike')).toEqual([g])
    db.prepare("UPDATE games SET title = 'Sky Pirates' WHERE id = ?").run(g)
    expect(search('dungeon')).toEqual([])
    expect(search('pirates')).toEqual([g])
    db.prepare('DELETE FROM games WHERE id = ?').run(g)
    expect(search('pirates')).toEqual([])
  })
})

describe('migration 006 (ban label retraction)', () => {
  it('rebuilds outbox_jobs keeping every row and id, and then accepts PUBLISH_DELETION but still refuses unknown types', () => {
    const old = new Database(join(dir, 'old.db'))
    applyPragmas(old, 'money')
    const all = loadMigrations()
    migrate(
      old,
      all.filter((m) => m.name < '006-'),
    )
    const ins = old.prepare(
      "INSERT INTO outbox_jobs (type, payload_json, status, attempts, next_attempt_at, last_error, idempotency_key, created_at, updated_at) VALUES (?, '{\"a\":1}', ?, 2, 50, 'x', ?, 1, 2)",
    )
    ins.run('PUBLISH_BAN_LABEL', 'PENDING', 'k1')
    ins.run('PUBLISH_ZAP_RECEIPT', 'DONE', 'k2')
    expect(() => ins.run('PUBLISH_DELETION', 'PENDING', 'k3')).toThrow(/CHECK/)
    const before = old.prepare('SELECT * FROM outbox_jobs ORDER BY id').all()
    expect(migrate(old, all)).toContain('006-ban-label-retraction.sql')
    expect(old.prepare('SELECT * FROM outbox_jobs ORDER BY id').all()).toEqual(before)
    ins.run('PUBLISH_DELETION', 'PENDING', 'k3')
    expect(() => ins.run('PUBLISH_SOMETHING', 'PENDING', 'k4')).toThrow(/CHECK/)
    expect(() => ins.run('PUBLISH_EVENT', 'PENDING', 'k1')).toThrow(/UNIQUE/)
    expect(
      old
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox_jobs' AND name = 'outbox_due'",
        )
        .pluck()
        .get(),
    ).toBe('outbox_due')
    old.close()
  })

  it('a ban label row names a 64-hex id and is retracted with its deletion id, never half', () => {
    const ins = db.prepare(
      'INSERT INTO ban_labels (label_event_id, game_pubkey, game_slug, created_at, retracted_at, deletion_event_id) VALUES (?, ?, ?, 1, ?, ?)',
    )
    ins.run(hash(1), pk(1), 'g', null, null)
    expect(() => ins.run('abc', pk(1), 'g', null, null)).toThrow(/CHECK/)
    expect(() => ins.run(hash(2), pk(1), 'g', 5, null)).toThrow(/CHECK/)
    ins.run(hash(3), pk(1), 'g', 5, hash(4))
  })
})

describe('migration 009 (NIP-82 shapes)', () => {
  it('rebuilds games keeping rows, ids, references, indexes and search triggers; slugs keep their case', () => {
    const old = new Database(join(dir, 'old9.db'))
    applyPragmas(old, 'money')
    const all = loadMigrations()
    migrate(
      old,
      all.filter((m) => m.name < '009-'),
    )
    const u = Number(
      old
        .prepare('INSERT INTO users (pubkey, created_at) VALUES (?, 1) RETURNING id')
        .pluck()
        .get(pk(1)),
    )
    const ins = old
      .prepare(`INSERT INTO games (developer_user_id, slug, title, status, listing, price_msat, tags_json, event_id,
      event_created_at, created_at, updated_at) VALUES (?, ?, ?, 'LISTED', 'LISTED', 0, '["rogue"]', ?, 1, 1, 1) RETURNING id`)
      .pluck()
    const g1 = Number(ins.get(u, 'alpha', 'Alpha Dungeon', hash(1)))
    const g2 = Number(ins.get(u, 'beta', 'Beta Skies', hash(2)))
    old.prepare('INSERT INTO game_tags (game_id, tag) VALUES (?, ?)').run(g1, 'rogue')
    old
      .prepare(`INSERT INTO releases (game_id, version, published_at, asset_event_id, event_id, created_at, updated_at)
      VALUES (?, '1.0.0', 1, ?, ?, 1, 1)`)
      .run(g2, hash(3), hash(4))
    expect(() => ins.get(u, 'Upper', 'U', hash(5))).toThrow(/CHECK/)
    const indexes = () =>
      old
        .prepare(
          "SELECT name FROM sqlite_master WHERE tbl_name = 'games' AND type IN ('index', 'trigger') ORDER BY name",
        )
        .pluck()
        .all()
    const before = {
      games: old.prepare('SELECT * FROM games ORDER BY id').all(),
      indexes: indexes(),
    }
    expect(migrate(old, all)).toContain('009-nip82-shapes.sql')
    expect(old.prepare('SELECT * FROM games ORDER BY id').all()).toEqual(before.games)
    expect(indexes()).toEqual(before.indexes)
    expect(old.prepare('SELECT game_id FROM game_tags').pluck().all()).toEqual([g1])
    expect(old.prepare('SELECT game_id FROM releases').pluck().all()).toEqual([g2])
    expect(old.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(old.prepare('PRAGMA foreign_key_check').all()).toEqual([])
    const g3 = Number(ins.get(u, 'com.Example.App', 'Gamma Lanes', hash(6)))
    const search = (q: string) =>
      old.prepare('SELECT rowid FROM games_fts WHERE games_fts MATCH ?').pluck().all(q)
    expect(search('dungeon')).toEqual([g1])
    expect(search('gamma')).toEqual([g3])
    expect(() =>
      old
        .prepare(`INSERT INTO releases (game_id, version, published_at, asset_event_id, event_id, created_at, updated_at)
      VALUES (999, '1', 1, ?, ?, 1, 1)`)
        .run(hash(7), hash(8)),
    ).toThrow(/FOREIGN KEY/)
    old.close()
  })

  it('developer events: one row per (developer, event), REFUSED or PENDING only', () => {
    const ins = db.prepare(
      `INSERT INTO developer_events (pubkey, event_id, kind, state, reason, created_at, seen_at) VALUES (?, ?, 30063, ?, 'r', 1, 2)`,
    )
    ins.run(pk(1), hash(1), 'PENDING')
    expect(() => ins.run(pk(1), hash(1), 'REFUSED')).toThrow(/UNIQUE/)
    expect(() => ins.run(pk(1), hash(2), 'ACCEPTED')).toThrow(/CHECK/)
    ins.run(pk(2), hash(1), 'REFUSED')
  })
})
