/**
 * startService: open and migrate `<dataDir>/zapcade.db`, build every dependency (market key, relay
 * publisher, blob store), create the app, start the background workers, serve with @hono/node-server,
 * and stop gracefully (stop accepting, let in-flight requests finish, stop workers, close the db).
 */
import { createHash } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { serve } from '@hono/node-server'
import type { OpenAPIHono } from '@hono/zod-openapi'
import Database from 'better-sqlite3'
import { pino, type Logger } from 'pino'
import { marketLud16, type Config } from '@zapcade/shared/config'
import { buildAppHandler } from '@zapcade/shared/events/app-handler'
import { applyPragmas, migrate } from '@zapcade/shared/db/migrate'
import { FsBlobStore } from './adapters/fs-blob/fs-blob-store.ts'
import { withDevSecrets } from './adapters/nostr/dev-secrets.ts'
import { keySigner } from './adapters/nostr/market-key.ts'
import { builtinOutboxHandlers } from './adapters/nostr/outbox-handlers.ts'
import { poolRelayPublisher } from './adapters/nostr/relay-publisher.ts'
import { makeS3Client, S3BlobStore } from './adapters/s3/s3-blob-store.ts'
import { enqueueOutbox, sqliteOutboxRepo } from './adapters/sqlite/outbox-repo.ts'
import { createApp, mountContext, type AppDeps, type MountContext } from './app.ts'
import { processDueJobs, type OutboxHandlers } from './domain/outbox/outbox.ts'
import type { BlobStore } from './ports/blob-store.ts'
import type { MarketSigner } from './ports/market-signer.ts'
import { systemClock } from './ports/clock.ts'
import type { Wallet } from './ports/wallet.ts'
import { intervalWorker, type Worker } from './workers/worker.ts'
import { NwcWallet } from './adapters/nwc/nwc-wallet.ts'
import { paymentsServiceWorkers } from './routes/payments-deps.ts'
import { zapOutboxHandlers } from './routes/lnurl.ts'
import { payoutWorker } from './routes/payouts.ts'

