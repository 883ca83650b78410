/**
 * Sync that never loses an event, whatever its created_at: live events older than the cursor, events
 * published while the indexer was stopped or disconnected, against the market relay (NIP-77 negentropy)
 * and against a relay without negentropy (periodic full re-scan paged by `until`). Real WebSockets on
 * loopback, real SQLite files; intervals are injected, never waited for by the wall clock.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import { Relay, useWebSocketImplementation } from 'nostr-tools/relay'
import type { NostrEvent } from '@zapcade/shared/events/event'
import { startIndexer, type Indexer, type IndexerOptions } from './indexer.ts'
import { startMarketRelay, type MarketRelay } from '@zapcade/relay'
import { openCatalog, type Db } from './store/open.ts'
import { asset, game, makeDev, release, tempDir, type Dev } from './testing/fixtures.ts'
import { createInlineVerifier, type Verifier } from './pipeline/verify.ts'
import { serve, startFakeRelay } from './testing/fake-relay.ts'

useWebSocketImplementation(WebSocket)

const NOW = Math.floor(Date.now() / 1000)
const HOUR = 3600
const DAY = 86400
let verifier: Verifier
let dev: Dev
beforeAll(async () => {
  verifier = await createInlineVerifier()
  dev = await makeDev()
})
afterAll(async () => verifier.close())

async function publish(url: string, ...evs: NostrEvent[]): Promise<void> {
  const r = await Relay.connect(url)
  for (const ev of evs) await r.publish(ev)
  r.close()
}

const has = (db: Db, slug: string) =>
  db.prepare('SELECT 1 FROM games WHERE slug = ?').pluck().get(slug) === 1
const listings = new Map<string, NostrEvent[]>()
/** The game is listed, and its release and build asset are stored (applied, or linked once both are in). */
const indexed = (db: Db, slug: string) =>
  has(db, slug) &&
  listings
    .get(slug)!
    .every((ev) => db.prepare('SELECT 1 FROM raw_events WHERE id = ?').pluck().get(ev.id) === 1)

/** A listing with its release and build asset, all dated `at`. */
function listing(slug: string, at: number): NostrEvent[] {
  const as = asset(dev, slug, '1.0.0', at)
  const evs = [game(dev, slug, at), as, release(dev, slug, '1.0.0', as.id, at)]
  listings.set(slug, evs)
  return evs
}

async function world(relayOpts: { negentropy?: boolean } = {}) {
  const tmp = tempDir()
  let relay: MarketRelay = await startMarketRelay({ file: tmp.file('relay.db'), ...relayOpts })
  const db = openCatalog(tmp.file('catalog.db'))
  let indexer: Indexer | undefined
  const start = async (opts: Partial<IndexerOptions> = {}) => {
    indexer = await startIndexer({
      db,
      relays: [relay.url],
      verifier,
      log: () => {},
      backoffBaseMs: 20,
      ...opts,
    })
    await indexer.whenCaughtUp()
    return indexer
  }
  return {
    tmp,
    db,
    start,
    get relay() {
      return relay
    },
    /**
     * Drop every connection, store `evs` while no indexer can be connected (the relay's port is closed),
     * then listen again on the same port and file.
     */
    async restartRelayWith(evs: NostrEvent[]) {
      const port = relay.port
      await relay.stop()
      const aside = await startMarketRelay({ file: tmp.file('relay.db'), ...relayOpts })
      await publish(aside.url, ...evs)
      await aside.stop()
      relay = await startMarketRelay({ file: tmp.file('relay.db'), port, ...relayOpts })
    },
    async stopIndexer() {
      await indexer?.stop()
      indexer = undefined
    },
    async close() {
      await indexer?.stop()
      await relay.stop()
      db.close()
      tmp.cleanup()
    },
  }
}

describe('live events whatever their created_at', () => {
  it('a listing and release dated an hour and 30 days back, published while connected, reach the catalog', async () => {
    const w = await world()
    await publish(w.relay.url, ...listing('fresh', NOW - 5))
    // No periodic sync during this test: only the live subscription can bring the backdated events.
    await w.start({ syncIntervalMs: 3_600_000 })
    expect(has(w.db, 'fresh')).toBe(true)
    // A restart: the relay now has a cursor, so the resumed subscription is not a first full backfill.
    await w.stopIndexer()
    await w.start({ syncIntervalMs: 3_600_000 })
    await publish(
      w.relay.url,
      ...listing('hour-old', NOW - HOUR),
      ...listing('month-old', NOW - 30 * DAY),
    )
    await vi.waitFor(
      () => {
        expect(indexed(w.db, 'hour-old')).toBe(true)
        expect(indexed(w.db, 'month-old')).toBe(true)
      },
      { timeout: 5_000 },
    )
    await w.close()
  })
})

for (const negentropy of [true, false]) {
  const relayKind = negentropy
    ? 'the market relay (NIP-77 negentropy)'
    : 'a relay without negentropy (re-scan paged by until)'
  describe(`events published while the indexer was away, against ${relayKind}`, () => {
    it('a listing and release dated an hour and 30 days back, published while it was stopped, reach the catalog after a restart', async () => {
      const w = await world({ negentropy })
      await publish(w.relay.url, ...listing('first', NOW - 5))
      await w.start({ syncIntervalMs: 100 })
      await w.stopIndexer()
      await publish(
        w.relay.url,
        ...listing('hour-old', NOW - HOUR),
        ...listing('month-old', NOW - 30 * DAY),
      )
      const indexer = await w.start({ syncIntervalMs: 100 })
      await indexer.whenSynced()
      expect(indexed(w.db, 'hour-old')).toBe(true)
      expect(indexed(w.db, 'month-old')).toBe(true)
      expect(indexer.syncModes()).toEqual({ [w.relay.url]: negentropy ? 'negentropy' : 'scan' })
      await w.close()
    })

    it('backdated events stored while the socket was down reach the catalog on reconnect, before any interval', async () => {
      const w = await world({ negentropy })
      await publish(w.relay.url, ...listing('first', NOW - 5))
      // One interval is an hour: only the sync round that follows the reconnect can bring them.
      await w.start({ syncIntervalMs: 3_600_000 })
      await w.restartRelayWith([
        ...listing('hour-old', NOW - HOUR),
        ...listing('month-old', NOW - 30 * DAY),
      ])
      await vi.waitFor(
        () => {
          expect(indexed(w.db, 'hour-old')).toBe(true)
          expect(indexed(w.db, 'month-old')).toBe(true)
        },
        { timeout: 10_000 },
      )
      await w.close()
    })
  })
}

describe('a relay that never answers NEG-OPEN', () => {
  it('is synced by re-scan once the answer times out, and the backdated events still arrive', async () => {
    const tmp = tempDir()
    const db = openCatalog(tmp.file('catalog.db'))
    const held = [...listing('first', NOW - 5)]
    const relay = await startFakeRelay(serve(() => held))
    const opts = {
      db,
      relays: [relay.url],
      verifier,
      log: () => {},
      eoseTimeoutMs: 200,
      syncIntervalMs: 100,
    }
    const first = await startIndexer(opts)
    await first.whenCaughtUp()
    await first.stop()
    held.push(...listing('month-old', NOW - 30 * DAY))
    const again = await startIndexer(opts)
    await again.whenCaughtUp()
    await again.whenSynced()
    expect(indexed(db, 'month-old')).toBe(true)
    expect(again.syncModes()).toEqual({ [relay.url]: 'scan' })
    expect(relay.reqs.some((q) => q.subId === 'zc-scan')).toBe(true)
    await again.stop()
    await relay.stop()
    db.close()
    tmp.cleanup()
  })
})
