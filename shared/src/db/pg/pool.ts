/**
 * The PostgreSQL connection pool (node-postgres, `pg`; chosen by measurement: bench/README.md
 * "PostgreSQL client"). bigint columns (ids, unix seconds, millisats) come back as JS numbers like
 * better-sqlite3's, and a value past Number.MAX_SAFE_INTEGER throws instead of losing precision.
 */
import pg from 'pg'

const INT8_OID = 20

/** int8 → number, refusing what a double cannot hold exactly. */
function parseInt8(text: string): number {
  const n = Number(text)
  if (!Number.isSafeInteger(n))
    throw new RangeError(`bigint ${text} is past Number.MAX_SAFE_INTEGER`)
  return n
}

/** Per-pool type parsers (pg's global `types` stays untouched for any other user of the library). */
export const zapcadeTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && (format ?? 'text') === 'text') return parseInt8
    return pg.types.getTypeParser(oid, format)
  },
} as pg.CustomTypesConfig

export interface PgPoolOptions {
  /** Connections in the pool (default 10). */
  max?: number
  /** Shown in pg_stat_activity. */
  applicationName?: string
}

export function createPgPool(url: string, o: PgPoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: o.max ?? 10,
    types: zapcadeTypes,
    application_name: o.applicationName ?? 'zapcade',
  })
  // An idle client's error (server restart, network) must not crash the process; the next query retries.
  pool.on('error', () => {})
  return pool
}

export type { Pool as PgPool, PoolClient as PgClient } from 'pg'
