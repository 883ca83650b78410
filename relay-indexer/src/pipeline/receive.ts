/**
 * Stage 1: receive. Checks each event's shape and size (strfry limits), drops duplicates by id BEFORE
 * verifying (in-flight map, recent-id LRU, then SQLite), recomputes the id, and hands batches to the
 * verifier; verified batches are written strictly in arrival order (cursor marks included).
 */
import { MAX_FUTURE_SEC, type NostrEvent } from '@zapcade/shared/events/event'
import { checkEventShape } from './shape.ts'
import type { Counters } from '../store/counters.ts'
import { INDEXED_KINDS } from './parse.ts'
import { computeEventId, type VerifyBatch } from './verify.ts'
import type { BatchWriter, WriteItem } from './write.ts'

export { MAX_FUTURE_SEC }

export interface ReceiverOptions {
  writer: BatchWriter
  verify: VerifyBatch
  counters: Counters
  /** Clock in ms (injected). */
  now: () => number
  /** Events per verify batch (default 1,000). */
  batchMax?: number
  batchDelayMs?: number
  /**
   * Most events per write transaction (default COMMIT_MAX): verified batches waiting at the head of
   * the queue are committed together, so a backlog is written in fewer, bigger transactions.
   */
  commitMax?: number
  lruSize?: number
  /**
   * Called after each commit with the outcome of each written event and the events, in the same order
   * (the indexer refreshes its developer list and remembers events refused by the rules).
   */
  onCommit?: (outcomes: string[], events: NostrEvent[]) => void
  /** A batch could not be written (e.g. SQLITE_BUSY past the timeout); its events are counted as lost. */
  onError?: (err: unknown) => void
}

const INDEXED = new Set<number>(INDEXED_KINDS)

/**
 * Default most events per write transaction. Bigger commits write each index page once for more
 * events (see docs/indexer-writes.md); the bound keeps the write lock short for the service's own
 * writes to the same database (~50 µs per event).
 */
export const COMMIT_MAX = 5000

/** A verify batch waiting to be written: its signature answers once the verifier is done. */
interface Waiting {
  items: WriteItem[]
  ok: boolean[] | undefined
}

export class Receiver {
  private batch: WriteItem[] = []
  /** Verify batches not yet written, in arrival order. */
  private readonly waiting: Waiting[] = []
  private readonly inflight = new Map<string, Extract<WriteItem, { t: 'event' }>>()
  private readonly recent = new Map<string, true>()
  /**
   * Events refused for good, so repeats are not verified or counted again: bad signatures by `id:sig`
   * (the id was checked, so the pair can never verify), id mismatches by `claimed:real:sig`.
   * Never future-dated ones: those become valid with time.
   */
  private readonly rejected = new Map<string, true>()
  private chain: Promise<void> = Promise.resolve()
  private timer: NodeJS.Timeout | undefined
  private queued = 0
  private readonly queuedByRelay = new Map<string, number>()
  private closed = false
  private readonly batchMax: number
  private readonly batchDelayMs: number
  private readonly commitMax: number
  private readonly lruSize: number

  constructor(private readonly o: ReceiverOptions) {
    this.batchMax = o.batchMax ?? 1000
    this.batchDelayMs = o.batchDelayMs ?? 5
    this.commitMax = o.commitMax ?? COMMIT_MAX
    this.lruSize = o.lruSize ?? 100_000
  }

  /** Events received but not yet committed (for backpressure and progress). */
  backlog(): number {
    return this.queued
  }

  /** Events from `relay` waiting for verification or writing (per-relay flow control, RLY-5). */
  queuedFrom(relay: string): number {
    return this.queuedByRelay.get(relay) ?? 0
  }

  /** One `["EVENT", sub, ev]` payload from `relay`, untrusted. */
  event(relay: string, input: unknown): void {
    const c = this.o.counters
    c.inc('received')
    // Malformed and oversized events are counted per receipt: nothing about them is verified, so
    // remembering their claimed id could let a hostile relay shadow the real event.
    const shape = checkEventShape(input)
    if (!shape.ok)
      return c.inc(
        /more than|over|too many/.test(shape.reason) ? 'rejected:oversized' : 'rejected:malformed',
      )
    const ev = shape.value
    // ING-5: a relay may send kinds we never asked for.
    if (!INDEXED.has(ev.kind)) return c.inc('rejected:unexpected-kind')
    const flying = this.inflight.get(ev.id)
    if (flying) {
      if (!flying.relays.includes(relay)) flying.relays.push(relay)
      return c.inc('duplicate')
    }
    if (this.recent.has(ev.id) || this.o.writer.has(ev.id)) {
      this.push({ t: 'seen', id: ev.id, relay })
      return c.inc('duplicate')
    }
    // ING-2: the id is recomputed before any signature work.
    const realId = computeEventId(ev)
    if (realId !== ev.id) {
      // Keyed by claimed id, real hash and sig: a correct event never takes this branch, so a hostile
      // relay cannot shadow it. Repeats (paging overlap, other relays) are counted once.
      const key = `${ev.id}:${realId}:${ev.sig}`
      if (this.rejected.has(key)) return c.inc('duplicate')
      this.rememberRejected(key)
      return c.inc('rejected:id-mismatch')
    }
    if (this.rejected.has(`${ev.id}:${ev.sig}`)) return c.inc('duplicate')
    const item = { t: 'event' as const, ev, relays: [relay] }
    this.inflight.set(ev.id, item)
    this.queued++
    this.queuedByRelay.set(relay, this.queuedFrom(relay) + 1)
    this.push(item)
  }

