/** Fault injection at the relay edge (reliability catalogue ING-1..7, RLY-1..5, RLY-7 by until paging, RLY-8). */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startIndexer, type IndexerOptions } from '../indexer.ts'
import { openCatalog, type Db } from '../store/open.ts'
import { serve, startFakeRelay, type FakeRelay, type ReqHandler } from '../testing/fake-relay.ts'
import { forgeSig, game, makeDev, tempDir, type Dev } from '../testing/fixtures.ts'
import { makeCorpus } from '../testing/corpus.ts'
import { createInlineVerifier, createWorkerVerifier, type Verifier } from './verify.ts'

const NOW_MS = 1_800_000_000_000
const NOW = NOW_MS / 1000
let dev: Dev
let verifier: Verifier
beforeAll(async () => {
  dev = await makeDev()
  verifier = await createInlineVerifier()
})
afterAll(async () => verifier.close())

const count = (db: Db, sql: string, ...p: unknown[]) =>
  db
    .prepare(sql)
    .pluck()
    .get(...p) as number
const cursor = (db: Db, url: string) =>
  db.prepare('SELECT since_sec FROM relay_cursors WHERE relay_url = ?').pluck().get(url) as
    | number
    | undefined

async function run(handlers: ReqHandler[], opts: Partial<IndexerOptions> = {}) {
  const tmp = tempDir()
  const db = openCatalog(tmp.file('c.db'))
  const relays: FakeRelay[] = await Promise.all(handlers.map((h) => startFakeRelay(h)))
  const indexer = await startIndexer({
    db,
    relays: relays.map((r) => r.url),
    verifier,
    log: () => {},
    now: () => NOW_MS,
    random: () => 0.5,
    backoffBaseMs: 20,
    ...opts,
  })
  return {
    db,
    relays,
    indexer,
    async close() {
      await indexer.stop()
      await Promise.all(relays.map((r) => r.stop()))
      db.close()
      tmp.cleanup()
    },
  }
}

const games = (n: number, t0: number) =>
  Array.from({ length: n }, (_, i) => game(dev, `f${i}`, t0 + i))

