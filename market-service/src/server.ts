/**
 * startService: listen, open and migrate `<dataDir>/zapcade.db`, build the outside world (market key,
 * relay publisher, blob store, wallet), assemble the service (compose.ts), create the app, and stop
 * gracefully (stop accepting, let in-flight requests finish, stop workers, close the db).
 */
import { mkdirSync } from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import type { OpenAPIHono } from '@hono/zod-openapi'
import type Database from 'better-sqlite3'
import { pino, type Logger } from 'pino'
import type { Config } from '@zapcade/shared/config'
import { withDevSecrets } from './adapters/nostr/dev-secrets.ts'
import { createApp } from './app.ts'
import {
  assembleService,
  enqueueMarketAppHandler,
  enqueueMarketProfile,
  type ComposeInput,
  type Service,
} from './compose.ts'
import { systemClock } from './ports/clock.ts'
import type { Wallet } from './ports/wallet.ts'
import type { Worker } from './workers/worker.ts'

export { enqueueMarketAppHandler, enqueueMarketProfile }

/** Any dependency replaced (tests: clock, relays, log, fetch, db; the launcher: features, storefront). */
export type ServiceOverrides = Partial<ComposeInput>

export interface StartOptions {
  config: Config
  wallet?: Wallet
  overrides?: ServiceOverrides
}

export interface RunningService {
  url: string
  app: OpenAPIHono
  db: Database.Database
  config: Config
  workers: Worker[]
  log: Logger
  stop(): Promise<void>
}

/** Start the service; resolves once it listens. */
export async function startService(opts: StartOptions): Promise<RunningService> {
  const o = opts.overrides ?? {}
  const log = o.log ?? pino({ base: { svc: 'market-service' } })
  const clock = o.clock ?? systemClock
  // 1. Secrets: from the environment, or generated once into the data dir (dev only).
  const base = withDevSecrets(opts.config)
  mkdirSync(base.dataDir, { recursive: true })

  // 2. Listen first on the configured port, so a port-0 start knows its public URL before wiring.
  const holder: { fetch?: (req: Request, env: object) => Response | Promise<Response> } = {}
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve(
      {
        fetch: (req, env) =>
          holder.fetch ? holder.fetch(req, env) : new Response('starting', { status: 503 }),
        hostname: base.host,
        port: base.port,
      },
      () => resolve(s as Server),
    )
    ;(s as Server).once('error', reject)
  })
  const port = (server.address() as AddressInfo).port
  const publicUrl =
    new URL(base.publicUrl).port === '0'
      ? base.publicUrl.replace(/:0(?=\/|$)/, `:${port}`)
      : base.publicUrl
  const config: Config = { ...base, publicUrl, port }

  // 3. The service assembled once (compose.ts): database, market key, relays, blobs, wallet, workers.
  let svc: Service
  try {
    svc = assembleService({
      config,
      secret: base.secret,
      marketSecretKeyHex: base.marketSecretKeyHex,
      wallet: opts.wallet,
      overrides: { ...o, log, clock },
    })
  } catch (e) {
    server.close()
    throw e
  }
  const { db, signer, outbox, workers } = svc
  const app = createApp(svc.app)

  enqueueMarketProfile(db, config, clock.nowSec())
  enqueueMarketAppHandler(db, config, signer, clock.nowSec())
  outbox.kick()
  holder.fetch = (req, env) => app.fetch(req, env)
  const url = `http://${base.host.includes(':') ? `[${base.host}]` : base.host}:${port}`
  log.info(
    { url, public_url: publicUrl, market_pubkey: signer.pubkey, relays: config.relays },
    'market service listening',
  )

  let stopping: Promise<void> | undefined
  return {
    url,
    app,
    db,
    config,
    workers,
    log,
    stop() {
      stopping ??= (async () => {
        // Stop accepting; idle keep-alive sockets close now, in-flight requests may finish (10 s cap).
        const closed = new Promise<void>((resolve) => server.close(() => resolve()))
        // A keep-alive socket whose request finishes during the stop turns idle: close it then too.
        server.closeIdleConnections()
        const sweep = setInterval(() => server.closeIdleConnections(), 50)
        const cap = setTimeout(() => server.closeAllConnections(), 10_000)
        await closed
        clearInterval(sweep)
        clearTimeout(cap)
        await svc.close()
        log.info('market service stopped')
      })()
      return stopping
    },
  }
}
