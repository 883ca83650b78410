/**
 * Leader lease in SQLite (table leader_leases, migration 016): one row per lease name, written in an
 * immediate transaction, so two service processes on one database file agree on one holder. The
 * clock is injected; processes sharing a SQLite file share a machine, hence a clock.
 */
import type Database from 'better-sqlite3'
import type { Clock } from '../../ports/clock.ts'
import type { LeaderLease, LeaseGrant } from '../../ports/leader-lease.ts'

/** Named parameters (each statement uses some of them). */
type P = Partial<{ name: string; holder: string; token: number; now: number; ttl: number }>

interface Row {
  token: number
  expires_at_ms: number
}

export function sqliteLeaderLease(db: Database.Database, clock: Clock): LeaderLease {
  // Taken when free or expired, renewed when ours and running. The SET clauses read the old row: the
  // token is kept only for an unexpired renewal by the same holder, and grows on any other take.
  const take = db.prepare<[P], Row>(
    `INSERT INTO leader_leases AS l (name, holder, token, expires_at_ms, acquired_at_ms)
     VALUES (@name, @holder, 1, @now + @ttl, @now)
     ON CONFLICT (name) DO UPDATE SET
       token = CASE WHEN l.holder = excluded.holder AND l.expires_at_ms > @now
                    THEN l.token ELSE l.token + 1 END,
       acquired_at_ms = CASE WHEN l.holder = excluded.holder AND l.expires_at_ms > @now
                             THEN l.acquired_at_ms ELSE excluded.acquired_at_ms END,
       holder = excluded.holder,
       expires_at_ms = excluded.expires_at_ms
     WHERE l.holder = excluded.holder OR l.expires_at_ms <= @now
     RETURNING token, expires_at_ms`,
  )
  const extend = db.prepare<[P], Row>(
    `UPDATE leader_leases SET expires_at_ms = @now + @ttl
      WHERE name = @name AND holder = @holder AND token = @token AND expires_at_ms > @now
      RETURNING token, expires_at_ms`,
  )
  const lapse = db.prepare<[P]>(
    `UPDATE leader_leases SET expires_at_ms = @now
      WHERE name = @name AND holder = @holder AND token = @token AND expires_at_ms > @now`,
  )
  const current = db.prepare<[P], { ok: number }>(
    `SELECT 1 AS ok FROM leader_leases WHERE name = @name AND token = @token AND expires_at_ms > @now`,
  )
  const grant = (r: Row | undefined): LeaseGrant | null =>
    r ? { token: r.token, expiresAtMs: r.expires_at_ms } : null
  const checkTtl = (ttlMs: number) => {
    if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) throw new RangeError(`ttlMs ${ttlMs}`)
  }
  return {
    async acquire(name, holder, ttlMs) {
      checkTtl(ttlMs)
      const run = db.transaction(() =>
        grant(take.get({ name, holder, now: clock.nowMs(), ttl: ttlMs })),
      )
      return run.immediate()
    },
    async renew(name, holder, token, ttlMs) {
      checkTtl(ttlMs)
      return grant(extend.get({ name, holder, token, now: clock.nowMs(), ttl: ttlMs }))
    },
    async release(name, holder, token) {
      // Expire it as of now (the row and its token stay, so the next tenure's token is still greater).
      lapse.run({ name, holder, token, now: clock.nowMs() })
    },
    async isCurrent(name, token) {
      return current.get({ name, token, now: clock.nowMs() }) !== undefined
    },
  }
}