describe('ingestion faults', () => {
  it('a forged signature leaves no row and is counted (ING-1)', async () => {
    const good = game(dev, 'ok', NOW - 10)
    const r = await run([serve([forgeSig(game(dev, 'forged', NOW - 10)), good])])
    await r.indexer.whenCaughtUp()
    expect(count(r.db, 'SELECT count(*) FROM raw_events')).toBe(1)
    expect(r.indexer.counters()['rejected:bad-signature']).toBe(1)
    expect(r.indexer.persistedCounters()['rejected:bad-signature']).toBe(1)
    await r.close()
  })

  it('an id mismatch is rejected before the signature is checked (ING-2)', async () => {
    const ev = game(dev, 'idm', NOW - 10)
    const v = await createInlineVerifier()
    const r = await run([serve([{ ...ev, content: 'edited' }])], { verifier: v })
    await r.indexer.whenCaughtUp()
    expect(r.indexer.counters()['rejected:id-mismatch']).toBe(1)
    expect(v.calls()).toBe(0)
    expect(count(r.db, 'SELECT count(*) FROM raw_events')).toBe(0)
    await r.close()
  })

  it('oversized events (content over 64 KiB, more than 2,000 tags) are rejected (ING-6)', async () => {
    const big = dev.sign({
      kind: 32267,
      created_at: NOW - 5,
      content: 'x'.repeat(65 * 1024),
      tags: [
        ['d', 'big'],
        ['name', 'B'],
        ['t', 'game'],
      ],
    })
    const many = dev.sign({
      kind: 32267,
      created_at: NOW - 5,
      content: '',
      tags: [
        ['d', 'many'],
        ['name', 'M'],
        ['t', 'game'],
        ...Array.from({ length: 2001 }, () => ['image', 'https://x.example/i.png']),
      ],
    })
    const own = await createInlineVerifier()
    const r = await run([serve([big, many])], { verifier: own })
    await r.indexer.whenCaughtUp()
    // Counted per receipt (the backfill pages may serve them twice): never stored, never verified.
    expect(r.indexer.counters()['rejected:oversized']).toBeGreaterThanOrEqual(2)
    expect(own.calls()).toBe(0)
    expect(count(r.db, 'SELECT count(*) FROM raw_events')).toBe(0)
    await r.close()
  })

  it('malformed frames do not crash; a 10 MB frame recycles the socket and indexing goes on (ING-7)', async () => {
    const ev = game(dev, 'after', NOW - 5)
    const r = await run([
      (conn, sub, filters) => {
        if (conn.n === 1) {
          conn.raw('["EVENT", "zc-catalog", {"id": ')
          conn.raw('{"not":"an array"}')
          conn.send(['EVENT', sub, 42])
          conn.send(['EVENT', sub, { id: 'nope', kind: 'x' }])
          conn.raw(JSON.stringify(['EVENT', sub, { big: 'y'.repeat(10 * 1024 * 1024) }]))
          return
        }
        serve([ev])(conn, sub, filters)
      },
    ])
    await r.indexer.whenCaughtUp()
    const c = r.indexer.counters()
    expect(c['rejected:malformed-frame']).toBe(2)
    expect(c['rejected:malformed']).toBe(2)
    expect(count(r.db, 'SELECT count(*) FROM raw_events')).toBe(1)
    await r.close()
  })

  it('an event that breaks the profile is counted by the field it breaks, and a draft is never indexed', async () => {
    const badPrice = dev.sign({
      kind: 32267,
      created_at: NOW - 5,
      content: '',
      tags: [
        ['d', 'bp'],
        ['name', 'B'],
        ['t', 'game'],
        ['price', '1.5', 'SAT'],
      ],
    })
    const draft = game(dev, 'dr', NOW - 5, { listing: 'DRAFT' })
    const r = await run([serve([badPrice, draft])])
    await r.indexer.whenCaughtUp()
    expect(r.indexer.persistedCounters()).toMatchObject({
      'rejected:parse:price': 1,
      'rejected:draft': 1,
    })
    expect(count(r.db, 'SELECT count(*) FROM games')).toBe(0)
    await r.close()
  })

  it('a kind that was not asked for is dropped (ING-5)', async () => {
    const note = dev.sign({ kind: 1, created_at: NOW - 5, content: 'hi', tags: [] })
    const r = await run([
      (conn, sub) => {
        if (sub === 'zc-catalog') conn.send(['EVENT', sub, note])
        conn.send(['EOSE', sub])
      },
    ])
    await r.indexer.whenCaughtUp()
    expect(r.indexer.counters()['rejected:unexpected-kind']).toBe(1)
    expect(count(r.db, 'SELECT count(*) FROM raw_events')).toBe(0)
    await r.close()
  })

  it('one event sent 100 times by one relay is verified once and stored once (ING-3)', async () => {
    const ev = game(dev, 'dup100', NOW - 5)
    const own = await createInlineVerifier()
    const r = await run(
      [
        (conn, sub) => {
          if (sub === 'zc-catalog') for (let k = 0; k < 100; k++) conn.send(['EVENT', sub, ev])
          conn.send(['EOSE', sub])
        },
      ],
      { verifier: own },
    )
    await r.indexer.whenCaughtUp()
    expect(own.calls()).toBe(1)
    expect(count(r.db, 'SELECT count(*) FROM raw_events')).toBe(1)
    expect(count(r.db, 'SELECT count(*) FROM games')).toBe(1)
    expect(
      r.db.prepare('SELECT relay_url FROM event_relays WHERE event_id = ?').pluck().all(ev.id),
    ).toEqual([r.relays[0]!.url])
    await r.close()
  })

  it('a flood of duplicates across three relays is verified once and stored once, with every relay recorded (ING-3/4)', async () => {
    const evs = games(50, NOW - 100)
    const flood: ReqHandler = (conn, sub) => {
      for (let k = 0; k < 20; k++) for (const ev of evs) conn.send(['EVENT', sub, ev])
      conn.send(['EOSE', sub])
    }
    const pool = await createWorkerVerifier(2)
    const r = await run([flood, flood, flood], { verifier: pool })
    await r.indexer.whenCaughtUp()
    expect(pool.calls()).toBe(50)
    expect(count(r.db, 'SELECT count(*) FROM raw_events')).toBe(50)
    expect(count(r.db, 'SELECT count(*) FROM event_relays')).toBe(150)
    expect(
      count(
        r.db,
        'SELECT count(DISTINCT relay_url) FROM event_relays WHERE event_id = ?',
        evs[0]!.id,
      ),
    ).toBe(3)
    await r.close()
    await pool.close()
  })
})

