/**
 * A throwaway PostgreSQL cluster for tests, benchmarks and the dev cluster: `initdb` + `pg_ctl` in a
 * directory of its own, listening on 127.0.0.1 (a free port) and on a unix socket in that directory,
 * with no system service involved. PostgreSQL refuses to run as root, so when this process is root the
 * server runs as an unprivileged user (`nobody` unless `ZAPCADE_PG_USER` names another) through
 * `runuser`. Binaries: `ZAPCADE_PG_BIN`, else `initdb` on PATH, else the newest
 * `/usr/lib/postgresql/<version>/bin` (Debian's `postgresql` package puts them there, off PATH).
 *
 * A throwaway cluster also gets a watchdog: a detached shell that stops the server and removes the
 * directory when the process that started it dies, so a test run killed by a signal leaves no postgres.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, join, resolve } from 'node:path'
import pg from 'pg'

export interface PgCluster {
  /** `postgres://<user>@127.0.0.1:<port>/<database>` (trust authentication, local only). */
  readonly url: string
  readonly host: string
  readonly port: number
  readonly user: string
  readonly database: string
  /** The directory holding the unix socket (`.s.PGSQL.<port>`). */
  readonly socketDir: string
  readonly dataDir: string
  /** A URL for another database of this cluster (created with `createDatabase`). */
  urlFor(database: string): string
  /** CREATE DATABASE (fails if it exists). */
  createDatabase(name: string): Promise<void>
  /** Stop the server (fast shutdown); a throwaway cluster's directory is removed too. */
  stop(): Promise<void>
}

export interface StartOptions {
  /** Keep the cluster here across runs (the dev cluster); default: a new temp directory, removed at stop. */
  dir?: string
  /** Default: a free port on 127.0.0.1. */
  port?: number
  /** The superuser and the first database's name. Default `zapcade`. */
  user?: string
  database?: string
  /** fsync off: for tests and throwaway clusters only (a crash may lose data). Default: on unless throwaway. */
  fsync?: boolean
  /** Extra `-c name=value` server settings. */
  settings?: Record<string, string | number>
}

/** Where a PostgreSQL program is, or undefined (see the module comment for the order). */
export function findPgBinary(name: 'initdb' | 'pg_ctl' | 'postgres'): string | undefined {
  const envDir = process.env.ZAPCADE_PG_BIN
  if (envDir && existsSync(join(envDir, name))) return join(envDir, name)
  for (const d of (process.env.PATH ?? '').split(delimiter)) {
    if (d !== '' && existsSync(join(d, name))) return join(d, name)
  }
  const root = '/usr/lib/postgresql'
  if (!existsSync(root)) return undefined
  const versions = readdirSync(root)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
  for (const v of versions) {
    const p = join(root, v, 'bin', name)
    if (existsSync(p)) return p
  }
  return undefined
}

/** True when initdb and pg_ctl can be found (tests use this only to say what is missing). */
export function pgAvailable(): boolean {
  return findPgBinary('initdb') !== undefined && findPgBinary('pg_ctl') !== undefined
}

const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0

/** The unprivileged account the server runs as when we are root. */
function serverAccount(): { name: string; uid: number; gid: number } | undefined {
  if (!isRoot()) return undefined
  const name = process.env.ZAPCADE_PG_USER ?? 'nobody'
  const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim())
  const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim())
  return { name, uid, gid }
}

/** Run a PostgreSQL program, as the unprivileged account when we are root. */
function runPg(bin: string, args: string[], account: { name: string } | undefined): void {
  const [cmd, argv] = account ? ['runuser', ['-u', account.name, '--', bin, ...args]] : [bin, args]
  const r = spawnSync(cmd, argv, { encoding: 'utf8' })
  if (r.status !== 0) {
    throw new Error(
      `${bin.split('/').pop()} failed (${r.status ?? r.signal}): ${(r.stderr || r.stdout || String(r.error)).trim()}`,
    )
  }
}

