/**
 * Runs a part of the marketplace off the caller's event loop: in a worker thread of its own or in a child
 * process. `npm start` hosts the embedded relay and the indexer so (a relay flood no longer stalls the
 * API); the payments benchmark hosts the relay and the devnet wallets the same way.
 *
 * The protocol, the same over a worker's port and a child's IPC channel: the host sends
 * `{ t: 'start', job }`; the part answers `{ t: 'started', info }` (plain data: URLs, ports) or
 * `{ t: 'failed', message }`; then `{ t: 'call', id, name }` → `{ t: 'result', id, value | error }`,
 * `{ t: 'log', msg }` from the part, and `{ t: 'stop' }`, after which the part stops and exits 0.
 *
 * A module becomes hostable by calling `serveHosted(import.meta.url, start)` at its top level; it does
 * nothing unless that very module was started by `hostPart`.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import type { IndexerOptions } from './indexer.ts'
import type { MarketRelayOptions } from '@zapcade/relay'

export type HostMode = 'worker' | 'process'

/** What a part answers once started, seen from its host. */
export interface HostedPart<T> {
  info: T
  mode: HostMode
  /** The worker's thread id, or the child's process id. */
  id: number
  /** Ask the part for a named value (see the `calls` its start answered). */
  call<R>(name: string): Promise<R>
  /** Resolves with the exit code when the thread or process ends, whether stopped or crashed. */
  exited: Promise<number>
  /** Stop the part and wait for its thread or process to end (ended forcibly after `graceMs`). */
  stop(graceMs?: number): Promise<void>
}

/** What a hostable module's start function answers inside the part. */
export interface PartStarted<T> {
  info: T
  calls?: Record<string, () => unknown>
  stop(): Promise<void>
}

export interface HostOptions {
  /** Lines the part logs (its `log` function posts them here). */
  onLog?: (msg: string) => void
  /** Handed to the part's `preload` at boot, before its job arrives (e.g. which modules to load). */
  hint?: string
}

type ToPart = { t: 'start'; job: unknown } | { t: 'call'; id: number; name: string } | { t: 'stop' }
type FromPart =
  | { t: 'started'; info: unknown }
  | { t: 'failed'; message: string }
  | { t: 'result'; id: number; value?: unknown; error?: string }
  | { t: 'log'; msg: string }

const HOSTED_FLAG = '--zapcade-hosted'
/** tsx's files, found from its package.json (import.meta.resolve is missing under some test runners). */
const tsxDir = dirname(createRequire(import.meta.url).resolve('tsx/package.json'))
const tsxLoader = pathToFileURL(join(tsxDir, 'dist/loader.mjs')).href
const tsxApi = pathToFileURL(join(tsxDir, 'dist/esm/api/index.mjs')).href

/** One end of the channel, the same for a worker and a child process. */
interface Channel {
  send(m: ToPart): void
  onMessage(f: (m: FromPart) => void): void
  exited: Promise<number>
  kill(): void
}

function workerChannel(entry: string, hint: string): { ch: Channel; id: number } {
  // Node 20 will not start a worker from a .ts entry: a tiny script registers tsx, then imports the entry.
  const boot = `import(${JSON.stringify(tsxApi)}).then((t) => { t.register(); return import(${JSON.stringify(entry)}) })`
  const worker = new Worker(boot, { eval: true, workerData: { zapcadeHosted: entry, hint } })
  const exited = new Promise<number>((r) => worker.once('exit', r))
  return {
    id: worker.threadId,
    ch: {
      send: (m) => worker.postMessage(m),
      onMessage: (f) => void worker.on('message', f),
      exited,
      kill: () => void worker.terminate(),
    },
  }
}

