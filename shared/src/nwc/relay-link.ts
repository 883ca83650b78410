/**
 * One WebSocket to one relay, as a NIP-47 client needs it (NIP-01 client side): publish with the relay's
 * OK, standing subscriptions that are re-sent after every reconnect, and end-of-stored-events waiters so
 * a request is published only once its reply subscription is live. Browser-safe: the WebSocket class is
 * injected (the browser's own, or `ws` on Node 20, which has no global WebSocket).
 */
import type { NostrEvent } from '../events/event.ts'
import { NwcError } from './uri.ts'

/** The part of the WHATWG WebSocket API used here (the browser's, undici's and `ws`'s all have it). */
export interface SocketLike {
  readonly readyState: number
  send(data: string): void
  close(): void
  // Handlers take `never` so the DOM's (Event, MessageEvent) and ws's event types both fit.
  onopen: ((ev: never) => void) | null
  onclose: ((ev: never) => void) | null
  onerror: ((ev: never) => void) | null
  onmessage: ((ev: never) => void) | null
}
export type SocketClass = new (url: string) => SocketLike

export type Filter = Record<string, unknown>
/** One filter, several (OR-ed in one REQ), or a function read each time the REQ is (re)sent. */
export type Filters = Filter | Filter[] | (() => Filter | Filter[])

interface Sub {
  filter: Filters
  onevent: (ev: NostrEvent) => void
  /** The relay refused or ended the subscription (CLOSED). */
  onclosed?: (reason: string) => void
  /** Standing: after a CLOSED the subscription is asked for again (in a second), not dropped. */
  standing?: boolean
}

const OPEN = 1
const BACKOFF_MS = [250, 500, 1_000, 2_000, 5_000]

export class RelayLink {
  private ws: SocketLike | undefined
  private opening: Promise<void> | undefined
  private failOpening: ((e: Error) => void) | undefined
  private attempt = 0
  private retryTimer: ReturnType<typeof setTimeout> | undefined
  private closed = false
  private readonly subs = new Map<string, Sub>()
  private readonly eosed = new Set<string>()
  private readonly eoseWaiters = new Map<string, (() => void)[]>()
  private readonly oks = new Map<string, { resolve: () => void; reject: (e: Error) => void }>()
  /** Called when an open socket drops (requests in flight on it will get no reply). */
  ondisconnect: (() => void) | undefined

  constructor(
    readonly url: string,
    private readonly Socket: SocketClass,
  ) {}

  get isOpen(): boolean {
    return this.ws?.readyState === OPEN
  }

  /** Open the socket now if it is not (a reconnect waiting in its backoff is started at once). */
  ensureOpen(): Promise<void> {
    if (this.closed)
      return Promise.reject(new NwcError('CLOSED', 'the wallet connection is closed'))
    if (this.isOpen) return Promise.resolve()
    if (this.opening) return this.opening
    clearTimeout(this.retryTimer)
    this.retryTimer = undefined
    const opening = new Promise<void>((resolve, reject) => {
      let ws: SocketLike
      try {
        ws = new this.Socket(this.url)
      } catch (e) {
        reject(
          new NwcError(
            'UNREACHABLE',
            `cannot open ${this.url}: ${e instanceof Error ? e.message : String(e)}`,
          ),
        )
        return
      }
      this.ws = ws
      this.failOpening = reject
      let opened = false
      ws.onopen = () => {
        opened = true
        this.attempt = 0
        // Re-send every standing subscription (all of them on the first open too: they may predate it).
        for (const [id, s] of this.subs) this.sendReq(id, s.filter)
        resolve()
      }
      ws.onmessage = (m: { data: unknown }) => this.receive(m.data)
      ws.onerror = () => undefined // onclose follows with the outcome
      ws.onclose = () => {
        if (this.ws === ws) this.ws = undefined
        this.eosed.clear()
        for (const ok of this.oks.values())
          ok.reject(new NwcError('UNREACHABLE', `${this.url} closed before answering`))
        this.oks.clear()
        if (!opened) reject(new NwcError('UNREACHABLE', `cannot connect to ${this.url}`))
        else this.ondisconnect?.()
        this.scheduleReconnect()
      }
    })
    this.opening = opening
    const clear = (): void => {
      if (this.opening !== opening) return
      this.opening = undefined
      this.failOpening = undefined
    }
    opening.then(clear, clear)
    return opening
  }

