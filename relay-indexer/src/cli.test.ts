/**
 * `npm run index -- --relay … --once` against a relay holding 10,000 events: it shows progress, exits
 * after EOSE, and its counts match what the relay served.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { openCatalog } from './store/open.ts'
import { makeCorpus } from './testing/corpus.ts'
import { serve, startFakeRelay } from './testing/fake-relay.ts'
import { tempDir } from './testing/fixtures.ts'

const cli = fileURLToPath(new URL('./cli.ts', import.meta.url))

describe('index CLI', () => {
  it('indexes 10,000 events with --once, printing progress and counts that match', async () => {
    const nowSec = Math.floor(Date.now() / 1000)
    const corpus = await makeCorpus(10_000, 0.1, nowSec)
    const relay = await startFakeRelay(serve(corpus.events))
    const tmp = tempDir()
    const dbFile = tmp.file('cli.db')
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', cli, '--relay', relay.url, '--db', dbFile, '--once'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    await relay.stop()
    expect(code).toBe(0)
    const last =
      stderr
        .trim()
        .split('\n')
        .filter((l) => l.includes('received'))
        .pop() ?? ''
    // Backfill pages overlap by one second (`until` is inclusive), so a few events arrive twice.
    expect(Number(/^\S*?(\d+) received/.exec(last)?.[1])).toBeGreaterThanOrEqual(10_000)
    // Releases whose game or asset was one of the invalid events wait as pending.
    const num = (label: string) => Number(new RegExp(`${label} (\\d+)`).exec(last)?.[1])
    expect(num('accepted') + num('pending')).toBe(corpus.valid)
    expect(num('pending')).toBeGreaterThan(0)
    expect(last).toContain(`bad-signature ${corpus.forged}`)
    expect(last).toContain(`id-mismatch ${corpus.idMismatch}`)
    const db = openCatalog(dbFile)
    expect(db.prepare('SELECT count(*) FROM raw_events').pluck().get()).toBe(corpus.valid)
    expect(
      db.prepare(`SELECT value FROM indexer_counters WHERE name = 'accepted'`).pluck().get(),
    ).toBe(num('accepted'))
    expect(
      db.prepare(`SELECT count(*) FROM raw_events WHERE state = 'PENDING'`).pluck().get(),
    ).toBe(num('pending') - num('linked'))
    db.close()
    tmp.cleanup()
  }, 90_000)
})
