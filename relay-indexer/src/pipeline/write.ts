/**
 * Stage 5: batched writes. Everything verified since the last commit is applied in ONE immediate
 * transaction (reliability catalogue A3: ~100k rows/s batched vs ~22k/s one per txn; ING-8), together
 * with provenance, counters and cursors, so a crash never leaves a cursor ahead of its events.
 */
import { statSync } from 'node:fs'
import type { NostrEvent } from '@zapcade/shared/events/event'
import { CatalogWriter } from '../store/catalog-writer.ts'
import type { Counters } from '../store/counters.ts'
import { advanceCursor } from '../store/cursors.ts'
import { IdFilter } from '../store/id-filter.ts'
import type { Db } from '../store/open.ts'
import { parseAndApply } from './apply.ts'

export type WriteItem =
  /** A verified event not yet stored, with every relay it was seen on meanwhile. */
  | { t: 'event'; ev: NostrEvent; relays: string[] }
  /** An id already stored, seen again on `relay` (provenance only). */
  | { t: 'seen'; id: string; relay: string }
  /** The relay's backfill ended (EOSE): its cursor may now be persisted and follows live events. */
  | { t: 'eose'; relay: string }
  /** The relay's connection dropped: until the next EOSE its cursor stays where it is. */
  | { t: 'reset'; relay: string }

/**
 * WAL size past which a commit is followed by wal_checkpoint(TRUNCATE) (reliability catalogue B6, DB-4).
 * SQLite's own autocheckpoint is PASSIVE: while the service reads without pause from its process, it
 * never finds a moment with no reader to restart the log, and the WAL grew with every commit (180 MB for
 * 18k games in wal.test.ts). TRUNCATE waits (busy_timeout) for the readers of the moment, which are
 * short, copies the log into the database and empties the file, so its size measures the log again
 * (after a RESTART the file kept its size, and every later commit was followed by a checkpoint). The bound spans several backfill commits,
 * so an index page changed by each of them is copied into the database once (docs/indexer-writes.md).
 * A TRUNCATE that finds a reader at the wrong moment cannot restart the log; the next commit tries
 * again, so the file can pass the bound by a few commits (24 MB leaves room for five of ~3 MB under 40).
 */
export const WAL_RESTART_BYTES = 24 * 1024 * 1024

/** WAL frames (4 KB pages) past which a commit copies the log into the database (PASSIVE, no waiting). */
export const WAL_PASSIVE_PAGES = 4096

/** Page cache of the writer's connection: the id and address indexes of a large catalog stay in memory. */
export const WRITER_CACHE_KIB = 64 * 1024

/** Outcomes that prove an event was verified and valid, so they may move a cursor. */
const CURSOR_OUTCOMES = new Set(['accepted', 'pending', 'stale', 'duplicate'])

export class BatchWriter {
  private readonly w: CatalogWriter
  private readonly relayMax = new Map<string, number>()
  private readonly live = new Set<string>()
  commits = 0

  constructor(
    private readonly db: Db,
    private readonly counters: Counters,
    private readonly nowSec: () => number,
  ) {
    this.w = new CatalogWriter(db)
    db.pragma(`cache_size = -${WRITER_CACHE_KIB}`)
    // SQLite's PASSIVE autocheckpoint ran after every commit past 1,000 pages (4 MB), copying each hot
    // index page once per commit; now once per WAL_PASSIVE_PAGES, and boundWal empties the log.
    if (!db.memory) db.pragma(`wal_autocheckpoint = ${WAL_PASSIVE_PAGES}`)
  }

  private ids: IdFilter | undefined

  /** Whether `id` is already stored (the dedupe check before verifying). */
  has(id: string): boolean {
    this.ids ??= IdFilter.load(this.db)
    return this.ids.mightHave(id) && this.w.rawExists(id)
  }

  /** Apply a batch in one transaction; answers the outcome of each event item, in order. */
  commit(items: readonly WriteItem[]): string[] {
    const outcomes: string[] = []
    const nowSec = this.nowSec()
    const ctx = { w: this.w, counters: this.counters, nowSec }
    const touched = new Set<string>()
    const seenAt = (relay: string, createdAt: number): void => {
      this.relayMax.set(relay, Math.max(this.relayMax.get(relay) ?? 0, createdAt))
      if (this.live.has(relay)) touched.add(relay)
    }
    const run = this.db.transaction(() => {
      for (const item of items) {
        if (item.t === 'event') {
          // An id stored meanwhile (another writer, or a caller that skipped `has`) answers `duplicate`
          // from its insert: no lookup per event here.
          const outcome = parseAndApply(ctx, item.ev, item.relays)
          this.counters.inc(outcome)
          outcomes.push(outcome)
          if (CURSOR_OUTCOMES.has(outcome))
            for (const r of item.relays) seenAt(r, item.ev.created_at)
        } else if (item.t === 'seen') {
          const createdAt = this.w.seenOn(item.id, item.relay)
          if (createdAt !== undefined) seenAt(item.relay, createdAt)
        } else if (item.t === 'eose') {
          this.live.add(item.relay)
          touched.add(item.relay)
        } else {
          this.live.delete(item.relay)
        }
      }
      for (const relay of touched) {
        const max = this.relayMax.get(relay)
        if (max !== undefined && this.live.has(relay)) advanceCursor(this.db, relay, max, nowSec)
      }
      this.counters.flush(this.db)
    })
    run.immediate()
    // Every id written (or found stored) now; a refused one only costs a lookup later.
    const ids = this.ids
    if (ids) {
      let room = true
      for (const item of items) if (item.t === 'event') room = ids.add(item.ev.id) && room
      if (!room) this.ids = undefined // reloaded, twice the size, at the next check
    }
    this.commits++
    this.boundWal()
    return outcomes
  }

  /** Checkpoint and empty the WAL once it is past WAL_RESTART_BYTES (a file database in WAL mode only). */
  private boundWal(): void {
    if (this.db.memory) return
    let size: number
    try {
      size = statSync(`${this.db.name}-wal`).size
    } catch {
      return
    }
    if (size > WAL_RESTART_BYTES) this.db.pragma('wal_checkpoint(TRUNCATE)')
  }
}
