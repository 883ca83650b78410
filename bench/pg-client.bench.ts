/**
 * PostgreSQL client library: `pg` (node-postgres) against `postgres` (porsager), on one throwaway
 * cluster (shared/src/db/pg/cluster.ts, fsync on as in production) and the same table, in the same run.
 * Scenarios, each run for both libraries in alternating rounds (the best round of each is kept, so a
 * neighbour's burst on this shared VM hurts one round and not the figure):
 *  - select by id, one connection, one query at a time, unprepared (parse on every call);
 *  - the same with prepared statements (pg: a named query; postgres: its default, prepare: true);
 *  - select by id from a pool of 4 connections with 64 queries in flight (postgres pipelines, pg queues);
 *  - insert in a transaction: BEGIN, 10 INSERTs, COMMIT, one transaction at a time;
 *  - read 500 rows of 6 columns (row decoding).
 * Each line gives operations/s for both and the ratio postgres/pg. `BENCH_PG_N` scales the counts.
 */
import { readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import pg from 'pg'
import postgres from 'postgres'
import { startPgCluster } from '@zapcade/shared/db/pg/cluster'

const version = (name: string): string =>
  JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8'))
    .version
const SCALE = Number(process.env['BENCH_PG_N'] ?? 1)
const ROUNDS = 3
const cluster = await startPgCluster({ fsync: true })

interface Lib {
  name: string
  selectUnprepared(id: number): Promise<unknown>
  selectPrepared(id: number): Promise<unknown>
  poolSelect(id: number): Promise<unknown>
  insertTx(base: number): Promise<unknown>
  readMany(): Promise<unknown>
  close(): Promise<void>
}

const SELECT = 'SELECT id, name, amount_msat, created_at FROM bench_items WHERE id = $1'
const MANY =
  'SELECT id, name, amount_msat, created_at, note, flag FROM bench_items ORDER BY id LIMIT 500'

async function setup(): Promise<void> {
  const sql = postgres(cluster.url, { max: 1, onnotice: () => {} })
  await sql.unsafe(`CREATE TABLE bench_items (
    id bigserial PRIMARY KEY, name text NOT NULL, amount_msat bigint NOT NULL,
    created_at bigint NOT NULL, note text, flag boolean NOT NULL DEFAULT false)`)
  await sql.unsafe(`INSERT INTO bench_items (name, amount_msat, created_at, note)
    SELECT 'item ' || g, g * 1000, 1700000000 + g, repeat('x', 40) FROM generate_series(1, 10000) g`)
  await sql.unsafe(
    'CREATE TABLE bench_writes (id bigserial PRIMARY KEY, k bigint NOT NULL, v text NOT NULL)',
  )
  await sql.end()
}

function pgLib(): Lib {
  const one = new pg.Client({ connectionString: cluster.url })
  const pool = new pg.Pool({ connectionString: cluster.url, max: 4 })
  let connected: Promise<void> | undefined
  const c = () => (connected ??= one.connect().then(() => undefined))
  return {
    name: 'pg',
    selectUnprepared: async (id) => (await c(), one.query(SELECT, [id])),
    selectPrepared: async (id) => (
      await c(), one.query({ name: 'sel', text: SELECT, values: [id] })
    ),
    poolSelect: (id) => pool.query({ name: 'sel', text: SELECT, values: [id] }),
    insertTx: async (base) => {
      await c()
      await one.query('BEGIN')
      for (let i = 0; i < 10; i++) {
        await one.query({
          name: 'ins',
          text: 'INSERT INTO bench_writes (k, v) VALUES ($1, $2)',
          values: [base + i, 'v'],
        })
      }
      await one.query('COMMIT')
    },
    readMany: async () => (await c(), one.query({ name: 'many', text: MANY })),
    close: async () => {
      await one.end()
      await pool.end()
    },
  }
}

function postgresLib(): Lib {
  const one = postgres(cluster.url, { max: 1 })
  const raw = postgres(cluster.url, { max: 1, prepare: false })
  const pool = postgres(cluster.url, { max: 4 })
  return {
    name: 'postgres',
    selectUnprepared: (id) => raw.unsafe(SELECT, [id]),
    selectPrepared: (id) =>
      one`SELECT id, name, amount_msat, created_at FROM bench_items WHERE id = ${id}`,
    poolSelect: (id) =>
      pool`SELECT id, name, amount_msat, created_at FROM bench_items WHERE id = ${id}`,
    insertTx: (base) =>
      one.begin(async (tx) => {
        for (let i = 0; i < 10; i++)
          await tx`INSERT INTO bench_writes (k, v) VALUES (${base + i}, ${'v'})`
      }),
    readMany: () => one.unsafe(MANY, [], { prepare: true }),
    close: async () => {
      await one.end()
      await raw.end()
      await pool.end()
    },
  }
}

interface Scenario {
  name: string
  ops: number
  /** Run `ops` operations; answers nothing, timed by the caller. */
  run(lib: Lib, ops: number): Promise<void>
}
const sequential =
  (f: (lib: Lib, i: number) => Promise<unknown>) =>
  async (lib: Lib, ops: number): Promise<void> => {
    for (let i = 0; i < ops; i++) await f(lib, i)
  }
const scenarios: Scenario[] = [
  {
    name: 'select by id, unprepared, 1 connection',
    ops: 4000,
    run: sequential((l, i) => l.selectUnprepared((i % 10000) + 1)),
  },
  {
    name: 'select by id, prepared, 1 connection',
    ops: 4000,
    run: sequential((l, i) => l.selectPrepared((i % 10000) + 1)),
  },
  {
    name: 'select by id, pool of 4, 64 in flight',
    ops: 20000,
    run: async (l, ops) => {
      let next = 0
      const lane = async () => {
        while (next < ops) {
          const i = next++
          await l.poolSelect((i % 10000) + 1)
        }
      }
      await Promise.all(Array.from({ length: 64 }, lane))
    },
  },
  {
    name: 'insert in tx (BEGIN, 10 INSERT, COMMIT), tx/s',
    ops: 400,
    run: sequential((l, i) => l.insertTx(i * 10)),
  },
  { name: 'read 500 rows x 6 columns', ops: 300, run: sequential((l) => l.readMany()) },
]

try {
  await setup()
  const libs = [pgLib(), postgresLib()]
  // Warm both (connections, prepared statements, JIT) before measuring.
  for (const l of libs) for (const s of scenarios) await s.run(l, Math.ceil(s.ops / 20))
  console.log(
    `PostgreSQL on 127.0.0.1:${cluster.port} · pg ${version('pg')} · postgres ${version('postgres')} · load ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  )
  console.log('| scenario | pg ops/s | postgres ops/s | postgres / pg |')
  console.log('| --- | --- | --- | --- |')
  for (const s of scenarios) {
    const best = new Map<string, number>()
    const ops = Math.max(1, Math.round(s.ops * SCALE))
    for (let r = 0; r < ROUNDS; r++) {
      // Alternate which library goes first, so neither always runs on a warmer cache.
      for (const l of r % 2 === 0 ? libs : [...libs].reverse()) {
        const t0 = process.hrtime.bigint()
        await s.run(l, ops)
        const sec = Number(process.hrtime.bigint() - t0) / 1e9
        best.set(l.name, Math.max(best.get(l.name) ?? 0, ops / sec))
      }
    }
    const a = best.get('pg')!
    const b = best.get('postgres')!
    const f = (x: number) => Math.round(x).toLocaleString('en-US')
    console.log(`| ${s.name} | ${f(a)} | ${f(b)} | ${(b / a).toFixed(2)} |`)
  }
  console.log(
    `load after: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  )
  for (const l of libs) await l.close()
} finally {
  await cluster.stop()
}
