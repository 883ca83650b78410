/**
 * createApp(deps): the Hono app every feature mounts into. Every port comes in through `deps`
 * (`main.ts` only reads config and wires). Order: request id + log → problem+json errors →
 * body limit on /api → routes. Feature route factories receive a `MountContext` (deps + the NIP-98
 * `auth`); see "FEATURE MOUNTS" below for where to add one.
 */
import { createHmac, randomUUID } from 'node:crypto'
import { OpenAPIHono } from '@hono/zod-openapi'
import type Database from 'better-sqlite3'
import type { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { Logger } from 'pino'
import { verifyEvent } from '@zapcade/shared/crypto/event-sig'
import { marketLud16, type Config } from '@zapcade/shared/config'
import type { NostrEvent } from '@zapcade/shared/events/event'
import { AppError } from '@zapcade/shared/errors'
import { FsBlobStore } from './adapters/fs-blob/fs-blob-store.ts'
import { sqliteCatalogReader } from './adapters/sqlite/catalog-reader.ts'
import { sqliteDownloadRepo } from './adapters/sqlite/download-repo.ts'
import { sqliteReplayCache } from './adapters/sqlite/nip98-replay.ts'
import { sqliteUploadRepo } from './adapters/sqlite/upload-repo.ts'
import { zipDirectoryReader } from './adapters/zip/zip-directory.ts'
import { hashReceiptCode } from './domain/purchase/receipt-code.ts'
import { makeDownloadLimits } from './domain/download/download-service.ts'
import { defaultZipLimits } from './domain/upload/zip-policy.ts'
import { nip98Auth } from './http/auth-nip98.ts'
import { apiCors } from './http/cors.ts'
import { documentPlainRoutes } from './http/openapi-plain.ts'
import { Metrics } from './http/metrics.ts'
import { problemErrorHandler, problemNotFound } from './http/problem.ts'
import { requestLog } from './http/request-log.ts'
import { unauthenticatedWriteLimits } from './http/rate-limit.ts'
import { zodHook } from './http/validate.ts'
import type { BlobStore } from './ports/blob-store.ts'
import type { Clock } from './ports/clock.ts'
import type { MarketSigner } from './ports/market-signer.ts'
import type { RelayPublisher } from './ports/relay-publisher.ts'
import type { Wallet } from './ports/wallet.ts'
import { blobRoutes } from './routes/blobs.ts'
import { downloadRoutes } from './routes/downloads.ts'
import { catalogRoutes } from './routes/catalog.ts'
import { adminRoutes } from './routes/admin.ts'
import { developerRoutes } from './routes/developer.ts'
import { eventsRoutes } from './routes/events.ts'
import { healthRoutes } from './routes/health.ts'
import { paymentsRoutes } from './routes/payments-deps.ts'
import { lnurlFeature } from './routes/lnurl.ts'
import { lightningAddressRoutes } from './routes/lightning-address.ts'
import { nostrLinkRoutes } from './routes/nostr-links.ts'
import { meRoutes } from './routes/me.ts'
import { entitlementRoutes } from './routes/entitlements.ts'
import { payoutRoutes } from './routes/payouts.ts'
import { wellKnownRoutes } from './routes/well-known.ts'
import type { RouteAuth } from './routes/route-auth.ts'
import { socketIp } from './routes/route-auth.ts'
import { completeStored, uploadRoutes } from './routes/uploads.ts'
import { webRoutes } from './routes/web.ts'

export interface AppDeps {
  config: Config
  /** ZAPCADE_SECRET bytes (HMAC for signed URLs and IP hashes). */
  secret: Buffer
  clock: Clock
  db: Database.Database
  log: Logger
  relays: RelayPublisher
  signer: MarketSigner
  blobStore?: BlobStore
  wallet?: Wallet
  /** Randomness in [0, 1) (backoff jitter); defaults to Math.random. */
  random?: () => number
  /** fetch for outgoing HTTP (LNURL checks); defaults to the global fetch. */
  fetch?: typeof fetch
  metrics?: Metrics
  /**
   * A second connection to the same file with synchronous=NORMAL for the NIP-98 replay cache: a FULL
   * fsync per signed request (~6 ms here) would block the event loop; NORMAL still survives a process
   * restart (only an OS crash could lose the last window's ids). Defaults to `db`.
   */
  replayDb?: Database.Database
  /** Event id + signature check for NIP-98 headers and submitted events; default shared's event-sig. */
  verifyEvent?: (ev: NostrEvent) => boolean
  /** Extra route factories mounted after the built-in ones (launcher, tests, payments wiring). */
  features?: FeatureMount[]
  /** The built web storefront (client/web/dist) to serve at `/`, mounted after every API route. */
  webDistDir?: string | undefined
}

/** What every feature's route factory receives. */
export interface MountContext extends AppDeps {
  /** Run an outbox pass now (set by startService once its worker exists); call after enqueueing. */
  kickOutbox: () => void
  auth: RouteAuth
  verifyEvent: (ev: NostrEvent) => boolean
  metrics: Metrics
  random: () => number
  fetch: typeof fetch
}

export type FeatureMount = (ctx: MountContext) => Hono

/** The context route factories and workers receive: deps plus the NIP-98 auth and defaults filled. */
export function mountContext(deps: AppDeps): MountContext {
  const verify = deps.verifyEvent ?? verifyEvent
  const auth = nip98Auth({
    publicUrl: deps.config.publicUrl,
    adminPubkeys: deps.config.adminPubkeys,
    clock: deps.clock,
    replay: sqliteReplayCache(deps.replayDb ?? deps.db),
    verifySignature: verify,
  })
  return {
    ...deps,
    kickOutbox: () => {},
    auth,
    verifyEvent: verify,
    metrics: deps.metrics ?? new Metrics(),
    random: deps.random ?? Math.random,
    fetch: deps.fetch ?? globalThis.fetch,
  }
}

/** Build the app (from deps, or from a context made by `mountContext` to share it with workers). */
export function createApp(deps: AppDeps | MountContext): OpenAPIHono {
  const ctx = 'auth' in deps ? deps : mountContext(deps)
  const metrics = ctx.metrics

  const app = new OpenAPIHono({ defaultHook: zodHook })
  app.use('*', requestLog({ log: deps.log, metrics, nowMs: deps.clock.nowMs }))
  app.onError(problemErrorHandler(deps.log))
  app.notFound(problemNotFound)
  app.use('/api/*', apiCors()) // any origin, never credentials: NIP-98 carries no cookies (http/cors.ts)
  // JSON API bodies are small; the streamed blob PUT (/blobs/*) is bounded by its signed size instead.
  const limit = bodyLimit({
    maxSize: deps.config.maxBodyBytes,
    onError: () => {
      throw new AppError('BODY_TOO_LARGE', `request body over ${deps.config.maxBodyBytes} bytes`)
    },
  })
  app.use('/api/*', limit)
  app.use('/.well-known/*', limit)
  // Unauthenticated writes (draft games, guest checkouts): token buckets per IP hash and author key.
  const writes = unauthenticatedWriteLimits({
    ...deps.config.rateLimits,
    nowMs: () => deps.clock.nowMs(),
    secret: deps.secret,
    clientIp: socketIp,
    verifyEvent: ctx.verifyEvent,
  })
  app.use('/api/v1/events', writes.drafts)
  app.use('/api/v1/purchases', writes.guestCheckouts)

  app.route('/', healthRoutes(ctx))
  app.route('/', wellKnownRoutes(ctx))
  app.route('/', eventsRoutes(ctx))
  app.route('/', developerRoutes(ctx))
  app.route('/', adminRoutes(ctx))
  app.route('/', meRoutes(ctx))
  app.route('/', lightningAddressRoutes(ctx))
  app.route('/', nostrLinkRoutes(ctx.db))
  app.get('/metrics', (c) =>
    c.text(metrics.render(deps.db), 200, {
      'content-type': 'text/plain; version=0.0.4; charset=utf-8',
    }),
  )

  // ── Uploads, downloads and the local blob store's signed URLs (docs/architecture.md "Downloads and blobs") ──
  if (deps.blobStore) mountBlobFeatures(app, ctx, deps.blobStore)

  // ── FEATURE MOUNTS ──────────────────────────────────────────────────────────────────────────────
  // Each feature is a factory `(ctx: MountContext) => Hono` in routes/<feature>.ts, mounted at '/'.
  // Add the import above and one `app.route('/', xRoutes(ctx))` line here. Catalog, purchases,
  // zaps/LNURL, payouts and developer money views go here.
  app.route(
    '/',
    catalogRoutes({
      catalog: sqliteCatalogReader(ctx.db),
      marketPubkey: ctx.signer.pubkey,
      relays: ctx.config.relays,
      lud16: marketLud16(ctx.config),
      feeBps: ctx.config.feeBps,
      version: SERVICE_VERSION,
      fiatRate: ctx.config.fiatRate,
    }),
  )

  // Purchases, claims, library, ledger check, revokes, developer sales/ledger (routes/payments-deps.ts).
  app.route('/', paymentsRoutes(ctx))
  // Zaps: the market's Lightning address and its callback (routes/lnurl.ts); payouts list and admin actions.
  app.route('/', lnurlFeature(ctx))
  app.route('/', payoutRoutes(ctx))
  // Ownership a launcher can verify: check and market-signed proof (routes/entitlements.ts).
  app.route('/', entitlementRoutes(ctx))

  // ── end of FEATURE MOUNTS ───────────────────────────────────────────────────────────────────────
  for (const f of deps.features ?? []) app.route('/', f(ctx))

  documentPlainRoutes(app)
  app.openAPIRegistry.registerComponent('securitySchemes', 'nip98', {
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
    description: 'NIP-98: `Nostr <base64 kind-27235 event>`',
  })
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Zapcade market API', version: SERVICE_VERSION },
    servers: [{ url: ctx.config.publicUrl }],
  })
  // The storefront last: it answers only paths no API route took (routes/web.ts).
  if (deps.webDistDir) app.route('/', webRoutes({ distDir: deps.webDistDir }))
  return app
}

export const SERVICE_VERSION = '0.1.0'

function mountBlobFeatures(app: OpenAPIHono, ctx: MountContext, store: BlobStore): void {
  const { db, clock, secret, config } = ctx
  const nowSec = (): number => clock.nowSec()
  const uploads = {
    repo: sqliteUploadRepo(db),
    store,
    zip: zipDirectoryReader(store),
    nowSec,
    uuid: randomUUID,
    maxUploadBytes: config.maxUploadBytes,
    uploadTtlSec: 600,
    zipLimits: defaultZipLimits,
  }
  const downloads = {
    repo: sqliteDownloadRepo(db),
    store,
    nowMs: () => clock.nowMs(),
    urlTtlSec: 600,
    ipHash: (ip: string) => createHmac('sha256', secret).update(ip).digest('hex'),
    receiptHash: hashReceiptCode,
    limits: makeDownloadLimits(),
  }
  if (store instanceof FsBlobStore)
    app.route(
      '/',
      blobRoutes({ store, onStored: completeStored(uploads), accelRedirect: config.accelRedirect }),
    )
  app.route('/', uploadRoutes({ uploads, downloads: downloads.repo, auth: ctx.auth }))
  app.route('/', downloadRoutes({ downloads, auth: ctx.auth }))
}
