/**
 * The DownloadEvent row is written with synchronous=NORMAL for that one commit (no WAL fsync of its own)
 * and the connection is left at the level the money tables need; inside a transaction, where SQLite
 * refuses to change the level, the row joins the transaction as it is.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type Database from 'better-sqlite3'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { addGame, addRelease, addUser, freshDb } from './testing/blob-seed.ts'
import { sqliteDownloadRepo } from './download-repo.ts'

let dir: string, db: Database.Database, releaseId: number
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zapcade-audit-'))
  db = freshDb(join(dir, 'market.db')) // WAL, synchronous=FULL (the service's money durability)
  releaseId = addRelease(db, addGame(db, addUser(db, 'd'.repeat(64)), 'g'), '1.0.0', {
    sha256: 'a'.repeat(64),
    sizeBytes: 1,
    objectKey: null,
  })
})
afterEach(async () => {
  db.close()
  await rm(dir, { recursive: true, force: true })
})

const row = (n: number) => ({
  entitlementId: null,
  releaseId,
  userPubkey: undefined,
  ipHash: `ip-${n}`,
  userAgent: 'ua',
  createdAtSec: n,
})
const count = (): number =>
  (db.prepare('SELECT count(*) AS n FROM download_events').get() as { n: number }).n

it('records the row and leaves the connection at synchronous=FULL', () => {
  expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
  expect(db.pragma('synchronous', { simple: true })).toBe(2)
  const repo = sqliteDownloadRepo(db)
  repo.recordDownload(row(1))
  repo.recordDownload(row(2))
  expect(count()).toBe(2)
  expect(db.pragma('synchronous', { simple: true })).toBe(2)
})

it('inside a transaction the row joins it (and rolls back with it)', () => {
  const repo = sqliteDownloadRepo(db)
  db.transaction(() => {
    repo.recordDownload(row(1))
  })()
  expect(count()).toBe(1)
  expect(() =>
    db.transaction(() => {
      repo.recordDownload(row(2))
      throw new Error('abort')
    })(),
  ).toThrow('abort')
  expect(count()).toBe(1)
  expect(db.pragma('synchronous', { simple: true })).toBe(2)
})