  /** Stop accepting input; pending timers are cleared (call after `whenIdle`). */
  close(): void {
    this.closed = true
    clearTimeout(this.timer)
    this.timer = undefined
  }

  /** The relay finished its backfill. */
  eose(relay: string): void {
    this.push({ t: 'eose', relay })
  }

  /** The relay's connection dropped. */
  reset(relay: string): void {
    this.push({ t: 'reset', relay })
  }

  /** Resolves once fewer than `n` events wait for verification or writing (backpressure). */
  async whenBacklogBelow(n: number): Promise<void> {
    while (this.queued >= n) {
      this.flush()
      await this.chain
    }
  }

  /** Resolves when everything received so far is committed. */
  async whenIdle(): Promise<void> {
    while (this.batch.length > 0 || this.queued > 0) {
      this.flush()
      await this.chain
    }
    await this.chain
  }

  private push(item: WriteItem): void {
    if (this.closed) return
    this.batch.push(item)
    if (this.batch.length >= this.batchMax) this.flush()
    else this.timer ??= setTimeout(() => this.flush(), this.batchDelayMs)
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    if (this.batch.length === 0) return
    const items = this.batch
    this.batch = []
    const events = items.flatMap((i) => (i.t === 'event' ? [i.ev] : []))
    const entry: Waiting = { items, ok: undefined }
    this.waiting.push(entry)
    // Verification starts now (worker threads run ahead); writes stay in arrival order.
    const verified = this.o
      .verify(events)
      .catch(() => events.map(() => false))
      .then((ok) => {
        entry.ok = ok
      })
    this.chain = this.chain
      .then(async () => {
        await verified
        // Batches behind this one may be verified already: one event-loop turn lets their answers
        // land, so they join this transaction.
        if (this.waiting.length > 1) await new Promise((r) => setImmediate(r))
        if (this.closed || this.waiting[0] !== entry) return // closed, or written with an earlier batch
        this.commitVerified()
      })
      .catch((err: unknown) => {
        this.o.counters.inc('error:write')
        this.o.onError?.(err)
      })
  }

  /** Write every verified batch at the head of the queue (up to `commitMax` events) in one transaction. */
  private commitVerified(): void {
    const items: WriteItem[] = []
    const ok: boolean[] = []
    while (this.waiting.length > 0) {
      const head = this.waiting[0]!
      if (head.ok === undefined) break
      if (items.length > 0 && ok.length + head.ok.length > this.commitMax) break
      this.waiting.shift()
      for (const item of head.items) items.push(item)
      for (const v of head.ok) ok.push(v)
    }
    this.commit(items, ok)
  }

  private commit(items: WriteItem[], ok: boolean[]): void {
    const c = this.o.counters
    const maxCreatedAt = Math.floor(this.o.now() / 1000) + MAX_FUTURE_SEC
    const out: WriteItem[] = []
    let k = 0
    for (const item of items) {
      if (item.t !== 'event') {
        out.push(item)
        continue
      }
      const good = ok[k++] === true
      if (!good) {
        c.inc('rejected:bad-signature')
        this.rememberRejected(`${item.ev.id}:${item.ev.sig}`)
        this.forget(item.ev)
      } else if (item.ev.created_at > maxCreatedAt) {
        c.inc('rejected:future')
        this.forget(item.ev)
      } else out.push(item)
    }
    let committed: string[] | undefined
    try {
      const outcomes = this.o.writer.commit(out)
      for (const item of out) if (item.t === 'event') this.remember(item.ev)
      committed = outcomes
    } catch (err) {
      // Not committed: forget the ids so a later copy is verified and written again.
      for (const item of out) if (item.t === 'event') this.forget(item.ev)
      throw err
    }
    this.o.onCommit?.(
      committed,
      out.flatMap((i) => (i.t === 'event' ? [i.ev] : [])),
    )
  }

  private rememberRejected(key: string): void {
    this.rejected.set(key, true)
    if (this.rejected.size > this.lruSize) {
      const oldest = this.rejected.keys().next().value
      if (oldest !== undefined) this.rejected.delete(oldest)
    }
  }

  private forget(ev: NostrEvent): void {
    this.release(ev)
  }

  private release(ev: NostrEvent): void {
    const item = this.inflight.get(ev.id)
    const first = item?.relays[0]
    if (first !== undefined) this.queuedByRelay.set(first, this.queuedFrom(first) - 1)
    this.inflight.delete(ev.id)
    this.queued--
  }

  private remember(ev: NostrEvent): void {
    this.release(ev)
    this.recent.set(ev.id, true)
    if (this.recent.size > this.lruSize) {
      const oldest = this.recent.keys().next().value
      if (oldest !== undefined) this.recent.delete(oldest)
    }
  }
}
