/**
 * Subscriptions: one supervised WebSocket per relay, speaking NIP-01 directly over `ws`. We keep our
 * own supervisor (NDK neither retries nor resubscribes reliably; nostr-tools moves its
 * resume point even for events that fail verification, reliability catalogue B7) and our own frame
 * parsing, so malformed frames are counted and the socket is recycled (ING-7).
 *
 * On each connection:
 * - live: one REQ without `since` and with `limit: 0`, so every new event the relay accepts reaches us
 *   whatever its `created_at` (NIP-01 applies `since` to live events too: a backdated listing would be
 *   filtered out by a live REQ that carries the cursor);
 * - backfill: REQ with `since` = cursor − overlap, paged by `until` → EOSE (the relay is caught up);
 * - sync: a full reconciliation of the catalog kinds, whatever their `created_at` — NIP-77 negentropy
 *   where the relay answers NEG-MSG (then a REQ by `ids` for what we lack), else a full re-scan paged by
 *   `until`; right after a resumed backfill, then every sync interval (docs/reliability-ingest.md, RLY-6/7).
 * On any drop, reconnect with jittered, capped exponential backoff and subscribe again.
 */
import WebSocket from 'ws'
import { nip77 } from 'nostr-tools'
import type { Filter } from 'nostr-tools/filter'
import { FRAME_SIZE_LIMIT, storageOf } from '@zapcade/relay'
import { BackfillPager, PAGE_LIMIT } from './backfill-pager.ts'

export interface RelaySubscriptionOptions {
  url: string
  /** The catalog filters, without `since`. */
  catalogFilters: () => Filter[]
  /** The `since` of the backfill, from the stored cursor (undefined: full backfill). Read at each connect. */
  resumeSince: () => number | undefined
  /** Filters for the developers' profiles and deletions; undefined while there are no developers. */
  profileFilters: () => Filter[] | undefined
  /** The (created_at, id) we already hold (or refused for good) among the events `filter` matches. */
  localItems: (filter: Filter) => Iterable<{ created_at: number; id: string }>
  onEvent: (url: string, ev: unknown) => void
  onEose: (url: string) => void
  onDisconnect: (url: string) => void
  /** Frames that are not NIP-01 relay messages (counted by the caller). */
  onMalformed: (url: string) => void
  /** A sync round finished: how, and how many events it asked for (negentropy) or received (re-scan). */
  onSynced?: (url: string, how: 'negentropy' | 'scan', requested: number) => void
  log: (msg: string) => void
  /** Randomness for the backoff jitter, in [0, 1). */
  random: () => number
  backoffBaseMs?: number
  backoffMaxMs?: number
  /**
   * A relay that never sends EOSE is treated as caught up after this long (the cursor does not move);
   * a relay that does not answer a NEG-OPEN within it is synced by re-scan instead.
   */
  eoseTimeoutMs?: number
  /** Refuse frames larger than this (bytes); the socket is recycled. */
  maxFrameBytes?: number
  /** Awaited before each further backfill page, so a large backlog never piles up in memory. */
  beforePage?: () => Promise<void>
  /** Time between the end of one sync round and the start of the next (default 60 s). */
  syncIntervalMs?: number
  /** Try NIP-77 negentropy before re-scanning (default true). */
  negentropy?: boolean
}

const CATALOG_SUB = 'zc-catalog'
const PAGE_SUB = 'zc-page'
const PROFILE_SUB = 'zc-profiles'
const LIVE_SUB = 'zc-live'
const SCAN_SUB = 'zc-scan'
const FETCH_SUB = 'zc-fetch'
const NEG_SUB = 'zc-neg'
/** Subscriptions whose events we take; anything else is a relay bug and is ignored. */
const OUR_SUBS = new Set([CATALOG_SUB, PAGE_SUB, PROFILE_SUB, LIVE_SUB, SCAN_SUB, FETCH_SUB])
/** A CLOSED on one of these recycles the socket (backoff, then everything again). */
const VITAL_SUBS = new Set([CATALOG_SUB, PAGE_SUB, LIVE_SUB, SCAN_SUB, FETCH_SUB])
export const DEFAULT_SYNC_INTERVAL_MS = 60_000

