/**
 * PostgreSQL migrations: plain `.sql` files in `shared/migrations-pg/`, applied in name order, each in
 * its own transaction, recorded in `schema_migrations` (as the SQLite runner does). A session advisory
 * lock serialises runners, so two replicas starting together never both apply one migration.
 * A SQLite migration `NNN-name.sql` is mirrored as `NNN-name.sql` here; 001 holds SQLite 001-010.
 */
import { fileURLToPath } from 'node:url'
import type pg from 'pg'
import { type Migration, loadMigrations } from '../migrate.ts'

export const PG_MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations-pg/', import.meta.url))

/** The advisory lock key migrations hold (any constant no other part of the schema uses). */
const MIGRATION_LOCK = 0x7a617063 // 'zapc'

export function loadPgMigrations(dir: string = PG_MIGRATIONS_DIR): Migration[] {
  return loadMigrations(dir)
}

/** Apply every migration not yet recorded; answers the names applied now. */
export async function migratePg(
  pool: pg.Pool,
  migrations: Migration[] = loadPgMigrations(),
  nowSec = 0,
): Promise<string[]> {
  const client = await pool.connect()
  const applied: string[] = []
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK])
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      name text PRIMARY KEY, applied_at bigint NOT NULL)`)
    for (const m of migrations) {
      const done = await client.query('SELECT 1 FROM schema_migrations WHERE name = $1', [m.name])
      if (done.rowCount) continue
      await client.query('BEGIN')
      try {
        await client.query(m.sql) // simple protocol: a file may hold many statements
        await client.query('INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)', [
          m.name,
          nowSec,
        ])
        await client.query('COMMIT')
      } catch (e) {
        await client.query('ROLLBACK')
        throw new Error(`migration ${m.name} failed: ${e instanceof Error ? e.message : String(e)}`)
      }
      applied.push(m.name)
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {})
    client.release()
  }
  return applied
}
