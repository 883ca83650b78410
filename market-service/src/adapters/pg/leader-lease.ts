/**
 * Leader lease in PostgreSQL (table leader_leases, migrations-pg 016): the same row and rules as the
 * SQLite adapter, each call one statement (INSERT … ON CONFLICT … WHERE, or a guarded UPDATE), atomic
 * under concurrent replicas without an explicit lock. Time comes from the database's clock
 * (clock_timestamp()), so replicas on hosts whose clocks differ still agree on when a lease expired;
 * tests may inject a clock instead. A lease row rather than an advisory lock: a session lock is tied to
 * one connection (a pool hands out others), carries no fencing token, and is kept by a hung process
 * whose connection stays open, where a lease lapses.
 */
import type pg from 'pg'
import type { Clock } from '../../ports/clock.ts'
import type { LeaderLease, LeaseGrant } from '../../ports/leader-lease.ts'

interface Row {
  token: number
  expires_at_ms: number
}

/** `pool`: a pool whose int8 columns parse to numbers (shared/src/db/pg/pool.ts). */
export function pgLeaderLease(pool: pg.Pool, o: { clock?: Clock } = {}): LeaderLease {
  // $now: the injected clock's ms, or NULL for the database's clock.
  const NOW = `coalesce($now::bigint, (extract(epoch FROM clock_timestamp()) * 1000)::bigint)`
  const q = async (sql: string, params: unknown[]): Promise<Row | undefined> => {
    // Numbered parameters, with $now last.
    const text = sql.replaceAll('$now', `$${params.length + 1}`)
    const r = await pool.query<Row>(text, [...params, o.clock ? o.clock.nowMs() : null])
    return r.rows[0]
  }
  const grant = (r: Row | undefined): LeaseGrant | null =>
    r ? { token: r.token, expiresAtMs: r.expires_at_ms } : null
  const checkTtl = (ttlMs: number) => {
    if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) throw new RangeError(`ttlMs ${ttlMs}`)
  }
  return {
    async acquire(name, holder, ttlMs) {
      checkTtl(ttlMs)
      return grant(
        await q(
          `WITH now AS (SELECT ${NOW} AS ms)
           INSERT INTO leader_leases AS l (name, holder, token, expires_at_ms, acquired_at_ms)
           SELECT $1, $2, 1, now.ms + $3::bigint, now.ms FROM now
           ON CONFLICT (name) DO UPDATE SET
             token = CASE WHEN l.holder = excluded.holder AND l.expires_at_ms > excluded.acquired_at_ms
                          THEN l.token ELSE l.token + 1 END,
             acquired_at_ms = CASE WHEN l.holder = excluded.holder AND l.expires_at_ms > excluded.acquired_at_ms
                                   THEN l.acquired_at_ms ELSE excluded.acquired_at_ms END,
             holder = excluded.holder,
             expires_at_ms = excluded.expires_at_ms
           WHERE l.holder = excluded.holder OR l.expires_at_ms <= excluded.acquired_at_ms
           RETURNING l.token, l.expires_at_ms`,
          [name, holder, ttlMs],
        ),
      )
    },
    async renew(name, holder, token, ttlMs) {
      checkTtl(ttlMs)
      return grant(
        await q(
          `WITH now AS (SELECT ${NOW} AS ms)
           UPDATE leader_leases l SET expires_at_ms = now.ms + $4::bigint FROM now
            WHERE l.name = $1 AND l.holder = $2 AND l.token = $3 AND l.expires_at_ms > now.ms
            RETURNING l.token, l.expires_at_ms`,
          [name, holder, token, ttlMs],
        ),
      )
    },
    async release(name, holder, token) {
      await q(
        `WITH now AS (SELECT ${NOW} AS ms)
         UPDATE leader_leases l SET expires_at_ms = now.ms FROM now
          WHERE l.name = $1 AND l.holder = $2 AND l.token = $3 AND l.expires_at_ms > now.ms`,
        [name, holder, token],
      )
    },
    async isCurrent(name, token) {
      const r = await q(
        `SELECT token, expires_at_ms FROM leader_leases
          WHERE name = $1 AND token = $2 AND expires_at_ms > ${NOW}`,
        [name, token],
      )
      return r !== undefined
    },
  }
}
