/**
 * Group commit for the money connection (synchronous=FULL, reliability catalogue DB-2). Every COMMIT
 * there is an fsync — 0.2 to 2.5 ms on this machine's disk, during which better-sqlite3 blocks the
 * event loop — and under 50 concurrent buyers two of them per purchase (the PENDING purchase, then its
 * settlement) were the service thread's largest single cost. Units of work queued in the same
 * event-loop turn now run in ONE `BEGIN IMMEDIATE` transaction, each inside its own savepoint, so one
 * fsync makes them all durable (strfry's writer does the same with LMDB, catalogue A2):
 * - a unit's promise settles only after COMMIT returned: nothing is acknowledged before it is durable;
 * - units run in arrival order and see the writes of the units before them, exactly as if committed
 *   one by one (idempotency guards and status guards behave as before);
 * - a unit that throws rolls back to its savepoint and rejects alone; the others still commit;
 * - if BEGIN or COMMIT fails (disk full, I/O error, another writer holding the lock past busy_timeout),
 *   nothing of the batch is written and every unit rejects with that error.
 * Units are synchronous functions: they must not await (the transaction would not wait for them).
 */
import type Database from 'better-sqlite3'

export interface GroupCommit {
  /** Run `unit` in the next group transaction; resolves with its result once committed. */
  run<T>(unit: () => T): Promise<T>
  /** Transactions committed and units run so far (their ratio is the fsyncs saved; /metrics, tests). */
  stats(): { commits: number; units: number }
}

interface Queued {
  unit: () => unknown
  resolve(value: unknown): void
  reject(error: unknown): void
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown }

// One committer per connection, however many repositories wrap it, so their units share the fsync.
const committers = new WeakMap<Database.Database, GroupCommit>()

/** The group committer of a connection (created on first use). */
export function groupCommit(db: Database.Database): GroupCommit {
  let committer = committers.get(db)
  if (!committer) {
    committer = newGroupCommit(db)
    committers.set(db, committer)
  }
  return committer
}

function newGroupCommit(db: Database.Database): GroupCommit {
  let queue: Queued[] = []
  let commits = 0
  let units = 0
  // better-sqlite3 runs a transaction function called inside another as a SAVEPOINT.
  const inSavepoint = db.transaction((unit: () => unknown) => unit())
  const runBatch = db.transaction((batch: Queued[]): Outcome[] =>
    batch.map((q) => {
      try {
        return { ok: true, value: inSavepoint(q.unit) }
      } catch (error) {
        return { ok: false, error }
      }
    }),
  )

  function flush(): void {
    const batch = queue
    queue = []
    let outcomes: Outcome[]
    try {
      outcomes = runBatch.immediate(batch)
    } catch (error) {
      for (const q of batch) q.reject(error)
      return
    }
    commits += 1
    units += batch.length
    batch.forEach((q, i) => {
      const o = outcomes[i]!
      if (o.ok) q.resolve(o.value)
      else q.reject(o.error)
    })
  }

  return {
    run<T>(unit: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        // After the I/O callbacks of this turn (setImmediate), so units queued by them share the commit.
        if (queue.length === 0) setImmediate(flush)
        queue.push({ unit, resolve: resolve as (v: unknown) => void, reject })
      })
    },
    stats: () => ({ commits, units }),
  }
}
