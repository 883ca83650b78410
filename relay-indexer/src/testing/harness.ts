/** Index a scripted arrival order through the real pipeline: fake relay on loopback → SQLite file. */
import type { NostrEvent } from '@zapcade/shared/events/event'
import { startIndexer, type Indexer } from '../indexer.ts'
import type { Verifier } from '../pipeline/verify.ts'
import { openCatalog, type Db } from '../store/open.ts'
import { serve, startFakeRelay } from './fake-relay.ts'
import { tempDir } from './fixtures.ts'

export interface Indexed {
  db: Db
  indexer: Indexer
  close(): Promise<void>
}

/** Serve `events` in this order from one relay, index until caught up, and hand back the database. */
export async function indexInOrder(
  events: NostrEvent[],
  verifier: Verifier,
  opts: { db?: Db; nowMs?: number } = {},
): Promise<Indexed> {
  const tmp = tempDir()
  const db = opts.db ?? openCatalog(tmp.file('catalog.db'))
  const relay = await startFakeRelay(serve(events))
  const nowMs = opts.nowMs
  const indexer = await startIndexer({
    db,
    relays: [relay.url],
    verifier,
    log: () => {},
    ...(nowMs !== undefined ? { now: () => nowMs } : {}),
  })
  await indexer.whenCaughtUp()
  await indexer.whenIdle()
  return {
    db,
    indexer,
    async close() {
      await indexer.stop()
      await relay.stop()
      if (!opts.db) db.close()
      tmp.cleanup()
    },
  }
}
