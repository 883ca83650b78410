/**
 * The indexer: relays → receive → verify → parse → apply → write (DESIGN.md section 2, indexer rules).
 * `startIndexer` resolves as soon as the sockets are opening; `whenCaughtUp()` resolves once every relay
 * reached EOSE once and everything received by then is committed.
 */
import { Kind } from '@zapcade/shared/kinds'
import type { Filter } from 'nostr-tools/filter'
import { Counters, readCounters } from './store/counters.ts'
import { readCursor, resumeSince } from './store/cursors.ts'
import { openCatalog, type Db } from './store/open.ts'
import { Receiver } from './pipeline/receive.ts'
import { RelaySubscription } from './pipeline/subscribe.ts'
import { createWorkerVerifier, createInlineVerifier, type Verifier } from './pipeline/verify.ts'
import { BatchWriter } from './pipeline/write.ts'

export interface IndexerOptions {
  /** An open catalog database, or a file to open (and migrate). */
  db?: Db
  dbFile?: string
  relays: string[]
  /** Clock in ms; injected for tests. */
  now?: () => number
  random?: () => number
  /** The verifier; default a 2-worker signature-check pool. */
  verifier?: Verifier
  log?: (msg: string) => void
  backoffBaseMs?: number
  backoffMaxMs?: number
  eoseTimeoutMs?: number
  batchMax?: number
  batchDelayMs?: number
}

export interface Indexer {
  db: Db
  /** Counters of this run (the database holds the persisted totals). */
  counters(): Record<string, number>
  persistedCounters(): Record<string, number>
  /** Events received and not yet committed. */
  backlog(): number
  whenIdle(): Promise<void>
  whenCaughtUp(): Promise<void>
  verifier: Verifier
  stop(): Promise<void>
}

const CATALOG_KINDS = [Kind.Game, Kind.Release, Kind.BuildAsset]
/** Backfill pauses (no further page is asked) while this many events wait in the pipeline. */
const BACKLOG_HIGH_WATER = 5000
/** One relay may hold at most this many events in the pipeline before its socket is paused (RLY-5). */
export const RELAY_HIGH_WATER = 2000
const RELAY_LOW_WATER = 500

/** Start indexing `relays` into the catalog database. */
export async function startIndexer(opts: IndexerOptions): Promise<Indexer> {
  const db = opts.db ?? openCatalog(opts.dbFile ?? ':memory:')
  const ownsDb = opts.db === undefined
  const now = opts.now ?? Date.now
  const log = opts.log ?? ((m: string) => console.error(`[indexer] ${m}`))
  const verifier = opts.verifier ?? (await createWorkerVerifier(2).catch(() => createInlineVerifier()))
  const ownsVerifier = opts.verifier === undefined
  const counters = new Counters()
  const writer = new BatchWriter(db, counters, () => Math.floor(now() / 1000))

  const developers = (): string[] =>
    (db.prepare('SELECT DISTINCT u.pubkey FROM users u JOIN games g ON g.developer_user_id = u.id ORDER BY u.pubkey').pluck().all() as string[])
  let devs = developers()
  const subs: RelaySubscription[] = []
  const receiver = new Receiver({
    writer,
    verify: verifier.verify,
    counters,
    now,
    ...(opts.batchMax !== undefined ? { batchMax: opts.batchMax } : {}),
    ...(opts.batchDelayMs !== undefined ? { batchDelayMs: opts.batchDelayMs } : {}),
    onError: (err) => log(`write failed: ${err instanceof Error ? err.message : String(err)}`),
    onCommit: (outcomes) => {
      // Flow control: a flooding relay is paused, the others keep flowing; resumed once drained.
      for (const s of subs) if (s.paused && receiver.queuedFrom(s.url) < RELAY_LOW_WATER) s.resume()
      if (!outcomes.includes('accepted')) return
      const next = developers()
      if (next.length !== devs.length) {
        devs = next
        for (const s of subs) s.refreshProfiles()
      }
    },
  })

  for (const url of opts.relays) {
    const sub: RelaySubscription = new RelaySubscription({
      url,
      catalogFilters: (): Filter[] => {
        const since = resumeSince(readCursor(db, url))
        const s = since === undefined ? {} : { since }
        // NIP-09 deletions carry a `k` per targeted kind; the developers' own are also fetched by author.
        return [{ kinds: CATALOG_KINDS, ...s }, { kinds: [Kind.Deletion], '#k': CATALOG_KINDS.map(String), ...s }]
      },
      profileFilters: () => (devs.length === 0 ? undefined : [{ kinds: [Kind.Profile, Kind.Deletion], authors: devs }]),
      onEvent: (u, ev) => {
        receiver.event(u, ev)
        if (receiver.queuedFrom(u) >= RELAY_HIGH_WATER && !sub.paused) {
          counters.inc('flow:paused')
          sub.pause()
        }
      },
      onEose: (u) => receiver.eose(u),
      onDisconnect: (u) => receiver.reset(u),
      onMalformed: () => counters.inc('rejected:malformed-frame'),
      beforePage: () => receiver.whenBacklogBelow(BACKLOG_HIGH_WATER),
      log,
      random: opts.random ?? Math.random,
      ...(opts.backoffBaseMs !== undefined ? { backoffBaseMs: opts.backoffBaseMs } : {}),
      ...(opts.backoffMaxMs !== undefined ? { backoffMaxMs: opts.backoffMaxMs } : {}),
      ...(opts.eoseTimeoutMs !== undefined ? { eoseTimeoutMs: opts.eoseTimeoutMs } : {}),
    })
    subs.push(sub)
    sub.start()
  }

  return {
    db,
    verifier,
    counters: () => counters.snapshot(),
    persistedCounters: () => readCounters(db),
    backlog: () => receiver.backlog(),
    whenIdle: () => receiver.whenIdle(),
    async whenCaughtUp() {
      await Promise.all(subs.map((s) => s.whenCaughtUp()))
      await receiver.whenIdle()
      // New developers trigger a profile REQ after the commit; wait for those answers too.
      for (let round = 0; round < 5; round++) {
        await Promise.all(subs.map((s) => s.whenProfilesSettled()))
        await receiver.whenIdle()
        if (receiver.backlog() === 0 && !subs.some((s) => s.profilesPending())) break
      }
    },
    async stop() {
      for (const s of subs) s.stop()
      await receiver.whenIdle()
      receiver.close()
      if (ownsVerifier) await verifier.close()
      if (ownsDb) db.close()
    },
  }
}
