/**
 * Serialised answers kept while the catalog's version token stays the same (CatalogReader.version):
 * never older than the last commit this connection can see, so no TTL and no stale reads. Least
 * recently used entries go first once `maxEntries` or `maxBytes` (UTF-16 length of the bodies) is reached.
 */
export class ResponseCache {
  private version: string | undefined
  private readonly entries = new Map<string, string>()
  private bytes = 0

  constructor(private readonly maxEntries: number, private readonly maxBytes = 32 * 2 ** 20) {}

  /** The body cached under `key` for `version`; a new version empties the cache. */
  get(version: string, key: string): string | undefined {
    if (version !== this.version) {
      this.entries.clear()
      this.bytes = 0
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
    if (this.maxEntries === 0 || version !== this.version || body.length > this.maxBytes / 8) return
    const old = this.entries.get(key)
    if (old !== undefined) {
      this.entries.delete(key)
      this.bytes -= old.length
    }
    while (this.entries.size >= this.maxEntries || this.bytes + body.length > this.maxBytes) {
      const oldest = this.entries.entries().next()
      if (oldest.done) break
      this.entries.delete(oldest.value[0])
      this.bytes -= oldest.value[1].length
    }
    this.entries.set(key, body)
    this.bytes += body.length
  }

  get size(): number {
    return this.entries.size
  }
}