export interface StartOptions {
  config: Config
  wallet?: Wallet
  /** Replace any dependency (tests: clock, relays, log, fetch; payments: features, handlers). */
  overrides?: Partial<AppDeps> & {
    outboxHandlers?: OutboxHandlers
    /** Extra workers, made once the app context exists (payments: settlement poller, payouts). */
    workers?: ((ctx: MountContext) => Worker)[]
    outboxIntervalMs?: number
  }
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

/** The market's kind 0 content (published at start through the outbox, once per distinct content). */
export function enqueueMarketProfile(db: Database.Database, config: Config, nowSec: number): void {
  const payload = {
    name: config.marketName,
    ...(config.marketPicture ? { picture: config.marketPicture } : {}),
    lud16: marketLud16(config),
    nip05: marketLud16(config),
  }
  const key = `profile:${createHash('sha256').update(JSON.stringify(payload)).digest('hex')}`
  enqueueOutbox(db, { type: 'PUBLISH_PROFILE', payload, idempotencyKey: key, nowSec })
}

function blobStoreFor(
  config: Config,
  publicUrl: string,
  secret: Buffer,
  nowSec: () => number,
): BlobStore {
  const s3 = config.s3
  if (!s3)
    return new FsBlobStore({ rootDir: join(config.dataDir, 'blobs'), publicUrl, secret, nowSec })
  const client = makeS3Client({
    bucket: s3.bucket,
    region: s3.region,
    forcePathStyle: s3.pathStyle,
    ...(s3.endpoint ? { endpoint: s3.endpoint } : {}),
    ...(s3.accessKeyId && s3.secretAccessKey
      ? { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey }
      : {}),
  })
  return new S3BlobStore({ client, bucket: s3.bucket, nowSec })
}

/**
 * The market's NIP-89 handler (kind 31990) for games and releases, signed now and published through the
 * outbox once per distinct content, so any client meeting a game event can send its user to the store.
 */
export function enqueueMarketAppHandler(
  db: Database.Database,
  config: Config,
  signer: MarketSigner,
  nowSec: number,
): void {
  const unsigned = buildAppHandler({
    publicUrl: config.publicUrl,
    name: config.marketName,
    picture: config.marketPicture,
    nip05: marketLud16(config),
    createdAtSec: nowSec,
  })
  const key = `app-handler:${createHash('sha256')
    .update(JSON.stringify([unsigned.content, unsigned.tags]))
    .digest('hex')}`
  enqueueOutbox(db, {
    type: 'PUBLISH_EVENT',
    payload: signer.sign(unsigned),
    idempotencyKey: key,
    nowSec,
  })
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

  // 3. Database: migrated, money durability.
  let db: Database.Database
  try {
    db = o.db ?? new Database(join(config.dataDir, 'zapcade.db'))
    applyPragmas(db, 'money')
    migrate(db, undefined, clock.nowSec())
    // DB-2: money is written with synchronous=FULL; refuse to run otherwise.
    if (db.pragma('synchronous', { simple: true }) !== 2)
      throw new Error('the money connection must run with synchronous=FULL')
  } catch (e) {
    server.close()
    throw e
  }
  // NIP-98 replay ids: same file, no fsync per signed request (see AppDeps.replayDb).
  const replayDb = o.replayDb ?? (o.db ? db : new Database(join(config.dataDir, 'zapcade.db')))
  if (replayDb !== db) applyPragmas(replayDb, 'catalog')

  // 4. Ports.
  const secret = o.secret ?? Buffer.from(base.secret, 'utf8')
  const signer = o.signer ?? keySigner(base.marketSecretKeyHex)
  const relays = o.relays ?? poolRelayPublisher({ relays: config.relays })
  const blobStore = o.blobStore ?? blobStoreFor(config, publicUrl, secret, () => clock.nowSec())
  const deps: AppDeps = {
    ...o,
    config,
    secret,
    clock,
    db,
    replayDb,
    log,
    relays,
    signer,
    blobStore,
  }
  if (opts.wallet ?? o.wallet) deps.wallet = (opts.wallet ?? o.wallet)!
  // ZAPCADE_NWC_URL: the market's own wallet over NIP-47, owned (and closed) by the service.
  const ownedWallet =
    !deps.wallet && config.nwcUrl
      ? new NwcWallet({ url: config.nwcUrl, log: (msg, f) => log.warn(f ?? {}, msg) })
      : undefined
  if (ownedWallet) deps.wallet = ownedWallet
  const ctx = mountContext(deps)
  const app = createApp(ctx)

  // 5. Workers. The outbox first; payments workers (settlement poller, payouts) go in `o.workers`.
  const random = ctx.random
  const handlers: OutboxHandlers = {
    ...builtinOutboxHandlers({ db, signer, nowSec: () => clock.nowSec() }),
    ...zapOutboxHandlers({ db, signer }),
    ...o.outboxHandlers,
  }
  const outboxRepo = sqliteOutboxRepo(db)
  const outbox = intervalWorker(
    'outbox',
    o.outboxIntervalMs ?? 2000,
    () =>
      processDueJobs({
        repo: outboxRepo,
        handlers,
        publisher: relays,
        configuredRelays: config.relays,
        nowSec: () => clock.nowSec(),
        random,
      }),
    (e) => log.error({ err: e }, 'outbox pass failed'),
  )
  ctx.kickOutbox = () => outbox.kick()
  const workers: Worker[] = [outbox]
  // ── PAYMENTS WORKERS: settlement / invoice polling and payouts are passed in `overrides.workers`. ──
  for (const make of o.workers ?? []) workers.push(make(ctx))
  // Settlement: payment_received listener, pending reconciler + expiry sweeper, late-payment reconciler.
  workers.push(...paymentsServiceWorkers(ctx))
  // Payouts: recorded payment hashes looked up first, then due payouts paid (routes/payouts.ts).
  if (ctx.wallet) workers.push(payoutWorker(ctx))

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
        for (const w of workers) await w.stop()
        await relays.close()
        await ownedWallet?.close()
        if (replayDb !== db) replayDb.close()
        db.close()
        log.info('market service stopped')
      })()
      return stopping
    },
  }
}