  /** While standing subscriptions exist, a dropped socket is re-opened with backoff and they are re-sent. */
  private scheduleReconnect(): void {
    if (this.closed || this.subs.size === 0 || this.retryTimer) return
    const delay = BACKOFF_MS[Math.min(this.attempt++, BACKOFF_MS.length - 1)]
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined
      this.ensureOpen().catch(() => undefined) // a failed open schedules the next attempt itself
    }, delay)
  }

  private sendReq(id: string, filter: Filters): void {
    this.eosed.delete(id)
    const f = typeof filter === 'function' ? filter() : filter
    this.ws?.send(JSON.stringify(['REQ', id, ...(Array.isArray(f) ? f : [f])]))
  }

  /** Add a subscription (sent now if open, and again after every reconnect) until `unsubscribe`. */
  subscribe(id: string, filter: Filters, sub: Omit<Sub, 'filter'>): void {
    this.subs.set(id, { filter, ...sub })
    if (this.isOpen) this.sendReq(id, filter)
  }

  unsubscribe(id: string): void {
    if (!this.subs.delete(id)) return
    this.eosed.delete(id)
    this.eoseWaiters.delete(id) // their requests have ended (each waits against its own deadline)
    if (this.isOpen) this.ws?.send(JSON.stringify(['CLOSE', id]))
  }

  /** Whether the subscription has reached end of stored events on the current, open socket. */
  isLive(id: string): boolean {
    return this.eosed.has(id) && this.isOpen
  }

  /** Resolves once the subscription has reached end of stored events on the current socket. */
  whenLive(id: string): Promise<void> {
    if (this.eosed.has(id) && this.isOpen) return Promise.resolve()
    return new Promise((resolve) => {
      const list = this.eoseWaiters.get(id) ?? []
      list.push(resolve)
      this.eoseWaiters.set(id, list)
    })
  }

  /** Send an event; resolves on the relay's OK true, rejects on OK false or a dropped socket. */
  publish(ev: NostrEvent): Promise<void> {
    if (!this.isOpen)
      return Promise.reject(new NwcError('UNREACHABLE', `${this.url} is not connected`))
    return new Promise((resolve, reject) => {
      this.oks.set(ev.id, { resolve, reject })
      this.ws!.send(JSON.stringify(['EVENT', ev]))
    })
  }

  private receive(data: unknown): void {
    let msg: unknown
    try {
      msg = JSON.parse(typeof data === 'string' ? data : String(data))
    } catch {
      return
    }
    if (!Array.isArray(msg)) return
    const [type, a, b, c] = msg as [unknown, unknown, unknown, unknown]
    if (type === 'EVENT' && typeof a === 'string' && b && typeof b === 'object') {
      this.subs.get(a)?.onevent(b as NostrEvent)
    } else if (type === 'EOSE' && typeof a === 'string') {
      if (!this.subs.has(a)) return
      this.eosed.add(a)
      const waiters = this.eoseWaiters.get(a)
      this.eoseWaiters.delete(a)
      for (const w of waiters ?? []) w()
    } else if (type === 'OK' && typeof a === 'string') {
      const ok = this.oks.get(a)
      if (!ok) return
      this.oks.delete(a)
      if (b === true) ok.resolve()
      else
        ok.reject(
          new NwcError('PUBLISH_REFUSED', `${this.url} refused the request: ${String(c ?? '')}`),
        )
    } else if (type === 'CLOSED' && typeof a === 'string') {
      const sub = this.subs.get(a)
      if (!sub) return
      this.eosed.delete(a)
      sub.onclosed?.(typeof b === 'string' ? b : '')
      if (!sub.standing) {
        this.subs.delete(a)
        return
      }
      setTimeout(() => {
        if (this.subs.get(a) === sub && this.isOpen) this.sendReq(a, sub.filter)
      }, 1_000)
    }
  }

  close(): void {
    this.closed = true
    clearTimeout(this.retryTimer)
    this.subs.clear()
    for (const ok of this.oks.values())
      ok.reject(new NwcError('CLOSED', 'the wallet connection is closed'))
    this.oks.clear()
    this.failOpening?.(new NwcError('CLOSED', 'the wallet connection is closed'))
    const ws = this.ws
    this.ws = undefined
    if (ws) {
      ws.onclose = null
      ws.onmessage = null
      ws.onerror = () => undefined
      ws.close()
    }
  }
}