type ReqOutcome = 'eose' | 'timeout' | 'gone'
type NegAnswer = { t: 'msg'; hex: string } | { t: 'refused'; why: string } | { t: 'gone' }

/** Jittered exponential backoff: base·2^attempt capped at max, scaled into [½, 1] by `random`. */
export function backoffMs(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number,
): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30))
  return Math.round(exp / 2 + (exp / 2) * random())
}

export class RelaySubscription {
  private ws: WebSocket | undefined
  private attempt = 0
  private stopped = false
  private reconnectTimer: NodeJS.Timeout | undefined
  private caughtUp = false
  private readonly caughtUpWaiters: (() => void)[] = []
  private profilePending = false
  private profileTimer: NodeJS.Timeout | undefined
  private readonly profileWaiters: (() => void)[] = []
  /** Open REQs awaiting their EOSE, by subscription id. */
  private readonly waits = new Map<
    string,
    { observe?: (ev: unknown) => void; done: (r: ReqOutcome) => void }
  >()
  private negWait: ((a: NegAnswer) => void) | undefined
  /** Whether the relay answered NEG-MSG on this connection (undefined: not asked yet). */
  private negentropyWorks: boolean | undefined
  private sleepTimer: NodeJS.Timeout | undefined
  private wake: (() => void) | undefined
  private rounds = 0
  private roundWaiters: { after: number; resolve: () => void }[] = []
  /** Set when the catalog subscription reached EOSE (or timed out) at least once. */
  everCaughtUp = false
  connected = false
  paused = false

  constructor(private readonly o: RelaySubscriptionOptions) {}

  get url(): string {
    return this.o.url
  }

  /** How the last sync round reconciled: by negentropy, or by re-scan (undefined before the first). */
  syncMode: 'negentropy' | 'scan' | undefined

  start(): void {
    this.connect()
  }

  /** Resolves once this relay reached EOSE (or its EOSE timeout) at least once. */
  whenCaughtUp(): Promise<void> {
    if (this.everCaughtUp) return Promise.resolve()
    return new Promise((resolve) => this.caughtUpWaiters.push(resolve))
  }

  /** Resolves once the running sync round, or else the next one, has finished (or the subscription stopped). */
  whenSynced(): Promise<void> {
    if (this.stopped) return Promise.resolve()
    const after = this.rounds
    return new Promise((resolve) => this.roundWaiters.push({ after, resolve }))
  }

  /** Send the profile subscription again (the developer list grew). */
  refreshProfiles(): void {
    const filters = this.o.profileFilters()
    if (filters && this.ws?.readyState === WebSocket.OPEN) this.sendProfileReq(filters)
  }

  /** Stop reading this relay's socket (flow control); frames wait in the kernel buffer. */
  pause(): void {
    if (this.paused) return
    this.paused = true
    this.ws?.pause()
  }

  resume(): void {
    if (!this.paused) return
    this.paused = false
    this.ws?.resume()
  }

  /** Whether a profile REQ is still waiting for its EOSE. */
  profilesPending(): boolean {
    return this.profilePending && this.ws?.readyState === WebSocket.OPEN
  }

  /** Resolves when no profile REQ waits for its EOSE (or the socket is down). */
  whenProfilesSettled(): Promise<void> {
    if (!this.profilePending || this.ws?.readyState !== WebSocket.OPEN) return Promise.resolve()
    return new Promise((resolve) => this.profileWaiters.push(resolve))
  }

