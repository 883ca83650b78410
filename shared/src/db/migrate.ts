/**
 * Schema migrations: plain `.sql` files in `shared/migrations/`, applied in name order inside one
 * immediate transaction each, recorded in `schema_migrations`. The indexer and the service both call
 * `migrate` when they open the database; whichever comes first applies, the other finds nothing to do.
 * Node-only (reads files), so nothing the browser imports may reach this folder.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** The slice of better-sqlite3's Database this module uses (kept structural so shared needs no driver). */
export interface SqlDatabase {
  exec(sql: string): unknown
  pragma(source: string, options?: { simple?: boolean }): unknown
  prepare(sql: string): {
    run(...params: unknown[]): unknown
    all(...params: unknown[]): unknown[]
    get(...params: unknown[]): unknown
  }
  // Structural on purpose: better-sqlite3's Transaction<F> fits `(fn) => { immediate(): unknown }`.
  transaction(fn: () => void): { immediate(): unknown }
}

export interface Migration {
  name: string
  sql: string
}

const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url))

/** The migrations shipped with this version, in order. */
export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}-[a-z0-9-]+\.sql$/.test(f))
    .sort()
    .map((name) => ({ name, sql: readFileSync(`${dir}/${name}`, 'utf8') }))
}

/**
 * Tables a migration rebuilds, from a `-- rebuilds: <table>[, <table>]` line. Such a migration runs the
 * way SQLite documents for rebuilding a referenced table (sqlite.org/lang_altertable.html, "other
 * kinds of table schema changes"): foreign keys off while it runs (dropping the old table neither
 * cascades nor fails), then every index and trigger the table had that the migration did not recreate
 * is recreated from its recorded SQL, and `foreign_key_check` must be clean before commit.
 */
function rebuiltTables(sql: string): string[] {
  const m = /^--\s*rebuilds:\s*([a-z0-9_, ]+)$/m.exec(sql)
  return m
    ? m[1]!
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t !== '')
    : []
}

/** Apply every migration not yet recorded; answers the names applied now. */
export function migrate(
  db: SqlDatabase,
  migrations: Migration[] = loadMigrations(),
  nowSec = 0,
): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`)
  const applied: string[] = []
  for (const m of migrations) {
    const rebuilds = rebuiltTables(m.sql)
    // Each migration is checked and applied under the write lock, so two processes never both apply it.
    const step = db.transaction(() => {
      if (db.prepare('SELECT 1 FROM schema_migrations WHERE name = ?').get(m.name)) return
      const keep = rebuilds.flatMap(
        (t) =>
          db
            .prepare(`SELECT name, sql FROM sqlite_master
        WHERE type IN ('index', 'trigger') AND tbl_name = ? AND sql IS NOT NULL`)
            .all(t) as { name: string; sql: string }[],
      )
      db.exec(m.sql)
      for (const k of keep)
        if (!db.prepare('SELECT 1 FROM sqlite_master WHERE name = ?').get(k.name)) db.exec(k.sql)
      if (rebuilds.length > 0 && db.prepare('PRAGMA foreign_key_check').all().length > 0) {
        throw new Error(`migration ${m.name} broke a foreign key`)
      }
      db.prepare('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)').run(
        m.name,
        nowSec,
      )
      applied.push(m.name)
    })
    // PRAGMA foreign_keys is a no-op inside a transaction: switched around it, and back on whatever happens.
    const fkWasOn = rebuilds.length > 0 && Number(db.pragma('foreign_keys', { simple: true })) === 1
    if (fkWasOn) db.pragma('foreign_keys = OFF')
    try {
      step.immediate()
    } finally {
      if (fkWasOn) db.pragma('foreign_keys = ON')
    }
  }
  return applied
}

export type Durability = 'money' | 'catalog'

/**
 * Connection settings: WAL, foreign keys, a busy timeout for the second process, and
 * synchronous=FULL where money is written (reliability catalogue DB-2); the catalog may use NORMAL.
 */
export function applyPragmas(db: SqlDatabase, durability: Durability): void {
  db.pragma('journal_mode = WAL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  db.pragma(`synchronous = ${durability === 'money' ? 'FULL' : 'NORMAL'}`)
}
