/**
 * Serialised answers kept while the catalog's version token stays the same (CatalogReader.version):
 * never older than the last commit this connection can see, so no TTL and no stale reads. Least
 * recently used entries go first once `maxEntries` is reached.
 */
export class ResponseCache {
  private version: string | undefined
  private readonly entries = new Map<string, string>()

  constructor(private readonly maxEntries: number, private readonly maxBodyBytes = 256 * 1024) {}

  /** The body cached under `key` for `version`; a new version empties the cache. */
  get(version: string, key: string): string | undefined {
    if (version !== this.version) {
      this.entries.clear()
      this.version = version
      return undefined
    }
    const body = this.entries.get(key)
    if (body !== undefined) {
      // Map keeps insertion order: re-inserting marks the entry most recently used.
      this.entries.delete(key)
      this.entries.set(key, body)
    }
    return body
  }

  /** Keep `body`, computed after reading `version`, unless the version moved on meanwhile. */
  set(version: string, key: string, body: string): void {
    if (this.maxEntries === 0 || version !== this.version || body.length > this.maxBodyBytes) return
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next()
      if (!oldest.done) this.entries.delete(oldest.value)
    }
    this.entries.set(key, body)
  }

  get size(): number {
    return this.entries.size
  }
}
