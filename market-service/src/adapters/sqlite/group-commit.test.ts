/** Group commit on a real SQLite file in WAL with synchronous=FULL, as the money connection runs. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { applyPragmas } from '@zapcade/shared/db/migrate'
import { groupCommit } from './group-commit.ts'

let dir: string, file: string, db: Database.Database

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'group-commit-'))
  file = join(dir, 'money.db')
  db = new Database(file)
  applyPragmas(db, 'money')
  db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)')
})
afterEach(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

const insert =
  (k: string, v = 1) =>
  () =>
    db.prepare('INSERT INTO t (k, v) VALUES (?, ?)').run(k, v).changes
const rows = (conn = db) => conn.prepare('SELECT k, v FROM t ORDER BY k').all()

describe('groupCommit', () => {
  it('units queued in one turn commit in one transaction, in order, each seeing the writes before it', async () => {
    const gc = groupCommit(db)
    expect(groupCommit(db)).toBe(gc) // one committer per connection, whoever asks
    const results = await Promise.all([
      gc.run(insert('a')),
      gc.run(() => (db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n), // sees 'a'
      ...Array.from({ length: 18 }, (_, i) => gc.run(insert(`b${String(i).padStart(2, '0')}`))),
    ])
    expect(results[1]).toBe(1)
    expect(gc.stats()).toEqual({ commits: 1, units: 20 })
    // Durable and visible to another connection once the promises resolved.
    const other = new Database(file, { readonly: true })
    expect(rows(other)).toHaveLength(19)
    other.close()
    await gc.run(insert('c'))
    expect(gc.stats()).toEqual({ commits: 2, units: 21 })
  })

  it('a unit that throws rolls back alone and rejects; the others of its batch commit', async () => {
    const gc = groupCommit(db)
    const outcomes = await Promise.allSettled([
      gc.run(insert('a')),
      gc.run(() => {
        insert('half-done')()
        throw new Error('refused in the middle')
      }),
      gc.run(insert('a')), // duplicate key: a constraint error, rejected alone
      gc.run(insert('b')),
    ])
    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'rejected',
      'rejected',
      'fulfilled',
    ])
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(/refused in the middle/)
    expect(String((outcomes[2] as PromiseRejectedResult).reason)).toMatch(/UNIQUE/)
    expect(rows()).toEqual([
      { k: 'a', v: 1 },
      { k: 'b', v: 1 },
    ])
    expect(gc.stats()).toEqual({ commits: 1, units: 4 })
  })

  it('when the transaction cannot begin (another writer holds the lock), every unit rejects and nothing is written', async () => {
    const gc = groupCommit(db)
    db.pragma('busy_timeout = 0')
    const holder = new Database(file)
    holder.exec('BEGIN IMMEDIATE')
    const outcomes = await Promise.allSettled([gc.run(insert('a')), gc.run(insert('b'))])
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected'])
    expect(String((outcomes[0] as PromiseRejectedResult).reason)).toMatch(/locked|busy/i)
    holder.exec('ROLLBACK')
    holder.close()
    expect(rows()).toEqual([])
    expect(gc.stats()).toEqual({ commits: 0, units: 0 })
    // The committer is not stuck: the next units commit.
    await gc.run(insert('a'))
    expect(rows()).toEqual([{ k: 'a', v: 1 }])
  })

  it('nothing resolves before COMMIT: a unit queued from a resolution lands in the next transaction', async () => {
    const gc = groupCommit(db)
    const order: string[] = []
    await Promise.all([
      gc.run(insert('a')).then(() => {
        order.push('a committed')
        return gc.run(insert('b')).then(() => order.push('b committed'))
      }),
      gc.run(insert('x')).then(() => order.push('x committed')),
    ])
    expect(order).toEqual(['a committed', 'x committed', 'b committed'])
    expect(gc.stats()).toEqual({ commits: 2, units: 3 })
  })
})
