import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { applyPragmas, migrate } from '@zapcade/shared/db/migrate'
import { type PgCluster, startPgCluster } from '@zapcade/shared/db/pg/cluster'
import { migratePg } from '@zapcade/shared/db/pg/migrate'
import { createPgPool } from '@zapcade/shared/db/pg/pool'

// Two real service-like processes share one database and run their workers under the leader lease
// (leader-lease-child.ts). kill -9 the leader: the other takes over once the lease has expired and
// not before, with the next fencing token, and no tick of the two tenures ever overlaps.
const CHILD = fileURLToPath(new URL('./leader-lease-child.ts', import.meta.url))
const TTL = 1500
const EVERY = 250

interface Line {
  holder: string
  at: number
  leader?: boolean
  token?: number
  started?: boolean
  error?: string
}
interface Proc {
  child: ChildProcess
  lines: Line[]
}
const procs: Proc[] = []
afterEach(() => {
  for (const p of procs.splice(0)) p.child.kill('SIGKILL')
})

function start(kind: 'sqlite' | 'pg', target: string, holder: string): Proc {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CHILD, kind, target, holder, String(TTL), String(EVERY)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const p: Proc = { child, lines: [] }
  let buf = ''
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString()
    const parts = buf.split('\n')
    buf = parts.pop()!
    for (const l of parts) if (l.startsWith('{')) p.lines.push(JSON.parse(l))
  })
  procs.push(p)
  return p
}
const until = async (f: () => boolean, what: string) => {
  const t0 = Date.now()
  while (!f()) {
    if (Date.now() - t0 > 25_000) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}
const leadLine = (p: Proc) => p.lines.find((l) => l.leader === true)

interface Store {
  target: string
  ticks(): Promise<{ holder: string; token: number; at_ms: number }[]>
  lease(): Promise<{ holder: string; token: number; expires_at_ms: number; acquired_at_ms: number }>
}

async function scenario(kind: 'sqlite' | 'pg', store: Store): Promise<void> {
  const a = start(kind, store.target, 'A')
  await until(() => leadLine(a) !== undefined, 'A to lead')
  const b = start(kind, store.target, 'B')
  await until(() => b.lines.some((l) => l.started), 'B to start')
  // B tries every EVERY ms and must keep failing while A renews: wait for A's ticks over several tries.
  await new Promise((r) => setTimeout(r, 4 * EVERY))
  expect(leadLine(b)).toBeUndefined()
  const before = await store.lease()
  expect(before.holder).toBe('A')
  const tokenA = leadLine(a)!.token!

  a.child.kill('SIGKILL')
  const killedAt = Date.now()
  await new Promise((r) => a.child.once('exit', r))
  await until(() => leadLine(b) !== undefined, 'B to take over')
  const tookOverMs = leadLine(b)!.at - killedAt
  // Let B tick a few times.
  const t0 = Date.now()
  while (Date.now() - t0 < 300) await new Promise((r) => setTimeout(r, 50))

  const after = await store.lease()
  expect(after.holder).toBe('B')
  expect(after.token).toBe(tokenA + 1)
  expect(leadLine(b)!.token).toBe(tokenA + 1)
  const ticks = await store.ticks()
  const ta = ticks.filter((t) => t.holder === 'A')
  const tb = ticks.filter((t) => t.holder === 'B')
  expect(ta.length).toBeGreaterThan(0)
  expect(tb.length).toBeGreaterThan(0)
  expect(new Set(ta.map((t) => t.token))).toEqual(new Set([tokenA]))
  expect(new Set(tb.map((t) => t.token))).toEqual(new Set([tokenA + 1]))
  // Exactly one active: every tick of A comes before B's tenure began, which began after A's lapsed.
  const lastA = Math.max(...ta.map((t) => t.at_ms))
  expect(lastA).toBeLessThan(after.acquired_at_ms)
  expect(Math.min(...tb.map((t) => t.at_ms))).toBeGreaterThanOrEqual(after.acquired_at_ms)
  // Takeover within the lease time (plus one attempt interval), from A's last renewal.
  expect(after.acquired_at_ms - (lastA - EVERY)).toBeLessThanOrEqual(TTL + 2 * EVERY + 500)
  console.log(
    `${kind}: leader killed, follower led ${tookOverMs} ms later (lease ${TTL} ms, attempts every ${EVERY} ms)`,
  )
  expect(b.lines.filter((l) => l.error)).toEqual([])
}

describe('leader failover with two real processes', () => {
  it('SQLite: kill -9 the leader, the other takes over within the lease time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zapcade-failover-'))
    const file = join(dir, 'z.db')
    const db = new Database(file)
    applyPragmas(db, 'money')
    migrate(db)
    db.exec(
      'CREATE TABLE lease_ticks (holder TEXT NOT NULL, token INTEGER NOT NULL, at_ms INTEGER NOT NULL)',
    )
    try {
      await scenario('sqlite', {
        target: file,
        ticks: async () =>
          db.prepare('SELECT holder, token, at_ms FROM lease_ticks').all() as never,
        lease: async () =>
          db.prepare(`SELECT * FROM leader_leases WHERE name = 'workers'`).get() as never,
      })
    } finally {
      db.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  describe('PostgreSQL', () => {
    let cluster: PgCluster
    beforeAll(async () => {
      cluster = await startPgCluster()
    }, 60_000)
    afterAll(async () => {
      await cluster?.stop()
    })

    it('kill -9 the leader, the other takes over within the lease time (database clock)', async () => {
      const pool = createPgPool(cluster.url, { max: 2 })
      try {
        await migratePg(pool)
        await pool.query(
          'CREATE TABLE lease_ticks (holder text NOT NULL, token bigint NOT NULL, at_ms bigint NOT NULL)',
        )
        await scenario('pg', {
          target: cluster.url,
          ticks: async () =>
            (await pool.query('SELECT holder, token, at_ms FROM lease_ticks')).rows,
          lease: async () =>
            (await pool.query(`SELECT * FROM leader_leases WHERE name = 'workers'`)).rows[0],
        })
      } finally {
        await pool.end()
      }
    })
  })
})