/** A port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer()
    s.once('error', fail)
    s.listen(0, '127.0.0.1', () => {
      const a = s.address()
      const port = typeof a === 'object' && a ? a.port : 0
      s.close(() => ok(port))
    })
  })
}

/** Start a cluster (initdb first when the directory holds none). */
export async function startPgCluster(o: StartOptions = {}): Promise<PgCluster> {
  const initdb = findPgBinary('initdb')
  const pgCtl = findPgBinary('pg_ctl')
  if (!initdb || !pgCtl) {
    throw new Error(
      'PostgreSQL not found: install Debian\'s "postgresql" package (initdb, pg_ctl) or set ZAPCADE_PG_BIN',
    )
  }
  const throwaway = o.dir === undefined
  const user = o.user ?? 'zapcade'
  const database = o.database ?? 'zapcade'
  const account = serverAccount()
  const base = throwaway ? mkdtempSync(join(tmpdir(), 'zapcade-pg-')) : resolve(o.dir!)
  mkdirSync(base, { recursive: true })
  if (account) chownSync(base, account.uid, account.gid)
  const dataDir = join(base, 'data')
  const socketDir = base
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    runPg(
      initdb,
      [
        '-D',
        dataDir,
        '-U',
        user,
        '--auth=trust',
        '-E',
        'UTF8',
        '--locale=C.UTF-8',
        ...(throwaway ? ['--no-sync'] : []),
      ],
      account,
    )
  }
  const fsync = o.fsync ?? !throwaway
  const settings: Record<string, string | number> = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: socketDir,
    fsync: fsync ? 'on' : 'off',
    ...(fsync ? {} : { synchronous_commit: 'off', full_page_writes: 'off' }),
    // Several test files start a cluster each at once: a small buffer pool keeps them light.
    ...(throwaway ? { shared_buffers: '32MB' } : {}),
    ...o.settings,
  }
  let port = o.port ?? 0
  // A free port can be taken between the check and the server's bind: try a few when we chose it.
  for (let attempt = 0; ; attempt++) {
    const p = o.port ?? (await freePort())
    const opts = Object.entries({ ...settings, port: p })
      .map(([k, v]) => `-c ${k}=${v}`)
      .join(' ')
    try {
      runPg(
        pgCtl,
        ['-D', dataDir, '-l', join(base, 'server.log'), '-w', '-o', opts, 'start'],
        account,
      )
      port = p
      break
    } catch (e) {
      if (o.port !== undefined || attempt >= 3) throw e
    }
  }
  if (throwaway) startWatchdog(pgCtl, dataDir, base, account?.name)
  const urlFor = (db: string) => `postgres://${user}@127.0.0.1:${port}/${db}`
  let stopped = false
  const cluster: PgCluster = {
    url: urlFor(database),
    host: '127.0.0.1',
    port,
    user,
    database,
    socketDir,
    dataDir,
    urlFor,
    async createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`)
      const client = new pg.Client({ connectionString: urlFor('postgres') })
      await client.connect()
      try {
        await client.query(`CREATE DATABASE ${name}`)
      } finally {
        await client.end()
      }
    },
    async stop() {
      if (stopped) return
      stopped = true
      runPg(pgCtl, ['-D', dataDir, '-m', 'fast', '-w', 'stop'], account)
      if (throwaway) rmSync(base, { recursive: true, force: true })
    },
  }
  if (database !== 'postgres') {
    try {
      await cluster.createDatabase(database)
    } catch (e) {
      if (!/already exists/.test(String(e))) throw e
    }
  }
  return cluster
}

/** Stop the server and remove its directory once this process is gone (killed or crashed). */
function startWatchdog(pgCtl: string, dataDir: string, base: string, runAs?: string): void {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`
  const stop = `${runAs ? `runuser -u ${runAs} -- ` : ''}${q(pgCtl)} -D ${q(dataDir)} -m immediate -w stop`
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; [ -d ${q(dataDir)} ] && ${stop} >/dev/null 2>&1; rm -rf ${q(base)}`
  const child = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' })
  child.unref()
}
