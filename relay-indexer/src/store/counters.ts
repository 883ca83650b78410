/**
 * Counters by reason (`accepted`, `duplicate`, `rejected:<reason>`, ...). Bad relay events are normal
 * traffic (docs/architecture.md "HTTP API rules"): they are counted, never thrown. Kept in memory and flushed into
 * `indexer_counters` inside each write transaction so the service's /metrics reads them.
 */
import type { Db } from './open.ts'

export class Counters {
  private readonly totals = new Map<string, number>()
  private readonly unsaved = new Map<string, number>()

  /** Add `n` to counter `name`. */
  inc(name: string, n = 1): void {
    this.totals.set(name, (this.totals.get(name) ?? 0) + n)
    this.unsaved.set(name, (this.unsaved.get(name) ?? 0) + n)
  }

  /** A snapshot of every counter of this run (persisted totals are in the database). */
  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.totals.entries()].sort(([a], [b]) => a.localeCompare(b)))
  }

  /** Sum of every `rejected:*` counter. */
  rejected(): number {
    let n = 0
    for (const [k, v] of this.totals) if (k.startsWith('rejected:')) n += v
    return n
  }

  /** Write the increments since the last flush; call inside the batch transaction. */
  flush(db: Db): void {
    if (this.unsaved.size === 0) return
    const stmt = db.prepare(
      'INSERT INTO indexer_counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = value + excluded.value',
    )
    for (const [name, n] of this.unsaved) stmt.run(name, n)
    this.unsaved.clear()
  }
}

/** Read the persisted counters (what /metrics shows). */
export function readCounters(db: Db): Record<string, number> {
  const rows = db.prepare('SELECT name, value FROM indexer_counters ORDER BY name').all() as {
    name: string
    value: number
  }[]
  return Object.fromEntries(rows.map((r) => [r.name, r.value]))
}
