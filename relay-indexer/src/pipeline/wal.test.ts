/**
 * The WAL stays bounded while a reader never stops (reliability catalogue DB-4, a short run instead of
 * the 1 h soak: 60 commits of 300 games, ~180 MB of WAL frames in all, so the log must restart several times). The reader is another process doing
 * short reads back to back, as the service does under catalog load. Without a periodic
 * wal_checkpoint (TRUNCATE) SQLite's PASSIVE autocheckpoint never finds a moment to restart the log and the
 * WAL file grew with every commit, to 180 MB here (catalogue B6, checkpoint starvation); the indexer's
 * writer now restarts it past WAL_RESTART_BYTES (pipeline/write.ts).
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { statSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { NostrEvent } from '@zapcade/shared/events/event'
import { Counters } from '../store/counters.ts'
import { openCatalog } from '../store/open.ts'
import { game, makeDev, tempDir, type Dev } from '../testing/fixtures.ts'
import { BatchWriter } from './write.ts'

const READER = fileURLToPath(new URL('../testing/constant-reader.ts', import.meta.url))
const COMMITS = 60,
  PER_COMMIT = 300
const MB = 1024 * 1024
/**
 * The restart threshold (24 MB) plus a few commits (~3 MB each here): a TRUNCATE that meets a reader at the
 * wrong moment leaves the log as it is, and the next commit tries again (CI once saw 42 MB with a 32 MB bound).
 */
const CAP_MB = 40

let dev: Dev
beforeAll(async () => {
  dev = await makeDev()
})

describe('WAL under constant readers (DB-4, short run)', () => {
  const tmp = tempDir()
  afterAll(() => tmp.cleanup())

  it(`the WAL file stays under ${CAP_MB} MB over ${COMMITS} indexer commits while another process reads without pause`, async () => {
    const file = tmp.file('c.db')
    const db = openCatalog(file)
    const writer = new BatchWriter(db, new Counters(), () => 1_800_000_000)
    const reader = spawn(process.execPath, ['--import', 'tsx', READER, file], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const exited = new Promise((r) => reader.once('exit', r))
    try {
      await new Promise<void>((resolve, reject) => {
        createInterface({ input: reader.stdout }).once('line', () => resolve())
        reader.once('exit', (code) => reject(new Error(`reader exited with ${String(code)}`)))
      })
      // Events already verified (the writer's input): one signed template, fresh ids and slugs.
      const template = game(dev, 'tpl', 1_700_000_000, { description: 'd'.repeat(1500) })
      const make = (i: number): NostrEvent => ({
        ...template,
        id: randomBytes(32).toString('hex'),
        tags: template.tags.map((t) => (t[0] === 'd' ? ['d', `wal-${i}`] : t)),
      })
      let maxWal = 0
      for (let c = 0; c < COMMITS; c++) {
        writer.commit(
          Array.from({ length: PER_COMMIT }, (_, k) => ({
            t: 'event' as const,
            ev: make(c * PER_COMMIT + k),
            relays: ['ws://r.test'],
          })),
        )
        maxWal = Math.max(maxWal, statSync(`${file}-wal`).size)
        // Let the reader's process run between commits, as the indexer's event loop does.
        await new Promise((r) => setImmediate(r))
      }
      expect(db.prepare('SELECT count(*) FROM games').pluck().get()).toBe(COMMITS * PER_COMMIT)
      expect(maxWal).toBeLessThan(CAP_MB * MB)
    } finally {
      reader.kill('SIGKILL')
      await exited
      db.close()
    }
  }, 120_000)
})
