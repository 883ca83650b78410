import { execFileSync, spawn } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type PgCluster, findPgBinary, startPgCluster } from './cluster.ts'
import { createPgPool } from './pool.ts'

const isRoot = process.getuid?.() === 0

/** True while something accepts TCP connections on 127.0.0.1:port. */
const listening = (port: number) =>
  new Promise<boolean>((ok) => {
    const s = connect(port, '127.0.0.1')
    s.once('connect', () => (s.destroy(), ok(true)))
    s.once('error', () => ok(false))
  })

describe('throwaway PostgreSQL cluster', () => {
  let cluster: PgCluster
  beforeAll(async () => {
    cluster = await startPgCluster()
  }, 60_000)
  afterAll(async () => {
    await cluster?.stop()
  })

  it('finds the binaries on PATH or under /usr/lib/postgresql', () => {
    expect(findPgBinary('initdb')).toMatch(/initdb$/)
    expect(findPgBinary('pg_ctl')).toMatch(/pg_ctl$/)
  })

  it('answers on 127.0.0.1 and on its unix socket, as an unprivileged server user', async () => {
    const tcp = createPgPool(cluster.url, { max: 1 })
    const unix = createPgPool(
      `postgres://${cluster.user}@/${cluster.database}?host=${encodeURIComponent(cluster.socketDir)}&port=${cluster.port}`,
      { max: 1 },
    )
    try {
      const r = await tcp.query<{ one: number; addr: string | null }>(
        'SELECT 1 AS one, host(inet_server_addr()) AS addr',
      )
      expect(r.rows[0]).toEqual({ one: 1, addr: '127.0.0.1' })
      const u = await unix.query<{ addr: string | null }>('SELECT inet_server_addr() AS addr')
      expect(u.rows[0]).toEqual({ addr: null }) // a unix-socket session has no server address
    } finally {
      await tcp.end()
      await unix.end()
    }
    expect(existsSync(`${cluster.socketDir}/.s.PGSQL.${cluster.port}`)).toBe(true)
    // The data directory belongs to the account postgres runs as: never root.
    const owner = statSync(cluster.dataDir).uid
    expect(owner).not.toBe(0)
    if (!isRoot) expect(owner).toBe(process.getuid?.())
  })

  it('a second cluster gets its own port and directory', async () => {
    const other = await startPgCluster()
    try {
      expect(other.port).not.toBe(cluster.port)
      expect(other.dataDir).not.toBe(cluster.dataDir)
      expect(await listening(other.port)).toBe(true)
    } finally {
      await other.stop()
    }
    expect(await listening(other.port)).toBe(false)
    expect(existsSync(other.dataDir)).toBe(false)
  })
})

describe('a cluster whose owner dies', () => {
  it('is stopped and removed by its watchdog after kill -9 of the process that started it', async () => {
    const script = `
      import { startPgCluster } from './shared/src/db/pg/cluster.ts'
      const c = await startPgCluster()
      console.log(JSON.stringify({ port: c.port, dataDir: c.dataDir }))
      setInterval(() => {}, 1000)`
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        cwd: new URL('../../../../', import.meta.url).pathname,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    )
    const info = await new Promise<{ port: number; dataDir: string }>((ok, fail) => {
      let buf = ''
      child.stdout!.on('data', (d: Buffer) => {
        buf += d.toString()
        const line = buf.split('\n').find((l) => l.startsWith('{'))
        if (line) ok(JSON.parse(line))
      })
      child.once('exit', (c) => fail(new Error(`child exited ${c} before starting postgres`)))
    })
    expect(await listening(info.port)).toBe(true)
    child.kill('SIGKILL')
    // Wait for the watchdog (it polls once a second), up to the test's timeout.
    while ((await listening(info.port)) || existsSync(info.dataDir)) {
      await new Promise((r) => setTimeout(r, 200))
    }
    expect(await listening(info.port)).toBe(false)
    expect(existsSync(info.dataDir)).toBe(false)
    // And no postgres of that directory is left in the process table.
    const ps = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    expect(ps).not.toContain(info.dataDir)
  })
})
