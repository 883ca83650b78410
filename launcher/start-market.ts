/**
 * The whole marketplace from one command (docs/architecture.md "Parts", the all-in-one launcher): the embedded
 * market relay → the indexer on `<data>/zapcade.db` → devnet Lightning as the market's wallet (unless
 * ZAPCADE_NWC_URL names a real one) → the market service with the storefront → the demo catalog on a
 * fresh data directory. `npm start` runs it from main.ts; end-to-end tests start it on free ports.
 * This is the one file allowed to import every package.
 *
 * The relay and the indexer run off the service's event loop, each in a worker thread of its own (or a
 * child process, or inline: ZAPCADE_RELAY_INDEXER_HOST), so a flood of events on the relay never stalls
 * the API; the indexer meets the service in the database (WAL). Measured in bench/README.md "Flood".
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { Hono } from 'hono'
import { pino, type Logger } from 'pino'
import { loadConfig, type Env } from '@zapcade/shared/config'
import { CATALOG_DB_FILE } from '@zapcade/relay-indexer/catalog-file'
import {
  startHostedIndexer,
  startHostedRelay,
  type HostedPart,
} from '@zapcade/relay-indexer/worker-host'
import { startService, type RunningService } from '@zapcade/market-service/server'
import { devnetJson, startDevnet, type Devnet, type DevnetJson } from '@zapcade/devnet/up'
import { distDir, ensureWebBuilt } from '../client/web/build.ts'
import { demoImageSvg } from './demo-catalog.ts'
import { publishDemoBuilds } from './demo-builds.ts'
import { publishDemoOnce } from './demo-publish.ts'
import { loadOrCreateKey, type KeyPair } from './dev-keys.ts'
import { partsHostFromEnv, spawnParts, type PartsHost, type SpawnedParts } from './parts.ts'
import { expectOk, signedFetch } from './signed-fetch.ts'

export interface StartMarketOptions {
  dataDir: string
  /** Service port (default ZAPCADE_PORT or 8787; 0 = any free port). */
  port?: number
  /** Embedded relay port (default ZAPCADE_RELAY_PORT or 7777; 0 = any free port). */
  relayPort?: number
  /** Publish the demo games, their builds and the demo developer's payout address (default true). */
  demo?: boolean
  /** Serve the web storefront, building it first when stale (default true). */
  web?: boolean
  /**
   * Resolve before a stale storefront is rebuilt (default false): the API is ready at once and the
   * storefront appears when `webReady` resolves (npm start uses this to be ready in well under 2 s).
   */
  webInBackground?: boolean
  /** Environment to read the rest of the configuration from (default process.env). */
  env?: Env
  log?: Logger
  /**
   * Where the relay and the indexer run (default ZAPCADE_RELAY_INDEXER_HOST, else 'worker'): a worker
   * thread each, a child process each, or 'inline' on the service's own event loop (as before; kept to
   * measure against).
   */
  host?: PartsHost
  /** Relay and indexer parts already booting (main.ts spawns them before it loads the rest). */
  spawned?: SpawnedParts
}

/** Where a part runs when off the service's loop: its worker's thread id or its child's pid, and its end. */
export interface PartPlace {
  mode: 'worker' | 'process'
  id: number
  /** Resolves with the exit code once the thread or process ended. */
  exited: Promise<number>
}

/** The embedded relay, wherever it runs. */
export interface RelayHandle {
  url: string
  port: number
  /** Undefined when inline. */
  place?: PartPlace
  /** Messages the relay refused itself, by NIP-01 prefix (`rate-limited`, `invalid`, …). */
  refusals(): Promise<Record<string, number>>
  stop(): Promise<void>
}

/** The indexer, wherever it runs. */
export interface IndexerHandle {
  /** Undefined when inline. */
  place?: PartPlace
  counters(): Promise<Record<string, number>>
  whenCaughtUp(): Promise<void>
  stop(): Promise<void>
}

export interface RunningMarket {
  apiUrl: string
  relayUrl: string
  marketPubkey: string
  dataDir: string
  devnet: Devnet | undefined
  devnetJson: DevnetJson | undefined
  demoDeveloper: KeyPair
  service: RunningService
  indexer: IndexerHandle
  relay: RelayHandle
  /** Where the relay and the indexer run. */
  host: PartsHost
  /** Resolves (never rejects) if the relay's or the indexer's thread or process ends before `stop`. */
  failed: Promise<Error>
  /** Resolves once the demo games are indexed and their builds uploaded and announced. */
  demoReady: Promise<void>
  /** Resolves once the storefront's files are built and served. */
  webReady: Promise<void>
  stop(): Promise<void>
}

