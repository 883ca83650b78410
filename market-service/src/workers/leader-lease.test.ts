import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { applyPragmas, migrate } from '@zapcade/shared/db/migrate'
import { type PgCluster, startPgCluster } from '@zapcade/shared/db/pg/cluster'
import { migratePg } from '@zapcade/shared/db/pg/migrate'
import { createPgPool } from '@zapcade/shared/db/pg/pool'
import { pgLeaderLease } from '../adapters/pg/leader-lease.ts'
import { sqliteLeaderLease } from '../adapters/sqlite/leader-lease.ts'
import { SteppingClock, leaderLeaseContract } from './leader-lease.contract.ts'

leaderLeaseContract('SQLite (one file, a connection per process)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'zapcade-lease-'))
  const file = join(dir, 'z.db')
  const first = new Database(file)
  applyPragmas(first, 'money')
  migrate(first)
  const dbs = [first]
  const clock = new SteppingClock()
  return {
    clock,
    async open() {
      const db = new Database(file)
      applyPragmas(db, 'money')
      dbs.push(db)
      return sqliteLeaderLease(db, clock)
    },
    async close() {
      for (const db of dbs) db.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
})

let cluster: PgCluster
let n = 0
beforeAll(async () => {
  cluster = await startPgCluster()
}, 60_000)
afterAll(async () => {
  await cluster?.stop()
})

/** A fresh migrated database of the shared cluster. */
async function pgDatabase(): Promise<string> {
  const name = `lease${++n}`
  await cluster.createDatabase(name)
  const p = createPgPool(cluster.urlFor(name), { max: 1 })
  await migratePg(p)
  await p.end()
  return cluster.urlFor(name)
}

leaderLeaseContract('PostgreSQL (a pool per process)', async () => {
  const url = await pgDatabase()
  const pools: pg.Pool[] = []
  const clock = new SteppingClock()
  return {
    clock,
    async open() {
      const p = createPgPool(url, { max: 2 })
      pools.push(p)
      return pgLeaderLease(p, { clock })
    },
    async close() {
      for (const p of pools) await p.end()
    },
  }
})

describe('PostgreSQL lease on the database clock', () => {
  it('expires by the server time: taken over once the lease time has passed there', async () => {
    const url = await pgDatabase()
    const pa = createPgPool(url, { max: 1 })
    const pb = createPgPool(url, { max: 1 })
    try {
      const a = pgLeaderLease(pa)
      const b = pgLeaderLease(pb)
      const ga = await a.acquire('w', 'A', 300)
      expect(ga?.token).toBe(1)
      const serverNow = async () =>
        (
          await pa.query<{ ms: number }>(
            `SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS ms`,
          )
        ).rows[0]!.ms
      expect(ga!.expiresAtMs - (await serverNow())).toBeLessThanOrEqual(300)
      let gb = await b.acquire('w', 'B', 300)
      while (gb === null) {
        // Refused only while the server's clock is before A's expiry.
        expect(await serverNow()).toBeLessThanOrEqual(ga!.expiresAtMs + 50)
        await new Promise((r) => setTimeout(r, 25))
        gb = await b.acquire('w', 'B', 300)
      }
      expect(gb.token).toBe(2)
      expect(await a.renew('w', 'A', 1, 300)).toBeNull()
    } finally {
      await pa.end()
      await pb.end()
    }
  })
})
