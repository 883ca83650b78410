/**
 * `npm run bench -- sync`: after a restart, how long until an event with an old `created_at` that the
 * relay holds (published while the indexer was stopped, 30 days back-dated) is in the catalog: against
 * the market relay with NIP-77 negentropy, and the same relay without it (full re-scan paged by `until`),
 * over catalogs of several sizes. The default sync interval (60 s) is kept: the round that finds it is
 * the one that follows the resumed backfill. Figures go to relay-indexer/README.md and
 * docs/reliability-ingest.md (RLY-6/7).
 */
import { EventRepositorySqlite } from '@nostr-relay/event-repository-sqlite'
import type { NostrEvent } from '@zapcade/shared/events/event'
import { startIndexer } from '@zapcade/relay-indexer/indexer'
import { startMarketRelay } from '@zapcade/relay'
import { openCatalog } from '@zapcade/relay-indexer/store/open'
import { makeCorpus } from '@zapcade/relay-indexer/testing/corpus'
import { game, makeDev, tempDir } from '@zapcade/relay-indexer/testing/fixtures'
import { createWorkerVerifier } from '@zapcade/relay-indexer/pipeline/verify'

const NOW = Math.floor(Date.now() / 1000)

/** Store events in the relay's file directly (the relay's rate limits are not what is measured here). */
async function store(file: string, evs: NostrEvent[]): Promise<void> {
  const repo = new EventRepositorySqlite(file)
  await repo.init()
  for (const ev of evs) await repo.upsert(ev as never)
  await repo.destroy()
}

async function measure(size: number, negentropy: boolean, corpus: NostrEvent[]) {
  const tmp = tempDir()
  await store(tmp.file('relay.db'), corpus)
  let relay = await startMarketRelay({ file: tmp.file('relay.db'), negentropy })
  const db = openCatalog(tmp.file('catalog.db'))
  const verifier = await createWorkerVerifier(2)
  const opts = { db, relays: [relay.url], verifier, log: () => {} }
  const first = await startIndexer(opts)
  await first.whenCaughtUp()
  await first.stop()
  const dev = await makeDev()
  const old = game(dev, 'back-dated', NOW - 30 * 86400)
  const port = relay.port
  await relay.stop()
  await store(tmp.file('relay.db'), [old])
  relay = await startMarketRelay({ file: tmp.file('relay.db'), negentropy, port })
  const t0 = performance.now()
  const again = await startIndexer(opts)
  await again.whenCaughtUp()
  const caughtUp = performance.now() - t0
  const found = () => db.prepare('SELECT 1 FROM raw_events WHERE id = ?').pluck().get(old.id) === 1
  while (!found()) await new Promise((r) => setTimeout(r, 5))
  const inCatalog = performance.now() - t0
  const mode = again.syncModes()[relay.url]
  await again.stop()
  await verifier.close()
  await relay.stop()
  db.close()
  tmp.cleanup()
  console.log(
    `${String(size).padStart(6)} events  ${negentropy ? 'negentropy' : 'no NIP-77 '}  caught up ${caughtUp.toFixed(0).padStart(5)} ms  ` +
      `back-dated event in catalog ${inCatalog.toFixed(0).padStart(5)} ms  (synced by ${mode})`,
  )
}

for (const size of [3000, 12000]) {
  const corpus = (await makeCorpus(size, 0, NOW - 60)).events
  for (const negentropy of [true, false]) await measure(size, negentropy, corpus)
}
