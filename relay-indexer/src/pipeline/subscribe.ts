/**
 * Subscriptions: one supervised WebSocket per relay, speaking NIP-01 directly over `ws`. We keep our
 * own supervisor (deps.md Exp 10: NDK neither retries nor resubscribes reliably; nostr-tools moves its
 * resume point even for events that fail verification, reliability catalogue B7) and our own frame
 * parsing, so malformed frames are counted and the socket is recycled (ING-7).
 * Backfill (REQ with `since` = cursor − overlap) → EOSE → live; on any drop, reconnect with jittered,
 * capped exponential backoff and subscribe again.
 */
import WebSocket from 'ws'
import type { Filter } from 'nostr-tools/filter'
import { BackfillPager } from './backfill-pager.ts'

export interface RelaySubscriptionOptions {
  url: string
  /** The catalog filters, computed at each (re)subscription so `since` follows the stored cursor. */
  catalogFilters: () => Filter[]
  /** Filters for the developers' profiles and deletions; undefined while there are no developers. */
  profileFilters: () => Filter[] | undefined
  onEvent: (url: string, ev: unknown) => void
  onEose: (url: string) => void
  onDisconnect: (url: string) => void
  /** Frames that are not NIP-01 relay messages (counted by the caller). */
  onMalformed: (url: string) => void
  log: (msg: string) => void
  /** Randomness for the backoff jitter, in [0, 1). */
  random: () => number
  backoffBaseMs?: number
  backoffMaxMs?: number
  /** A relay that never sends EOSE is treated as caught up after this long (the cursor does not move). */
  eoseTimeoutMs?: number
  /** Refuse frames larger than this (bytes); the socket is recycled. */
  maxFrameBytes?: number
  /** Awaited before each further backfill page, so a large backlog never piles up in memory. */
  beforePage?: () => Promise<void>
}

const CATALOG_SUB = 'zc-catalog'
const PAGE_SUB = 'zc-page'
const PROFILE_SUB = 'zc-profiles'

/** Jittered exponential backoff: base·2^attempt capped at max, scaled into [½, 1] by `random`. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30))
  return Math.round(exp / 2 + (exp / 2) * random())
}

export class RelaySubscription {
  private ws: WebSocket | undefined
  private attempt = 0
  private stopped = false
  private reconnectTimer: NodeJS.Timeout | undefined
  private eoseTimer: NodeJS.Timeout | undefined
  private caughtUp = false
  private pager: BackfillPager | undefined
  private readonly caughtUpWaiters: (() => void)[] = []
  private profilePending = false
  private profileTimer: NodeJS.Timeout | undefined
  private readonly profileWaiters: (() => void)[] = []
  /** Set when the catalog subscription reached EOSE (or timed out) at least once. */
  everCaughtUp = false
  connected = false

  constructor(private readonly o: RelaySubscriptionOptions) {}

  get url(): string {
    return this.o.url
  }

  start(): void {
    this.connect()
  }

  /** Resolves once this relay reached EOSE (or its EOSE timeout) at least once. */
  whenCaughtUp(): Promise<void> {
    if (this.everCaughtUp) return Promise.resolve()
    return new Promise((resolve) => this.caughtUpWaiters.push(resolve))
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

  paused = false

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
    clearTimeout(this.eoseTimer)
    this.ws?.terminate()
    for (const w of this.caughtUpWaiters.splice(0)) w()
    this.settleProfiles()
  }

  private connect(): void {
    if (this.stopped) return
    this.caughtUp = false
    const ws = new WebSocket(this.o.url, { maxPayload: this.o.maxFrameBytes ?? 1024 * 1024, handshakeTimeout: 10_000 })
    this.ws = ws
    ws.on('open', () => {
      this.connected = true
      this.pager = new BackfillPager(this.o.catalogFilters())
      this.send(['REQ', CATALOG_SUB, ...this.pager.firstPage()])
      const pf = this.o.profileFilters()
      if (pf) this.sendProfileReq(pf)
      this.armEoseTimer()
    })
    ws.on('message', (data, isBinary) => this.onFrame(isBinary ? '' : data.toString()))
    ws.on('error', (err) => this.o.log(`relay ${this.o.url}: ${err.message}`))
    ws.on('close', () => {
      if (this.ws !== ws || this.stopped) return
      this.connected = false
      clearTimeout(this.eoseTimer)
      this.settleProfiles()
      this.o.onDisconnect(this.o.url)
      this.scheduleReconnect()
    })
  }

  private scheduleReconnect(): void {
    if (this.stopped) return
    const delay = backoffMs(this.attempt++, this.o.backoffBaseMs ?? 1000, this.o.backoffMaxMs ?? 60_000, this.o.random)
    this.o.log(`relay ${this.o.url}: reconnecting in ${delay} ms`)
    this.reconnectTimer = setTimeout(() => this.connect(), delay)
  }

  private send(msg: unknown[]): void {
    this.ws?.send(JSON.stringify(msg))
  }

  private armEoseTimer(): void {
    clearTimeout(this.eoseTimer)
    this.eoseTimer = setTimeout(() => this.markCaughtUp(false), this.o.eoseTimeoutMs ?? 30_000)
  }

  /** Send the next backfill page (once the pipeline has room), or finish the backfill. */
  private async nextPage(): Promise<void> {
    const ws = this.ws
    await this.o.beforePage?.()
    if (this.ws !== ws || this.stopped) return
    const filter = this.pager?.next()
    if (!filter) {
      this.pager = undefined
      return this.markCaughtUp(true)
    }
    this.send(['REQ', PAGE_SUB, filter])
    this.armEoseTimer()
  }

  private markCaughtUp(realEose: boolean): void {
    clearTimeout(this.eoseTimer)
    if (!this.caughtUp && realEose) this.o.onEose(this.o.url)
    if (!realEose) this.o.log(`relay ${this.o.url}: no EOSE yet; treating as caught up (cursor unchanged)`)
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
      if (a === CATALOG_SUB) {
        if (!this.caughtUp) this.pager?.observeFirst(b)
      } else if (a === PAGE_SUB) this.pager?.observePage(b)
      else if (a !== PROFILE_SUB) return
      return this.o.onEvent(this.o.url, b)
    }
    if (type === 'EOSE') {
      if (a === CATALOG_SUB || a === PAGE_SUB) {
        this.attempt = 0 // the relay answers: the next drop starts the backoff afresh
        if (a === PAGE_SUB) this.send(['CLOSE', PAGE_SUB])
        if (!this.caughtUp) void this.nextPage()
      } else if (a === PROFILE_SUB) this.settleProfiles()
      return
    }
    if (type === 'CLOSED') {
      // The relay refused or killed the subscription (e.g. auth-required, rate-limited): back off, retry.
      this.o.log(`relay ${this.o.url}: CLOSED ${String(a)} ${String(b)}`)
      if (a === CATALOG_SUB || a === PAGE_SUB) this.ws?.terminate()
      return
    }
    if (type === 'NOTICE') return this.o.log(`relay ${this.o.url}: NOTICE ${String(a)}`)
    if (type === 'OK' || type === 'AUTH' || type === 'COUNT') return
    this.o.onMalformed(this.o.url)
  }
}