  private sendProfileReq(filters: Filter[]): void {
    this.profilePending = true
    this.send(['REQ', PROFILE_SUB, ...filters])
    clearTimeout(this.profileTimer)
    this.profileTimer = setTimeout(() => this.settleProfiles(), this.o.eoseTimeoutMs ?? 30_000)
  }

  private settleProfiles(): void {
    clearTimeout(this.profileTimer)
    this.profilePending = false
    for (const w of this.profileWaiters.splice(0)) w()
  }

  stop(): void {
    this.stopped = true
    clearTimeout(this.reconnectTimer)
    this.ws?.terminate()
    this.endConnection()
    for (const w of this.caughtUpWaiters.splice(0)) w()
    for (const w of this.roundWaiters.splice(0)) w.resolve()
  }

  /** Everything waiting on the current socket gives up (it closed or we stop). */
  private endConnection(): void {
    for (const w of [...this.waits.values()]) w.done('gone')
    this.waits.clear()
    this.negWait?.({ t: 'gone' })
    clearTimeout(this.sleepTimer)
    this.wake?.()
    this.settleProfiles()
  }

  private connect(): void {
    if (this.stopped) return
    this.caughtUp = false
    this.negentropyWorks = undefined
    const ws = new WebSocket(this.o.url, {
      maxPayload: this.o.maxFrameBytes ?? 1024 * 1024,
      handshakeTimeout: 10_000,
    })
    this.ws = ws
    ws.on('open', () => {
      this.connected = true
      const catalog = this.o.catalogFilters()
      // Live first, so nothing published during the backfill falls between the two.
      this.send(['REQ', LIVE_SUB, ...catalog.map((f) => ({ ...f, limit: 0 }))])
      const pf = this.o.profileFilters()
      if (pf) this.sendProfileReq(pf)
      void this.run(ws, catalog)
    })
    ws.on('message', (data, isBinary) => this.onFrame(isBinary ? '' : data.toString()))
    ws.on('error', (err) => this.o.log(`relay ${this.o.url}: ${err.message}`))
    ws.on('close', () => {
      if (this.ws !== ws || this.stopped) return
      this.connected = false
      this.endConnection()
      this.o.onDisconnect(this.o.url)
      this.scheduleReconnect()
    })
  }