const placeOf = (p: HostedPart<unknown>): PartPlace => ({
  mode: p.mode,
  id: p.id,
  exited: p.exited,
})

/** Start relay, indexer, devnet, service and the demo catalog; resolves when the service listens. */
export async function startMarket(opts: StartMarketOptions): Promise<RunningMarket> {
  const env: Env = { ...(opts.env ?? process.env) }
  const dataDir = resolve(opts.dataDir)
  mkdirSync(dataDir, { recursive: true })
  const log = opts.log ?? pino({ base: { svc: 'zapcade' } })
  const stops: (() => Promise<void>)[] = []
  const stopAll = async (): Promise<void> => {
    for (const s of stops.reverse())
      await s().catch((err: unknown) => log.error({ err }, 'stop failed'))
    stops.length = 0
  }
  const host = opts.spawned?.mode ?? opts.host ?? partsHostFromEnv(env)
  const spawned = opts.spawned ?? (host === 'inline' ? undefined : spawnParts(host, log))
  // Threads or processes that never got their job (startup failed first) end with the rest.
  if (spawned)
    stops.push(async () => void (await Promise.all([spawned.relay.kill(), spawned.indexer.kill()])))
  let stopping = false
  let reportFailure: (e: Error) => void = () => {}
  const failed = new Promise<Error>((r) => (reportFailure = r))
  const watch = (what: string, part: HostedPart<unknown>) =>
    void part.exited.then((code) => {
      if (!stopping)
        reportFailure(
          new Error(
            `the ${what} ${part.mode === 'worker' ? 'thread' : 'process'} ended (exit code ${code})`,
          ),
        )
    })
  try {
    // 1. The embedded market relay (also where the market publishes zap receipts and its lists).
    const relayPort =
      opts.relayPort ??
      (env.ZAPCADE_RELAY_PORT !== undefined ? Number(env.ZAPCADE_RELAY_PORT) : 7777)
    const relayOpts = {
      port: relayPort,
      host: env.ZAPCADE_HOST ?? '127.0.0.1',
      file: join(dataDir, 'relay.db'),
      ...relayRateLimitFromEnv(env),
    }
    let relay: RelayHandle
    if (spawned) {
      const part = await startHostedRelay(spawned.relay, relayOpts)
      watch('relay', part)
      relay = {
        ...part.info,
        place: placeOf(part),
        refusals: () => part.call('refusals'),
        stop: () => part.stop(),
      }
    } else {
      const { startMarketRelay } = await import('@zapcade/relay')
      const inline = await startMarketRelay(relayOpts)
      relay = {
        url: inline.url,
        port: inline.port,
        refusals: async () => inline.refusals(),
        stop: () => inline.stop(),
      }
    }
    stops.push(() => relay.stop())

    // 2. Configuration, as the service reads it, with the embedded relay as the default relay.
    const loaded = loadConfig({
      ...env,
      ZAPCADE_DATA_DIR: dataDir,
      ZAPCADE_RELAY_PORT: String(relay.port),
      ZAPCADE_RELAYS: env.ZAPCADE_RELAYS ?? relay.url,
      ...(opts.port !== undefined ? { ZAPCADE_PORT: String(opts.port) } : {}),
    })
    if (!loaded.ok)
      throw new Error(`invalid configuration:\n${loaded.errors.map((e) => `  - ${e}`).join('\n')}`)
    let config = loaded.value

    // 3. The indexer, on the same SQLite file the service reads (it migrates it before the service opens
    // it), and 4. devnet as the market's wallet unless a real wallet is configured (never in production),
    // both at once: each needs only the relay.
    const indexerOpts = {
      dbFile: join(dataDir, CATALOG_DB_FILE),
      relays: config.relays,
      syncIntervalMs: config.syncIntervalSec * 1000,
    }
    const startIndexer = async (): Promise<IndexerHandle> => {
      if (spawned) {
        const part = await startHostedIndexer(spawned.indexer, indexerOpts)
        watch('indexer', part)
        return {
          place: placeOf(part),
          counters: () => part.call('counters'),
          whenCaughtUp: () => part.call('caughtUp'),
          stop: () => part.stop(),
        }
      }
      const m = await import('@zapcade/relay-indexer')
      const inline = await m.startIndexer({
        ...indexerOpts,
        log: (msg) => log.info({ svc: 'indexer' }, msg),
      })
      return {
        counters: async () => inline.counters(),
        whenCaughtUp: () => inline.whenCaughtUp(),
        stop: () => inline.stop(),
      }
    }
    const [indexerStarted, devnetStarted] = await Promise.allSettled([
      startIndexer(),
      config.nwcUrl
        ? Promise.resolve(undefined)
        : startDevnet({ relayUrl: relay.url, dataDir, writeJson: false }),
    ])
    if (indexerStarted.status === 'fulfilled') stops.push(() => indexerStarted.value.stop())
    const devnet: Devnet | undefined =
      devnetStarted.status === 'fulfilled' ? devnetStarted.value : undefined
    if (devnet) stops.push(() => devnet.stop())
    if (indexerStarted.status === 'rejected') throw indexerStarted.reason
    if (devnetStarted.status === 'rejected') throw devnetStarted.reason
    const indexer = indexerStarted.value
    if (devnet) config = { ...config, nwcUrl: devnet.marketNwcUrl }

    // 5. The service, with the storefront and the demo covers.
    // webRoutes reads dist at request time, so it can be mounted before a background build lands.
    const webDistDir = opts.web === false ? undefined : distDir
    const webReady = opts.web === false ? Promise.resolve() : ensureWebBuilt().then(() => undefined)
    if (!opts.webInBackground) await webReady
    webReady.catch((err: unknown) => log.error({ err }, 'storefront build failed'))
    const demoCovers = (): Hono => {
      const app = new Hono()
      app.get('/demo/:file', (c) => {
        const svg = demoImageSvg(c.req.param('file'))
        if (svg === undefined) return c.notFound()
        return c.body(svg, 200, {
          'content-type': 'image/svg+xml',
          'cache-control': 'public, max-age=86400',
        })
      })
      return app
    }
    const service = await startService({
      config,
      overrides: { log, features: [demoCovers], ...(webDistDir ? { webDistDir } : {}) },
    })
    stops.push(() => service.stop())
    const apiUrl = service.config.publicUrl
    const info = (await (
      await expectOk(await fetch(`${service.url}/api/v1/info`), 'info')
    ).json()) as { market_pubkey: string }

    // 6. devnet.json for people and the CLI (docs/architecture.md "Running it").
    const json = devnet ? devnetJson(devnet, apiUrl) : undefined
    if (json) writeFileSync(join(dataDir, 'devnet.json'), `${JSON.stringify(json, null, 2)}\n`)

    // 7. The demo catalog: games now (through relay → indexer), builds and payout address right after.
    const demoDeveloper = loadOrCreateKey(dataDir, 'demo-developer')
    let demoReady: Promise<void> = Promise.resolve()
    if (opts.demo !== false) {
      await publishDemoOnce({
        dataDir,
        relayUrl: relay.url,
        developer: demoDeveloper,
        market: { pubkey: info.market_pubkey, relay: relay.url },
        imageBaseUrl: apiUrl,
        nowSec: Math.floor(Date.now() / 1000),
      })
      demoReady = (async () => {
        if (devnet) {
          await expectOk(
            await signedFetch(demoDeveloper, `${apiUrl}/api/v1/developer/profile`, {
              method: 'PUT',
              json: { payout_ln_address: devnet.developer.lud16 },
            }),
            'demo payout address',
          )
        }
        await publishDemoBuilds({
          apiUrl,
          relayUrl: relay.url,
          developer: demoDeveloper,
          nowSec: () => Math.floor(Date.now() / 1000),
        })
      })()
      demoReady.catch((err: unknown) => log.error({ err }, 'demo builds failed'))
    }

    return {
      apiUrl,
      relayUrl: relay.url,
      marketPubkey: info.market_pubkey,
      dataDir,
      devnet,
      devnetJson: json,
      demoDeveloper,
      service,
      indexer,
      relay,
      host,
      failed,
      demoReady,
      webReady,
      stop: () => {
        stopping = true
        return stopAll()
      },
    }
  } catch (e) {
    stopping = true
    await stopAll()
    throw e
  }
}

/**
 * ZAPCADE_RELAY_RATE_LIMIT: `off` lifts the relay's token buckets (a benchmark or a trusted bulk import);
 * unset keeps the defaults. Any other value is refused.
 */
export function relayRateLimitFromEnv(env: Env): { rateLimit?: false } {
  const v = env.ZAPCADE_RELAY_RATE_LIMIT
  if (v === undefined || v === '') return {}
  if (v === 'off') return { rateLimit: false }
  throw new Error(`invalid configuration:\n  - ZAPCADE_RELAY_RATE_LIMIT: "${v}" is not off`)
}