function processChannel(entry: string, hint: string): { ch: Channel; id: number } {
  const child: ChildProcess = fork(fileURLToPath(entry), [HOSTED_FLAG, hint], {
    execArgv: ['--import', tsxLoader],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const exited = new Promise<number>((r) => child.once('exit', (code) => r(code ?? 1)))
  return {
    id: child.pid ?? 0,
    ch: {
      send: (m) => void (child.connected && child.send(m)),
      onMessage: (f) => void child.on('message', (m) => f(m as FromPart)),
      exited,
      kill: () => void child.kill('SIGKILL'),
    },
  }
}

/** A thread or process booting a hostable module, not yet given its job. */
export interface SpawnedPart {
  /** Send the job; resolves once the part started (or rejects, and the thread or process is ended). */
  start<T>(job: unknown): Promise<HostedPart<T>>
  /** End it without a job. */
  kill(): Promise<void>
}

/**
 * Boot the hostable module `entry` (its `import.meta.url`) in a worker thread or a child process now, and
 * give it its job later: its modules load meanwhile, in parallel with whatever the caller does next.
 */
export function spawnPart(entry: string, mode: HostMode, opts: HostOptions = {}): SpawnedPart {
  const { ch, id } =
    mode === 'worker'
      ? workerChannel(entry, opts.hint ?? '')
      : processChannel(entry, opts.hint ?? '')
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  let nextId = 0
  let started: ((info: unknown) => void) | undefined
  let failed: ((e: Error) => void) | undefined
  ch.onMessage((m) => {
    if (m.t === 'started') started?.(m.info)
    else if (m.t === 'failed') failed?.(new Error(m.message))
    else if (m.t === 'log') opts.onLog?.(m.msg)
    else if (m.t === 'result') {
      const p = pending.get(m.id)
      pending.delete(m.id)
      if (m.error !== undefined) p?.reject(new Error(m.error))
      else p?.resolve(m.value)
    }
  })
  void ch.exited.then((code) => {
    failed?.(new Error(`hosted part exited (${code}) before it started`))
    for (const p of pending.values()) p.reject(new Error(`hosted part exited (${code})`))
    pending.clear()
  })
  const kill = async (): Promise<void> => {
    ch.kill()
    await ch.exited
  }
  return {
    kill,
    start: async <T>(job: unknown) => {
      const info = await new Promise<T>((resolve, reject) => {
        started = resolve as (info: unknown) => void
        failed = reject
        ch.send({ t: 'start', job })
      }).catch(async (e: unknown) => {
        await kill()
        throw e
      })
      return hosted(info)
    },
  }

  function hosted<T>(info: T): HostedPart<T> {
    let stopping: Promise<void> | undefined
    return {
      info,
      mode,
      id,
      exited: ch.exited,
      call: <R>(name: string) =>
        new Promise<R>((resolve, reject) => {
          const callId = nextId++
          pending.set(callId, { resolve: resolve as (v: unknown) => void, reject })
          ch.send({ t: 'call', id: callId, name })
        }),
      stop(graceMs = 10_000) {
        stopping ??= (async () => {
          ch.send({ t: 'stop' })
          const timer = setTimeout(() => ch.kill(), graceMs)
          await ch.exited
          clearTimeout(timer)
        })()
        return stopping
      },
    }
  }
}

/** Boot `entry` in a worker thread or a child process and start it with `job` (spawnPart, then start). */
export function hostPart<T>(
  entry: string,
  job: unknown,
  mode: HostMode,
  opts: HostOptions = {},
): Promise<HostedPart<T>> {
  return spawnPart(entry, mode, opts).start<T>(job)
}

/** This thread's or process's end of the channel when it was started by `hostPart` for `entry`. */
interface PartEnd {
  hint: string
  send(m: FromPart): void
  onMessage(f: (m: ToPart) => void): void
  onOrphaned(f: () => void): void
}

function partEnd(entry: string): PartEnd | undefined {
  const data = workerData as { zapcadeHosted?: string; hint?: string } | undefined
  if (!isMainThread && parentPort && data?.zapcadeHosted === entry) {
    const port = parentPort
    return {
      hint: data.hint ?? '',
      send: (m) => port.postMessage(m),
      onMessage: (f) => void port.on('message', f),
      onOrphaned: () => {},
    }
  }
  const flagAt = process.argv.indexOf(HOSTED_FLAG)
  if (isMainThread && process.send && flagAt === 2 && process.argv[1] === fileURLToPath(entry)) {
    return {
      hint: process.argv[3] ?? '',
      send: (m) => void (process.connected && process.send!(m)),
      onMessage: (f) => void process.on('message', (m) => f(m as ToPart)),
      onOrphaned: (f) => void process.once('disconnect', f),
    }
  }
  return undefined
}

/**
 * Serve `start` when this module (`entry`, its `import.meta.url`) runs as a hosted part; otherwise do
 * nothing. A child process ignores SIGINT and SIGTERM (Ctrl-C reaches the whole process group: its host
 * stops it in order) and stops by itself when its host goes away.
 */
export function serveHosted(
  entry: string,
  start: (job: never, log: (msg: string) => void) => Promise<PartStarted<unknown>>,
  preload?: (hint: string) => void,
): void {
  const end = partEnd(entry)
  if (!end) return
  preload?.(end.hint)
  if (process.argv.includes(HOSTED_FLAG)) {
    process.on('SIGINT', () => {})
    process.on('SIGTERM', () => {})
  }
  let part: PartStarted<unknown> | undefined
  let stopping = false
  const stop = async (): Promise<void> => {
    if (stopping) return
    stopping = true
    await part
      ?.stop()
      .catch((e: unknown) => end.send({ t: 'log', msg: `stop failed: ${String(e)}` }))
    process.exit(0)
  }
  end.onOrphaned(() => void stop())
  end.onMessage((m) => {
    if (m.t === 'start') {
      start(m.job as never, (msg) => end.send({ t: 'log', msg })).then(
        (p) => {
          part = p
          end.send({ t: 'started', info: p.info })
          if (stopping) void p.stop().then(() => process.exit(0))
        },
        (e: unknown) => {
          end.send({ t: 'failed', message: e instanceof Error ? e.message : String(e) })
          process.exit(1)
        },
      )
    } else if (m.t === 'call') {
      Promise.resolve()
        .then(() => {
          const f = part?.calls?.[m.name]
          if (!f) throw new Error(`no call named ${m.name}`)
          return f()
        })
        .then(
          (value) => end.send({ t: 'result', id: m.id, value }),
          (e: unknown) =>
            end.send({ t: 'result', id: m.id, error: e instanceof Error ? e.message : String(e) }),
        )
    } else void stop()
  })
}

// ——— The embedded relay and the indexer as hosted parts ———

/** The relay's options that cross a thread or process boundary (no clock). */
export type HostedRelayOptions = Omit<MarketRelayOptions, 'now'>
/** The indexer's options that cross a thread or process boundary: a database file, no injected ports. */
export type HostedIndexerOptions = Pick<
  IndexerOptions,
  'dbFile' | 'relays' | 'syncIntervalMs' | 'negentropy' | 'batchMax' | 'batchDelayMs'
>

type Job =
  | { role: 'relay'; opts: HostedRelayOptions }
  | { role: 'indexer'; opts: HostedIndexerOptions }

export interface HostedRelayInfo {
  url: string
  port: number
}

/** A thread or process booting the relay's or the indexer's modules (its job is sent by `startRelay`/`startIndexer`). */
export function spawnRelayIndexerPart(
  role: Job['role'],
  mode: HostMode,
  host: HostOptions = {},
): SpawnedPart {
  return spawnPart(import.meta.url, mode, { ...host, hint: role })
}

/** Start the embedded market relay in a spawned part. Calls: `refusals`. */
export function startHostedRelay(
  part: SpawnedPart,
  opts: HostedRelayOptions,
): Promise<HostedPart<HostedRelayInfo>> {
  return part.start<HostedRelayInfo>({ role: 'relay', opts } satisfies Job)
}

/**
 * Start the indexer in a spawned part, writing `opts.dbFile` (which the service reads: they meet in the
 * database). Resolves once the database is open and migrated and the relays are being subscribed.
 * Calls: `counters`, `backlog`, `caughtUp` (resolves once every relay reached EOSE and it is committed).
 */
export function startHostedIndexer(
  part: SpawnedPart,
  opts: HostedIndexerOptions,
): Promise<HostedPart<Record<string, never>>> {
  return part.start<Record<string, never>>({ role: 'indexer', opts } satisfies Job)
}

// The relay's and the indexer's modules are imported inside the part only (a host loads none of them),
// as soon as it boots.
const relayModule = () => import('@zapcade/relay')
const indexerModule = () => import('./indexer.ts')
serveHosted(
  import.meta.url,
  async (job: Job, log): Promise<PartStarted<unknown>> => {
    if (job.role === 'relay') {
      const { startMarketRelay } = await relayModule()
      const relay = await startMarketRelay(job.opts)
      return {
        info: { url: relay.url, port: relay.port },
        calls: { refusals: () => relay.refusals() },
        stop: () => relay.stop(),
      }
    }
    const { startIndexer } = await indexerModule()
    const indexer = await startIndexer({ ...job.opts, log })
    return {
      info: {},
      calls: {
        counters: () => indexer.counters(),
        backlog: () => indexer.backlog(),
        caughtUp: () => indexer.whenCaughtUp(),
      },
      stop: () => indexer.stop(),
    }
  },
  (hint) => void (hint === 'relay' ? relayModule() : indexerModule()).catch(() => {}),
)
