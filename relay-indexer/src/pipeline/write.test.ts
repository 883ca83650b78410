import { describe, expect, it } from 'vitest'
import { Counters } from '../store/counters.ts'
import { openCatalog } from '../store/open.ts'
import { makeCorpus } from '../testing/corpus.ts'
import { tempDir } from '../testing/fixtures.ts'
import { Receiver } from './receive.ts'
import { createInlineVerifier } from './verify.ts'
import { BatchWriter } from './write.ts'

describe('batched writes', () => {
  it('5,000 events arriving at once are committed in at most 10 transactions and all queryable (ING-8)', async () => {
    const nowSec = 1_800_000_000
    const corpus = await makeCorpus(5000, 0, nowSec)
    const tmp = tempDir()
    const db = openCatalog(tmp.file('w.db'))
    const counters = new Counters()
    const writer = new BatchWriter(db, counters, () => nowSec)
    const verifier = await createInlineVerifier()
    const receiver = new Receiver({
      writer,
      verify: verifier.verify,
      counters,
      now: () => nowSec * 1000,
    })
    for (const ev of corpus.events)
      receiver.event('ws://relay.test', JSON.parse(JSON.stringify(ev)))
    await receiver.whenIdle()
    expect(writer.commits).toBeLessThanOrEqual(10)
    expect(db.prepare('SELECT count(*) FROM raw_events').pluck().get()).toBe(5000)
    expect(
      db.prepare(`SELECT value FROM indexer_counters WHERE name = 'received'`).pluck().get(),
    ).toBe(5000)
    receiver.close()
    db.close()
    tmp.cleanup()
  })
})
