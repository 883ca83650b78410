/**
 * The indexer: relays → receive → verify → parse → apply → write (docs/architecture.md "Event profile", indexer rules).
 * `startIndexer` resolves as soon as the sockets are opening; `whenCaughtUp()` resolves once every relay
 * reached EOSE once and everything received by then is committed.
 */
import { Kind } from '@zapcade/shared/kinds'
import type { Filter } from 'nostr-tools/filter'
import { INDEXED_KINDS } from './pipeline/parse.ts'
import { Counters, readCounters } from './store/counters.ts'
import { readCursor, resumeSince } from './store/cursors.ts'
import { openCatalog, type Db } from './store/open.ts'
import { localSyncItems, RefusedEvents } from './store/sync-set.ts'
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
  /**
   * Time between two full sync rounds of a relay (NIP-77 negentropy, or a re-scan paged by `until` where
   * the relay has no negentropy); default 60 s (ZAPCADE_SYNC_INTERVAL_SEC).
   */
  syncIntervalMs?: number
  /** Try NIP-77 negentropy before re-scanning (default true). */
  negentropy?: boolean
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
  /** Resolves once every relay finished its running or next sync round, and what it brought is committed. */
  whenSynced(): Promise<void>
  /** How each relay was last reconciled: 'negentropy' or 'scan' (absent before its first round). */
  syncModes(): Record<string, 'negentropy' | 'scan'>
  verifier: Verifier
  stop(): Promise<void>
}

/** Every indexed kind but profiles and deletions, which are asked for by author or by `k`. */
const CATALOG_KINDS: number[] = INDEXED_KINDS.filter(
  (k) => k !== Kind.Profile && k !== Kind.Deletion,
)
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
  const verifier =
    opts.verifier ?? (await createWorkerVerifier(2).catch(() => createInlineVerifier()))
  const ownsVerifier = opts.verifier === undefined
  const counters = new Counters()
  const writer = new BatchWriter(db, counters, () => Math.floor(now() / 1000))

  const developers = (): string[] =>
    db
      .prepare(
        'SELECT DISTINCT u.pubkey FROM users u JOIN games g ON g.developer_user_id = u.id ORDER BY u.pubkey',
      )
      .pluck()
      .all() as string[]
  let devs = developers()
  const refused = new RefusedEvents()
  const subs: RelaySubscription[] = []
  const receiver = new Receiver({
    writer,
    verify: verifier.verify,
    counters,
    now,
    ...(opts.batchMax !== undefined ? { batchMax: opts.batchMax } : {}),
    ...(opts.batchDelayMs !== undefined ? { batchDelayMs: opts.batchDelayMs } : {}),
    onError: (err) => log(`write failed: ${err instanceof Error ? err.message : String(err)}`),
    onCommit: (outcomes, events) => {
      // Flow control: a flooding relay is paused, the others keep flowing; resumed once drained.
      for (const s of subs) if (s.paused && receiver.queuedFrom(s.url) < RELAY_LOW_WATER) s.resume()
      // Refused by the rules (not stored): remembered so that sync rounds do not fetch them again.
      outcomes.forEach(
        (o, i) => o.startsWith('rejected:') && o !== 'rejected:deleted' && refused.add(events[i]!),
      )
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
      // NIP-09 deletions carry a `k` per targeted kind; the developers' own are also fetched by author.
      catalogFilters: (): Filter[] => [
        { kinds: CATALOG_KINDS },
        { kinds: [Kind.Deletion], '#k': CATALOG_KINDS.map(String) },
      ],
      resumeSince: () => resumeSince(readCursor(db, url)),
      profileFilters: () =>
        devs.length === 0 ? undefined : [{ kinds: [Kind.Profile, Kind.Deletion], authors: devs }],
      localItems: (filter) => localSyncItems(db, filter, refused),
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
      ...(opts.syncIntervalMs !== undefined ? { syncIntervalMs: opts.syncIntervalMs } : {}),
      ...(opts.negentropy !== undefined ? { negentropy: opts.negentropy } : {}),
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
    async whenSynced() {
      await Promise.all(subs.map((s) => s.whenSynced()))
      await receiver.whenIdle()
    },
    syncModes: () =>
      Object.fromEntries(subs.flatMap((s) => (s.syncMode ? [[s.url, s.syncMode]] : []))),
    async stop() {
      for (const s of subs) s.stop()
      await receiver.whenIdle()
      receiver.close()
      if (ownsVerifier) await verifier.close()
      if (ownsDb) db.close()
    },
  }
}