  /** Backfill, then sync rounds until the socket goes. */
  private async run(ws: WebSocket, catalog: Filter[]): Promise<void> {
    const since = this.o.resumeSince()
    const filters = since === undefined ? catalog : catalog.map((f) => ({ ...f, since }))
    const r = await this.page(ws, new BackfillPager(filters), CATALOG_SUB, PAGE_SUB)
    if (r === 'gone') return
    this.markCaughtUp(r === 'eose')
    // A backfill without `since` was itself a full scan: the first sync round waits one interval.
    let due = since !== undefined
    while (this.ws === ws && !this.stopped) {
      if (due) await this.syncRound(ws)
      due = true
      if (this.ws !== ws || this.stopped) return
      await this.sleep(this.o.syncIntervalMs ?? DEFAULT_SYNC_INTERVAL_MS)
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve
      this.sleepTimer = setTimeout(resolve, ms)
    })
  }

  /** One full reconciliation: negentropy where the relay speaks it, else a re-scan paged by `until`. */
  private async syncRound(ws: WebSocket): Promise<void> {
    const filters = [...this.o.catalogFilters(), ...(this.o.profileFilters() ?? [])]
    let how: 'negentropy' | 'scan' | undefined
    let requested = 0
    if (this.o.negentropy !== false && this.negentropyWorks !== false) {
      const n = await this.negentropyRound(ws, filters)
      if (n !== undefined) {
        how = 'negentropy'
        requested = n
      }
    }
    if (how === undefined && this.ws === ws) {
      const pager = new BackfillPager(filters)
      let seen = 0
      const r = await this.page(ws, pager, SCAN_SUB, SCAN_SUB, () => seen++)
      if (r !== 'gone') {
        how = 'scan'
        requested = seen
      }
    }
    if (how === undefined) return
    this.syncMode = how
    this.rounds++
    this.o.onSynced?.(this.o.url, how, requested)
    this.roundWaiters = this.roundWaiters.filter((w) =>
      w.after < this.rounds ? (w.resolve(), false) : true,
    )
  }

  /**
   * NIP-77 over every filter, then the ids we lack fetched by REQ. Answers how many ids were asked for,
   * or undefined when the relay does not speak negentropy (NEG-ERR, NOTICE, CLOSED, or silence).
   */
  private async negentropyRound(ws: WebSocket, filters: Filter[]): Promise<number | undefined> {
    let requested = 0
    for (const filter of filters) {
      const need: string[] = []
      const neg = new nip77.Negentropy(storageOf(this.o.localItems(filter)), FRAME_SIZE_LIMIT)
      let msg: string | null = neg.initiate()
      let open = true
      while (msg !== null) {
        const answer = this.negentropyAnswer()
        this.send(open ? ['NEG-OPEN', NEG_SUB, filter, msg] : ['NEG-MSG', NEG_SUB, msg])
        open = false
        const a = await answer
        if (a.t === 'gone') return undefined
        if (a.t === 'refused') {
          if (this.negentropyWorks !== false)
            this.o.log(`relay ${this.o.url}: no negentropy (${a.why}); syncing by re-scan`)
          this.negentropyWorks = false
          this.send(['NEG-CLOSE', NEG_SUB])
          return undefined
        }
        this.negentropyWorks = true
        try {
          msg = neg.reconcile(a.hex, undefined, (id) => need.push(id))
        } catch (e) {
          this.negentropyWorks = false
          this.send(['NEG-CLOSE', NEG_SUB])
          this.o.log(
            `relay ${this.o.url}: bad negentropy message (${e instanceof Error ? e.message : String(e)}); syncing by re-scan`,
          )
          return undefined
        }
      }
      this.send(['NEG-CLOSE', NEG_SUB])
      for (let i = 0; i < need.length; i += PAGE_LIMIT) {
        await this.o.beforePage?.()
        if (this.ws !== ws) return undefined
        const r = await this.request(FETCH_SUB, [{ ids: need.slice(i, i + PAGE_LIMIT) }])
        if (r === 'gone') return undefined
        if (r === 'eose') this.send(['CLOSE', FETCH_SUB])
      }
      requested += need.length
    }
    return requested
  }

  /** The next NEG-MSG / refusal for our negentropy subscription, or a refusal after the EOSE timeout. */
  private negentropyAnswer(): Promise<NegAnswer> {
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => done({ t: 'refused', why: 'no answer' }),
        this.o.eoseTimeoutMs ?? 30_000,
      )
      const done = (a: NegAnswer): void => {
        clearTimeout(timer)
        if (this.negWait === done) this.negWait = undefined
        resolve(a)
      }
      this.negWait = done
    })
  }

  /**
   * Page `pager`'s filters: the first page on `firstSub`, then one filter at a time on `pageSub`, each
   * subscription closed at its EOSE. Answers 'eose' when complete, 'timeout' when a page got no EOSE.
   */
  private async page(
    ws: WebSocket,
    pager: BackfillPager,
    firstSub: string,
    pageSub: string,
    count?: () => void,
  ): Promise<ReqOutcome> {
    const first = await this.request(
      firstSub,
      pager.firstPage(),
      (ev) => (pager.observeFirst(ev), count?.()),
    )
    if (first !== 'eose') return first
    this.send(['CLOSE', firstSub])
    for (;;) {
      await this.o.beforePage?.()
      if (this.ws !== ws || this.stopped) return 'gone'
      const filter = pager.next()
      if (!filter) return 'eose'
      const r = await this.request(pageSub, [filter], (ev) => (pager.observePage(ev), count?.()))
      if (r !== 'eose') return r
      this.send(['CLOSE', pageSub])
    }
  }

  /** Send a REQ and wait for its EOSE (or the EOSE timeout, or the socket's end). */
  private request(
    subId: string,
    filters: Filter[],
    observe?: (ev: unknown) => void,
  ): Promise<ReqOutcome> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => done('timeout'), this.o.eoseTimeoutMs ?? 30_000)
      const w = {
        ...(observe ? { observe } : {}),
        done: (r: ReqOutcome): void => done(r),
      }
      const done = (r: ReqOutcome): void => {
        clearTimeout(timer)
        if (this.waits.get(subId) === w) this.waits.delete(subId)
        resolve(r)
      }
      this.waits.get(subId)?.done('gone')
      this.waits.set(subId, w)
      this.send(['REQ', subId, ...filters])
    })
  }

  private scheduleReconnect(): void {
    if (this.stopped) return
    const delay = backoffMs(
      this.attempt++,
      this.o.backoffBaseMs ?? 1000,
      this.o.backoffMaxMs ?? 60_000,
      this.o.random,
    )
    this.o.log(`relay ${this.o.url}: reconnecting in ${delay} ms`)
    this.reconnectTimer = setTimeout(() => this.connect(), delay)
  }

  private send(msg: unknown[]): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg))
  }

  private markCaughtUp(realEose: boolean): void {
    if (!this.caughtUp && realEose) this.o.onEose(this.o.url)
    if (!realEose)
      this.o.log(`relay ${this.o.url}: no EOSE yet; treating as caught up (cursor unchanged)`)
    this.caughtUp = true
    this.everCaughtUp = true
    for (const w of this.caughtUpWaiters.splice(0)) w()
  }

  private onFrame(text: string): void {
    let msg: unknown
    try {
      msg = JSON.parse(text)
    } catch {
      msg = undefined
    }
    if (!Array.isArray(msg) || typeof msg[0] !== 'string') return this.o.onMalformed(this.o.url)
    const [type, a, b] = msg as [string, unknown, unknown]
    if (type === 'EVENT') {
      if (typeof a !== 'string' || !OUR_SUBS.has(a)) return
      this.waits.get(a)?.observe?.(b)
      return this.o.onEvent(this.o.url, b)
    }
    if (type === 'EOSE') {
      if (a === PROFILE_SUB) return this.settleProfiles()
      const w = typeof a === 'string' ? this.waits.get(a) : undefined
      if (w) {
        this.attempt = 0 // the relay answers: the next drop starts the backoff afresh
        w.done('eose')
      }
      return
    }
    if (type === 'NEG-MSG' || type === 'NEG-ERR') {
      if (a !== NEG_SUB) return
      if (type === 'NEG-MSG' && typeof b === 'string') return this.negWait?.({ t: 'msg', hex: b })
      return this.negWait?.({ t: 'refused', why: `${type} ${String(b)}` })
    }
    if (type === 'CLOSED') {
      // The relay refused or killed the subscription (e.g. auth-required, rate-limited): back off, retry.
      this.o.log(`relay ${this.o.url}: CLOSED ${String(a)} ${String(b)}`)
      if (a === NEG_SUB) return this.negWait?.({ t: 'refused', why: `CLOSED ${String(b)}` })
      if (typeof a === 'string' && VITAL_SUBS.has(a)) this.ws?.terminate()
      return
    }
    if (type === 'NOTICE') {
      this.o.log(`relay ${this.o.url}: NOTICE ${String(a)}`)
      // A relay that does not know NEG-OPEN answers with a NOTICE (NIP-01), before any NEG-MSG.
      if (this.negentropyWorks === undefined)
        this.negWait?.({ t: 'refused', why: `NOTICE ${String(a)}` })
      return
    }
    if (type === 'OK' || type === 'AUTH' || type === 'COUNT') return
    this.o.onMalformed(this.o.url)
  }
}
