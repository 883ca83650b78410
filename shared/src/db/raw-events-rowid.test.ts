/**
 * Migration 011: raw_events becomes a rowid table with a unique index on the id, and event_relays
 * folds into the row (relays_json) with a view of the same name for readers.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { applyPragmas, loadMigrations, migrate } from './migrate.ts'

const hash = (n: number) => n.toString(16).padStart(64, '0')
const pk = (n: number) => `f${n.toString(16).padStart(63, '0')}`

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'zapcade-011-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('migration 011 (raw_events by rowid, relays in the row)', () => {
  it('keeps every event, its state and every relay it was seen on; lookups by id, address and state use indexes', () => {
    const db = new Database(join(dir, 'old.db'))
    applyPragmas(db, 'catalog')
    const all = loadMigrations()
    migrate(
      db,
      all.filter((m) => m.name < '011-'),
    )
    const ins =
      db.prepare(`INSERT INTO raw_events (id, pubkey, kind, created_at, tags_json, content, sig,
      d_tag, state, received_at) VALUES (?, ?, ?, ?, '[["d","g"]]', 'c', 's', ?, ?, ?)`)
    ins.run(hash(3), pk(1), 32267, 30, 'g', 'ACCEPTED', 100)
    ins.run(hash(1), pk(1), 32267, 10, 'g', 'SUPERSEDED', 90)
    ins.run(hash(2), pk(1), 3063, 20, null, 'PENDING', 100)
    const seen = db.prepare('INSERT INTO event_relays VALUES (?, ?, ?)')
    seen.run(hash(3), 'wss://b', 101)
    seen.run(hash(3), 'wss://a', 100)
    seen.run(hash(1), 'wss://a', 90)
    const columns =
      'id, pubkey, kind, created_at, tags_json, content, sig, d_tag, state, received_at'
    const before = db.prepare(`SELECT ${columns} FROM raw_events ORDER BY id`).all()

    expect(migrate(db, all)).toContain('011-raw-events-rowid.sql')

    expect(db.prepare(`SELECT ${columns} FROM raw_events ORDER BY id`).all()).toEqual(before)
    // Rows in arrival order; relays in the order first seen.
    expect(db.prepare('SELECT id FROM raw_events ORDER BY rowid').pluck().all()).toEqual([
      hash(1),
      hash(2),
      hash(3),
    ])
    expect(db.prepare('SELECT id, relays_json FROM raw_events ORDER BY id').all()).toEqual([
      { id: hash(1), relays_json: '["wss://a"]' },
      { id: hash(2), relays_json: '[]' },
      { id: hash(3), relays_json: '["wss://a","wss://b"]' },
    ])
    expect(
      db.prepare('SELECT event_id, relay_url FROM event_relays ORDER BY event_id, relay_url').all(),
    ).toEqual([
      { event_id: hash(1), relay_url: 'wss://a' },
      { event_id: hash(3), relay_url: 'wss://a' },
      { event_id: hash(3), relay_url: 'wss://b' },
    ])
    expect(() => ins.run(hash(3), pk(1), 32267, 30, 'g', 'ACCEPTED', 100)).toThrow(/UNIQUE/)

    const plan = (sql: string, ...args: unknown[]) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[])
        .map((r) => r.detail)
        .join('; ')
    expect(plan('SELECT state FROM raw_events WHERE id = ?', hash(1))).toMatch(/raw_events_id/)
    expect(
      plan(
        `SELECT id FROM raw_events WHERE kind = ? AND pubkey = ? AND d_tag = ? AND state <> 'SUPERSEDED'`,
        32267,
        pk(1),
        'g',
      ),
    ).toMatch(/raw_events_address/)
    expect(
      plan(
        `SELECT id FROM raw_events WHERE kind = 30063 AND pubkey = ? AND d_tag >= ? AND d_tag < ?`,
        pk(1),
        'g@',
        'gA',
      ),
    ).toMatch(/raw_events_address/)
    expect(plan(`SELECT id FROM raw_events WHERE state = 'PENDING'`)).toMatch(/raw_events_pending/)
    expect(
      plan(
        `SELECT id FROM raw_events WHERE kind = 0 AND pubkey = ? AND d_tag IS NOT NULL AND state = 'PENDING'`,
        pk(1),
      ),
    ).toMatch(/raw_events_address/)
    expect(db.pragma('foreign_key_check')).toEqual([])
    db.close()
  })
})