describe('relay faults', () => {
  it('a relay cut mid-stream and restarted on the same port loses nothing (RLY-1)', async () => {
    const evs = games(1000, NOW - 2000).reverse() // relays answer newest first
    const r = await run([
      (conn, sub) => {
        if (conn.n > 1 || sub !== 'zc-catalog') return // later connections hang until the restart
        for (const ev of evs.slice(0, 500)) conn.send(['EVENT', sub, ev])
        conn.terminate()
      },
    ])
    // The cut drops whatever was still buffered: some of the first 500 arrive, then the indexer reconnects.
    await vi.waitFor(() => expect(r.relays[0]!.reqs.some((q) => q.n === 2)).toBe(true))
    await r.indexer.whenIdle()
    expect(count(r.db, 'SELECT count(*) FROM raw_events')).toBeLessThan(1000)
    expect(cursor(r.db, r.relays[0]!.url)).toBeUndefined() // no EOSE yet: the cursor must not move
    const port = Number(new URL(r.relays[0]!.url).port)
    await r.relays[0]!.stop()
    const restarted = await startFakeRelay(serve(evs), port)
    await r.indexer.whenCaughtUp()
    expect(count(r.db, 'SELECT count(*) FROM raw_events')).toBe(1000)
    expect(count(r.db, 'SELECT count(*) FROM games')).toBe(1000)
    expect(cursor(r.db, r.relays[0]!.url)).toBe(NOW - 2000 + 999)
    await restarted.stop()
    await r.close()
  })

  it('a relay that caps each answer at the page limit still yields every event, paged by until (RLY-7)', async () => {
    const evs = games(1200, NOW - 5000)
    const r = await run([serve(evs)])
    await r.indexer.whenCaughtUp()
    expect(count(r.db, 'SELECT count(*) FROM games')).toBe(1200)
    expect(
      r.relays[0]!.reqs.filter((q) => q.subId === 'zc-page' && q.filters[0]?.until !== undefined)
        .length,
    ).toBeGreaterThanOrEqual(2)
    expect(cursor(r.db, r.relays[0]!.url)).toBe(NOW - 5000 + 1199)
    await r.close()
  })

  it('a future-dated forged event and a future signed event never move the cursor past now (RLY-2/3)', async () => {
    const poison = forgeSig(game(dev, 'poison', NOW + 10 * 365 * 86400))
    const future = game(dev, 'future', NOW + 3600)
    const valid = games(50, NOW - 100)
    const r = await run([serve([poison, future, ...valid])])
    await r.indexer.whenCaughtUp()
    expect(count(r.db, 'SELECT count(*) FROM games')).toBe(50)
    expect(r.indexer.counters()['rejected:future']).toBe(1)
    expect(r.indexer.counters()['rejected:bad-signature']).toBe(1)
    expect(cursor(r.db, r.relays[0]!.url)).toBe(NOW - 100 + 49)
    await r.close()
  })

  it('a resume overlaps the cursor so same-second events are not lost (RLY-4)', async () => {
    const t = NOW - 50
    const [e1, e2, e3] = [game(dev, 's1', t), game(dev, 's2', t), game(dev, 's3', t)]
    const r = await run([
      (conn, sub, filters) => {
        if (sub !== 'zc-catalog') return conn.send(['EOSE', sub])
        if (conn.n === 1) {
          conn.send(['EVENT', sub, e1])
          conn.send(['EOSE', sub])
          return
        }
        serve([e1, e2, e3])(conn, sub, filters)
      },
    ])
    await r.indexer.whenCaughtUp()
    expect(cursor(r.db, r.relays[0]!.url)).toBe(t)
    r.relays[0]!.setHandler(serve([e1, e2, e3]))
    // Drop the connection: the indexer resubscribes from the stored cursor minus the overlap.
    const port = Number(new URL(r.relays[0]!.url).port)
    await r.relays[0]!.stop()
    const again = await startFakeRelay(serve([e1, e2, e3]), port)
    await vi.waitFor(() => expect(count(r.db, 'SELECT count(*) FROM games')).toBe(3))
    const req = again.reqs.find((q) => q.subId === 'zc-catalog')
    expect(req?.filters[0]?.since).toBeLessThan(t)
    await again.stop()
    await r.close()
  })

  it('a flooding relay is paused while its events wait, and every relay is still fully indexed (RLY-5)', async () => {
    const flood = (await makeCorpus(6000, 0, NOW - 10)).events
    const calm = game(dev, 'calm', NOW - 5)
    // The flood comes live, after EOSE (a backfill is already paced page by page).
    const pool = await createWorkerVerifier(2)
    const r = await run(
      [
        (conn, sub) => {
          conn.send(['EOSE', sub])
          if (sub === 'zc-catalog') for (const ev of flood) conn.send(['EVENT', sub, ev])
        },
        serve([calm]),
      ],
      { verifier: pool },
    )
    await r.indexer.whenCaughtUp()
    await vi.waitFor(() => expect(count(r.db, 'SELECT count(*) FROM raw_events')).toBe(6001), {
      timeout: 20_000,
    })
    expect(r.indexer.counters()['flow:paused']).toBeGreaterThanOrEqual(1)
    await r.close()
    await pool.close()
  })

  it('a relay that answers CLOSED is retried after a backoff and then indexed (RLY-8)', async () => {
    const ev = game(dev, 'closed', NOW - 5)
    const r = await run([
      (conn, sub, filters) => {
        if (conn.n === 1) return conn.send(['CLOSED', sub, 'auth-required: we only serve members'])
        serve([ev])(conn, sub, filters)
      },
    ])
    await r.indexer.whenCaughtUp()
    expect(count(r.db, 'SELECT count(*) FROM games')).toBe(1)
    expect(new Set(r.relays[0]!.reqs.map((q) => q.n)).size).toBeGreaterThanOrEqual(2)
    await r.close()
  })

  it('a relay that always answers CLOSED auth-required is retried with a doubling backoff, never in a hot loop (RLY-8)', async () => {
    const logs: string[] = []
    const r = await run(
      [(conn, sub) => conn.send(['CLOSED', sub, 'auth-required: we only serve members'])],
      {
        log: (m: string) => logs.push(m),
        backoffBaseMs: 10,
        backoffMaxMs: 160,
      },
    )
    const connections = () => new Set(r.relays[0]!.reqs.map((q) => q.n)).size
    await vi.waitFor(() => expect(connections()).toBeGreaterThanOrEqual(7), { timeout: 5_000 })
    await r.close()
    // Each reconnect is scheduled by the backoff (random 0.5 scales base·2^n to ¾ of it), capped at the max,
    // and the CLOSED never resets it: no connection is opened without a scheduled wait before it.
    const delays = logs.flatMap((l) => /reconnecting in (\d+) ms/.exec(l)?.[1] ?? []).map(Number)
    expect(delays.slice(0, 6)).toEqual([8, 15, 30, 60, 120, 120])
    expect(connections()).toBeLessThanOrEqual(delays.length + 1)
  })

  it('a relay that never sends EOSE does not block catching up, and its cursor stays put', async () => {
    const ev = game(dev, 'noeose', NOW - 5)
    const other = game(dev, 'other', NOW - 5)
    const r = await run([serve([ev], { eose: false }), serve([other])], { eoseTimeoutMs: 200 })
    await r.indexer.whenCaughtUp()
    expect(count(r.db, 'SELECT count(*) FROM games')).toBe(2)
    expect(cursor(r.db, r.relays[0]!.url)).toBeUndefined()
    expect(cursor(r.db, r.relays[1]!.url)).toBe(NOW - 5)
    await r.close()
  })
})
