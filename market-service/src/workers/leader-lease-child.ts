/**
 * A service-like process for the failover test (leader-lease-failover.test.ts): opens the database,
 * runs runAsLeader with one worker that, every 20 ms, records a tick (holder, token, time) if its fence
 * is still current, and prints one JSON line per leadership change. Killed from outside.
 * argv: sqlite <file> | pg <url>, then <holder> <ttlMs> <renewEveryMs>.
 */
import Database from 'better-sqlite3'
import { applyPragmas } from '@zapcade/shared/db/migrate'
import { createPgPool } from '@zapcade/shared/db/pg/pool'
import { pgLeaderLease } from '../adapters/pg/leader-lease.ts'
import { sqliteLeaderLease } from '../adapters/sqlite/leader-lease.ts'
import { systemClock } from '../ports/clock.ts'
import type { LeaderLease } from '../ports/leader-lease.ts'
import { runAsLeader } from './leader-lease.ts'
import { intervalWorker } from './worker.ts'

const [kind, target, holder, ttl, every] = process.argv.slice(2) as [
  'sqlite' | 'pg',
  string,
  string,
  string,
  string,
]
let lease: LeaderLease
let tick: (token: number) => Promise<void>
if (kind === 'sqlite') {
  const db = new Database(target)
  applyPragmas(db, 'money')
  lease = sqliteLeaderLease(db, systemClock)
  const ins = db.prepare('INSERT INTO lease_ticks (holder, token, at_ms) VALUES (?, ?, ?)')
  tick = async (token) => void ins.run(holder, token, Date.now())
} else {
  const pool = createPgPool(target, { max: 2 })
  lease = pgLeaderLease(pool)
  tick = async (token) =>
    void (await pool.query(
      `INSERT INTO lease_ticks (holder, token, at_ms)
       VALUES ($1, $2, (extract(epoch FROM clock_timestamp()) * 1000)::bigint)`,
      [holder, token],
    ))
}
const say = (o: object) =>
  process.stdout.write(`${JSON.stringify({ holder, at: Date.now(), ...o })}\n`)
runAsLeader(
  lease,
  (fence) => [
    intervalWorker(
      'ticker',
      20,
      async () => {
        if (await fence.isCurrent()) await tick(fence.token)
      },
      (e) => say({ error: String(e) }),
    ),
  ],
  {
    holder,
    ttlMs: Number(ttl),
    renewEveryMs: Number(every),
    onChange: (e) => say(e),
    onError: (e) => say({ error: String(e) }),
  },
)
say({ started: true })
setInterval(() => {}, 1 << 30)
