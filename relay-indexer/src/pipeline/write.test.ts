import { describe, expect, it } from 'vitest'
import { Counters } from '../store/counters.ts'
import { openCatalog } from '../store/open.ts'
import { makeCorpus } from '../testing/corpus.ts'
import { game, makeDev, tempDir } from '../testing/fixtures.ts'
import { Receiver } from './receive.ts'
import { createInlineVerifier, type VerifyBatch } from './verify.ts'
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

  it('verified batches waiting behind a commit are written together, up to commitMax events per transaction', async () => {
    const nowSec = 1_800_000_000
    const corpus = await makeCorpus(3000, 0, nowSec)
    const tmp = tempDir()
    const inline = await createInlineVerifier()
    // Answers are held until released, as when the writer is busy while the workers run ahead.
    let release = (): void => {}
    const held = new Promise<void>((r) => (release = r))
    const verify: VerifyBatch = async (events) => {
      const ok = await inline.verify(events)
      await held
      return ok
    }
    for (const [commitMax, commits] of [
      [5000, 1],
      [2000, 2],
    ] as const) {
      const db = openCatalog(tmp.file(`g${commitMax}.db`))
      const counters = new Counters()
      const writer = new BatchWriter(db, counters, () => nowSec)
      const receiver = new Receiver({
        writer,
        verify,
        counters,
        now: () => nowSec * 1000,
        commitMax,
      })
      for (const ev of corpus.events) receiver.event('ws://relay.test', ev)
      const idle = receiver.whenIdle()
      release()
      await idle
      expect(writer.commits).toBe(commits)
      expect(db.prepare('SELECT count(*) FROM raw_events').pluck().get()).toBe(3000)
      receiver.close()
      db.close()
    }
    tmp.cleanup()
  })

  it('an event stored meanwhile is found by its insert: counted duplicate, its new relay recorded, nothing else written', async () => {
    const nowSec = 1_800_000_000
    const dev = await makeDev()
    const ev = game(dev, 'twice', nowSec - 10)
    const tmp = tempDir()
    const db = openCatalog(tmp.file('d.db'))
    const writer = new BatchWriter(db, new Counters(), () => nowSec)
    expect(writer.commit([{ t: 'event', ev, relays: ['ws://a.test'] }])).toEqual(['accepted'])
    expect(writer.commit([{ t: 'event', ev, relays: ['ws://a.test', 'ws://b.test'] }])).toEqual([
      'duplicate',
    ])
    expect(db.prepare('SELECT count(*) FROM games').pluck().get()).toBe(1)
    expect(db.prepare('SELECT state, relays_json FROM raw_events').get()).toEqual({
      state: 'ACCEPTED',
      relays_json: '["ws://a.test","ws://b.test"]',
    })
    db.close()
    tmp.cleanup()
  })
})
