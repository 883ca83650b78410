/**
 * Serialised answers of the public catalog GETs, each kept with the catalog version token it was
 * computed under (CatalogReader.version). Least recently used entries go first once `maxEntries` or
 * `maxBytes` (UTF-16 length of the bodies) is reached.
 *
 * Freshness: by default an answer is served only while the version is the one it was computed under
 * (never older than the last commit this connection can see; a new version empties the cache). An
 * entry stored with `staleOk` (list and search pages, never a game page: it carries zap totals) may
 * instead be served for up to `staleMs` after it was computed, across commits, while one recomputation
 * for its key runs in the background; so under a writer committing every 100 ms a hot page is rebuilt
 * a few times a second instead of at every commit, and a request never waits for it.
 *
 * Single flight: concurrent misses of one key share one computation (`compute`); an asynchronous
 * computation is shared by every caller that asks while it runs.
 */
export type Make = () => string | Promise<string>

export interface ResponseCacheOptions {
  /** How long after it was computed an answer stored with `staleOk` may still be served (ms); 0 = never. */
  staleMs?: number
  /** The clock, in ms (tests). */
  now?: () => number
  /** Where background recomputations run (tests); `setImmediate` by default. */
  defer?: (fn: () => void) => void
}

interface Entry {
  body: string
  version: string
  /** When it was computed (ms). */
  at: number
  /** How to compute it again, when it may be served stale. */
  make: Make | undefined
}

export class ResponseCache {
  private version: string | undefined
  private readonly entries = new Map<string, Entry>()
  private readonly inflight = new Map<string, { version: string; body: Promise<string> }>()
  private readonly refreshing = new Set<string>()
  private bytes = 0
  private readonly staleMs: number
  private readonly now: () => number
  private readonly defer: (fn: () => void) => void

  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes = 32 * 2 ** 20,
    options: ResponseCacheOptions = {},
  ) {
    this.staleMs = options.staleMs ?? 0
    this.now = options.now ?? (() => performance.now())
    this.defer = options.defer ?? ((fn) => setImmediate(fn))
  }

  /**
   * The body for `key` under `version`: the one computed under it, or (for `staleOk` entries) one
   * computed under an earlier version at most `staleMs` ago; a stale answer starts one background
   * recomputation of its key once it is a quarter of `staleMs` old, so hot keys follow the writes.
   */
  get(version: string, key: string): string | undefined {
    if (version !== this.version) this.advance(version)
    const e = this.entries.get(key)
    if (e === undefined) return undefined
    if (e.version !== version) {
      const age = this.now() - e.at
      if (e.make === undefined || age > this.staleMs) {
        this.drop(key, e)
        return undefined
      }
      if (age >= this.staleMs / 4) this.refresh(version, key, e.make)
    }
    // Map keeps insertion order: re-inserting marks the entry most recently used.
    this.entries.delete(key)
    this.entries.set(key, e)
    return e.body
  }

  /** Keep `body`, computed after reading `version`, unless the version moved on meanwhile. */
  set(version: string, key: string, body: string, staleOk?: Make): void {
    if (version !== this.version) this.advance(version)
    if (this.maxEntries === 0 || body.length > this.maxBytes / 8) return
    // The version moved on while it was computed (advance() saw a newer one): the body may be older.
    if (version !== this.version) return
    const old = this.entries.get(key)
    if (old !== undefined) this.drop(key, old)
    while (this.entries.size >= this.maxEntries || this.bytes + body.length > this.maxBytes) {
      const oldest = this.entries.entries().next()
      if (oldest.done) break
      this.drop(oldest.value[0], oldest.value[1])
    }
    this.entries.set(key, { body, version, at: this.now(), make: staleOk })
    this.bytes += body.length
  }

  /**
   * The body for `key`: cached (as `get`), else `make()`, stored and answered. Callers that miss the
   * same key and version while an asynchronous `make` runs get its promise: one computation for all.
   * With `staleOk` the entry may later be served stale and recomputed in the background by `make`.
   */
  compute(version: string, key: string, make: Make, staleOk = false): string | Promise<string> {
    const hit = this.get(version, key)
    if (hit !== undefined) return hit
    const running = this.inflight.get(key)
    if (running !== undefined && running.version === version) return running.body
    const made = make()
    if (typeof made === 'string') {
      this.set(version, key, made, staleOk ? make : undefined)
      return made
    }
    const body = made.then((b) => {
      this.set(version, key, b, staleOk ? make : undefined)
      return b
    })
    const flight = { version, body }
    this.inflight.set(key, flight)
    const done = (): void => {
      if (this.inflight.get(key) === flight) this.inflight.delete(key)
    }
    body.then(done, done)
    return body
  }

  get size(): number {
    return this.entries.size
  }

  /** A new version: without stale serving nothing stored is valid any more. */
  private advance(version: string): void {
    this.version = version
    if (this.staleMs === 0) {
      this.entries.clear()
      this.bytes = 0
    }
  }

  private drop(key: string, e: Entry): void {
    this.entries.delete(key)
    this.bytes -= e.body.length
  }

  /** One background recomputation of `key` at a time; a failed one drops the entry. */
  private refresh(version: string, key: string, make: Make): void {
    if (this.refreshing.has(key)) return
    this.refreshing.add(key)
    this.defer(() => {
      const fail = (): void => {
        this.refreshing.delete(key)
        const e = this.entries.get(key)
        if (e !== undefined && e.version !== this.version) this.drop(key, e)
      }
      try {
        const made = make()
        const store = (b: string): void => {
          this.refreshing.delete(key)
          this.set(version, key, b, make)
        }
        if (typeof made === 'string') store(made)
        else made.then(store, fail)
      } catch {
        fail()
      }
    })
  }
}
