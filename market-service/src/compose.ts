/**
 * The one place the service is assembled (docs/architecture.md "Wiring"): from configuration and the
 * opened database it builds every adapter, domain service and worker once, and answers the context
 * `createApp` mounts routes with plus the running workers. Routes and workers receive ports; only this
 * file (and server.ts, which opens the database and listens) constructs adapters.
 */
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { Logger } from 'pino'
import { marketLud16, type Config } from '@zapcade/shared/config'
import { verifyEvent } from '@zapcade/shared/crypto/event-sig'
import { applyPragmas, migrate } from '@zapcade/shared/db/migrate'
import { buildAppHandler } from '@zapcade/shared/events/app-handler'
import type { NostrEvent } from '@zapcade/shared/events/event'
import { AppError } from '@zapcade/shared/errors'
import { MAX_PRICE_SATS, msat, satsToMsat } from '@zapcade/shared/money'
import { isPublicHost } from '@zapcade/shared/net/public-address'
import { FsBlobStore } from './adapters/fs-blob/fs-blob-store.ts'
import { checkLnAddress } from './adapters/lnurl/check-ln-address.ts'
import { invoiceExpiresAtSec } from './adapters/lnurl/decode-invoice.ts'
import { lnurlPayClient } from './adapters/lnurl/lnurl-pay-client.ts'
import { keySigner } from './adapters/nostr/market-key.ts'
import { builtinOutboxHandlers } from './adapters/nostr/outbox-handlers.ts'
import { poolRelayPublisher } from './adapters/nostr/relay-publisher.ts'
import { NwcWallet } from './adapters/nwc/nwc-wallet.ts'
import { makeS3Client, S3BlobStore } from './adapters/s3/s3-blob-store.ts'
import { sqliteGameOverlayRepo } from './adapters/sqlite/admin-repo.ts'
import { sqliteCatalogReader } from './adapters/sqlite/catalog-reader.ts'
import { sqliteDeveloperEvents } from './adapters/sqlite/developer-events.ts'
import { sqliteDeveloperRepo } from './adapters/sqlite/developer-repo.ts'
import { sqliteDownloadRepo } from './adapters/sqlite/download-repo.ts'
import { hasVerifiedUpload, sqliteDraftRepo } from './adapters/sqlite/draft-repo.ts'
import { sqliteEntitlementRepo } from './adapters/sqlite/entitlement-repo.ts'
import { sqliteLedgerRepo } from './adapters/sqlite/ledger-repo.ts'
import { sqliteLnNameRepo } from './adapters/sqlite/ln-name-repo.ts'
import { sqliteReplayCache } from './adapters/sqlite/nip98-replay.ts'
import { enqueueOutbox, sqliteOutboxRepo } from './adapters/sqlite/outbox-repo.ts'
import { sqlitePaymentAlertRepo } from './adapters/sqlite/payment-alert-repo.ts'
import { sqlitePayoutRepo } from './adapters/sqlite/payout-repo.ts'
import { sqlitePurchaseRepo } from './adapters/sqlite/purchase-repo.ts'
import { sqliteUploadRepo } from './adapters/sqlite/upload-repo.ts'
import { sqliteListingOfEvent, sqliteZapRepo } from './adapters/sqlite/zap-repo.ts'
import { zipDirectoryReader } from './adapters/zip/zip-directory.ts'
import { makeDownloadLimits } from './domain/download/download-service.ts'
import { processDueJobs, type OutboxHandlers } from './domain/outbox/outbox.ts'
import { PayoutWorker, type PayoutPolicy } from './domain/payout/payout-worker.ts'
import type { Payments } from './domain/purchase/payments.ts'
import { formatReceiptCode, hashReceiptCode } from './domain/purchase/receipt-code.ts'
import { settlePayment } from './domain/settlement/settle.ts'
import { settlementWorkers, type ReconcileOptions } from './domain/settlement/settlement-workers.ts'
import { defaultZipLimits } from './domain/upload/zip-policy.ts'
import { zapReceiptHandler } from './domain/zap/zap-receipt-job.ts'
import { lnurlCallbackPath, type ZapServerConfig } from './domain/zap/zap-callback.ts'
import { nip98Auth } from './http/auth-nip98.ts'
import { Metrics } from './http/metrics.ts'
import type { BlobStore } from './ports/blob-store.ts'
import type { Clock } from './ports/clock.ts'
import type { MarketSigner } from './ports/market-signer.ts'
import type { RelayPublisher } from './ports/relay-publisher.ts'
import type { Wallet } from './ports/wallet.ts'
import type { FeatureMount, RouteContext, RoutePorts } from './routes/context.ts'
import { intervalWorker, type Worker } from './workers/worker.ts'
import { composeCommerce, salesDeps } from './compose-commerce.ts'
import { priceFor } from './domain/pricing/sales.ts'
import { composeRefunds } from './compose-refunds.ts'

export type { Payments }

/** What the service is assembled from: configuration, the opened database and the outside world. */
export interface ComposeInput {
  config: Config
  /** ZAPCADE_SECRET bytes (HMAC for signed URLs and IP hashes). */
  secret: Buffer
  clock: Clock
  db: Database.Database
  /**
   * A second connection to the same file with synchronous=NORMAL for the NIP-98 replay cache: a FULL
   * fsync per signed request (~6 ms here) would block the event loop; NORMAL still survives a process
   * restart (only an OS crash could lose the last window's ids). Defaults to `db`.
   */
  replayDb?: Database.Database | undefined
  log: Logger
  relays: RelayPublisher
  signer: MarketSigner
  blobStore?: BlobStore | undefined
  wallet?: Wallet | undefined
  /** Randomness in [0, 1) (backoff jitter); defaults to Math.random. */
  random?: (() => number) | undefined
  /** fetch for outgoing HTTP (LNURL checks, payouts); defaults to the global fetch. */
  fetch?: typeof fetch | undefined
  metrics?: Metrics | undefined
  /** Event id + signature check for NIP-98 headers and submitted events; default shared's event-sig. */
  verifyEvent?: ((ev: NostrEvent) => boolean) | undefined
  /** Outbox handlers added to (or replacing) the built-in ones. */
  outboxHandlers?: OutboxHandlers | undefined
  outboxIntervalMs?: number | undefined
  /** Extra workers, made once the context exists. */
  workers?: ((ctx: RouteContext) => Worker)[] | undefined
  /** Extra route factories mounted after the built-in ones (launcher, tests). */
  features?: FeatureMount[] | undefined
  /** The built web storefront (client/web/dist) to serve at `/`, mounted after every API route. */
  webDistDir?: string | undefined
}

/** What `createApp` receives: the routes' context, extra features and the storefront directory. */
export interface AppContext extends RouteContext {
  features?: FeatureMount[] | undefined
  webDistDir?: string | undefined
}

export interface Composition {
  app: AppContext
  /** Running: the outbox first, then extra workers, settlement, payouts. */
  workers: Worker[]
  outbox: Worker
}

/** The settlement context: the purchases port over `db`, the wallet, the market's fee and key. */
export interface PaymentsContext {
  db: Database.Database
  clock: Clock
  secret: Buffer
  marketPubkey: string
  feeBps: number
  wallet: Wallet | undefined
  log?: (msg: string, fields?: Record<string, unknown>) => void
  /** Invoice expiry of checkouts (default 900 s). */
  invoiceExpirySec?: number
  /** Production: zap receipts go only to relays on public hosts (a stranger names them in the zap request). */
  production?: boolean
}

/** The payments feature over `db` (checkout, claims, settlement), built once per service. */
export function makePayments(ctx: PaymentsContext): Payments {
  const repo = sqlitePurchaseRepo(ctx.db)
  const nowSec = (): number => ctx.clock.nowSec()
  const settleDeps = {
    repo,
    newId: randomUUID,
    nowSec,
    ...(ctx.production ? { allowRelayHost: isPublicHost } : {}),
  }
  return {
    repo,
    checkout: ctx.wallet && {
      repo,
      wallet: ctx.wallet,
      marketPubkey: ctx.marketPubkey,
      feeBps: ctx.feeBps,
      invoiceExpirySec: ctx.invoiceExpirySec ?? 900,
      invoiceProvider: 'nwc',
      nowSec,
      newId: randomUUID,
      newReceiptCode: () => formatReceiptCode(randomBytes(20)),
      hashReceiptCode,
      pricing: salesDeps(ctx.db, ctx.clock),
    },
    claims: { repo, nowSec, hashReceiptCode },
    settle: (hash, input) => settlePayment(settleDeps, hash, input),
  }
}

/** The settlement workers (notification listener, pending reconciler with the expiry sweeper, late-payment reconciler). */
export function paymentsWorkers(
  p: Payments,
  ctx: Pick<PaymentsContext, 'wallet' | 'clock' | 'log'>,
  o: Partial<ReconcileOptions> & { pendingEveryMs?: number; lateEveryMs?: number } = {},
): Worker[] {
  if (!ctx.wallet) return []
  return settlementWorkers(
    {
      repo: p.repo,
      wallet: ctx.wallet,
      settle: p.settle,
      nowSec: () => ctx.clock.nowSec(),
      ...(ctx.log ? { log: ctx.log } : {}),
    },
    o,
  )
}

/** The zap server's settings from the service config: the market key zaps and signs receipts. */
export function zapServerConfig(
  ctx: { config: Config; signer: Pick<MarketSigner, 'pubkey'> },
  o: Partial<ZapServerConfig> = {},
): ZapServerConfig {
  const name = ctx.config.lud16Name
  return {
    name,
    host: new URL(ctx.config.publicUrl).host,
    baseUrl: ctx.config.publicUrl,
    callbackUrl: `${ctx.config.publicUrl}${lnurlCallbackPath(name)}`,
    tipFeeBps: ctx.config.tipFeeBps,
    zapperPubkey: ctx.signer.pubkey,
    marketPubkey: ctx.signer.pubkey,
    minSendableMsat: satsToMsat(1),
    maxSendableMsat: satsToMsat(MAX_PRICE_SATS),
    commentAllowed: 280,
    feeBps: ctx.config.feeBps,
    invoiceExpirySec: 900,
    invoiceProvider: 'nwc',
    ...o,
  }
}

/** The payout worker over `db`, the wallet and fetch. */
export function makePayoutWorker(
  ctx: {
    db: Database.Database
    wallet: Wallet | undefined
    clock: Clock
    random: () => number
    fetch: typeof fetch
    config: Config
  },
  policy?: Partial<PayoutPolicy>,
  log?: (msg: string, fields: Record<string, unknown>) => void,
): PayoutWorker {
  if (!ctx.wallet) throw new Error('the payout worker needs a wallet')
  return new PayoutWorker({
    repo: sqlitePayoutRepo(ctx.db),
    wallet: ctx.wallet,
    lnurl: lnurlPayClient({ production: ctx.config.production, fetch: ctx.fetch }),
    clock: ctx.clock,
    random: ctx.random,
    invoiceExpiresAtSec,
    ...(policy ? { policy } : {}),
    ...(log ? { log } : {}),
  })
}

/** The service's payout worker: recover once (every recorded payment hash looked up), then a pass every `intervalMs`. */
function payoutServiceWorker(worker: PayoutWorker, log: Logger, intervalMs = 5000): Worker {
  let recovered = false
  return intervalWorker(
    'payouts',
    intervalMs,
    async () => {
      if (!recovered) {
        await worker.recover()
        recovered = true
      }
      await worker.tick()
    },
    (e) => log.error({ err: e }, 'payout pass failed'),
  )
}

/** The blob store of the configuration: S3 when a bucket is set, else the local disk under the data dir. */
export function blobStoreFor(config: Config, secret: Buffer, nowSec: () => number): BlobStore {
  const s3 = config.s3
  if (!s3)
    return new FsBlobStore({
      rootDir: join(config.dataDir, 'blobs'),
      publicUrl: config.publicUrl,
      secret,
      nowSec,
    })
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

export interface Service extends Composition {
  db: Database.Database
  signer: MarketSigner
  /** Stop the workers, close the relays, the owned wallet and the database connections. */
  close(): Promise<void>
}

/**
 * The whole service from configuration (the public URL already known): `<dataDir>/zapcade.db` opened
 * and migrated with money durability, a second connection for the NIP-98 replay ids, the market key,
 * the relay publisher, the blob store, the wallet (`ZAPCADE_NWC_URL`, owned and closed here, unless one
 * is given), then `compose`. Anything in `overrides` replaces what would be built.
 */
export function assembleService(o: {
  config: Config
  /** ZAPCADE_SECRET (utf-8). */
  secret: string
  marketSecretKeyHex: string
  wallet?: Wallet | undefined
  overrides: Partial<ComposeInput> & { log: Logger; clock: Clock }
}): Service {
  const { config, overrides: v } = o
  const { log, clock } = v
  const db = v.db ?? new Database(join(config.dataDir, 'zapcade.db'))
  applyPragmas(db, 'money')
  migrate(db, undefined, clock.nowSec())
  // DB-2: money is written with synchronous=FULL; refuse to run otherwise.
  if (db.pragma('synchronous', { simple: true }) !== 2)
    throw new Error('the money connection must run with synchronous=FULL')
  // NIP-98 replay ids: same file, no fsync per signed request (see ComposeInput.replayDb).
  const replayDb = v.replayDb ?? (v.db ? db : new Database(join(config.dataDir, 'zapcade.db')))
  if (replayDb !== db) applyPragmas(replayDb, 'catalog')
  const secret = v.secret ?? Buffer.from(o.secret, 'utf8')
  const signer = v.signer ?? keySigner(o.marketSecretKeyHex)
  const relays = v.relays ?? poolRelayPublisher({ relays: config.relays })
  const blobStore = v.blobStore ?? blobStoreFor(config, secret, () => clock.nowSec())
  const given = o.wallet ?? v.wallet
  const ownedWallet =
    !given && config.nwcUrl
      ? new NwcWallet({ url: config.nwcUrl, log: (msg, f) => log.warn(f ?? {}, msg) })
      : undefined
  const c = compose({
    ...v,
    config,
    secret,
    db,
    replayDb,
    relays,
    signer,
    blobStore,
    wallet: given ?? ownedWallet,
  })
  return {
    ...c,
    db,
    signer,
    async close() {
      for (const w of c.workers) await w.stop()
      await relays.close()
      await ownedWallet?.close()
      if (replayDb !== db) replayDb.close()
      db.close()
    },
  }
}

const noWallet = {
  makeInvoice(): never {
    throw new AppError('WALLET_UNAVAILABLE', 'the market has no wallet configured')
  },
}

/** Build every port, the routes' context and the workers (started) from `input`. */
export function compose(input: ComposeInput): Composition {
  const { config, clock, db, log, signer, relays, secret } = input
  const nowSec = (): number => clock.nowSec()
  const verify = input.verifyEvent ?? verifyEvent
  const metrics = input.metrics ?? new Metrics()
  const random = input.random ?? Math.random
  const fetchFn = input.fetch ?? globalThis.fetch
  const wallet = input.wallet
  const auth = nip98Auth({
    publicUrl: config.publicUrl,
    adminPubkeys: config.adminPubkeys,
    clock,
    replay: sqliteReplayCache(input.replayDb ?? db),
    verifySignature: verify,
  })

  const payments = makePayments({
    db,
    clock,
    secret,
    marketPubkey: signer.pubkey,
    feeBps: config.feeBps,
    wallet,
    production: config.production,
    log: (msg, fields) => log.warn(fields ?? {}, msg),
  })
  const payouts = sqlitePayoutRepo(db)
  const commerce = composeCommerce({ db, clock, signer, publicUrl: config.publicUrl })
  const refunds = composeRefunds({ db, config, secret, clock, wallet, fetch: fetchFn, random, log })
  const ports: RoutePorts = {
    ping: () => {
      db.prepare('SELECT 1').get()
    },
    renderMetrics: () => metrics.render(db),
    catalog: sqliteCatalogReader(db),
    drafts: sqliteDraftRepo(db),
    hasVerifiedUpload: (pubkey, sha256, sizeBytes) =>
      hasVerifiedUpload(db, pubkey, sha256, sizeBytes),
    outbox: { enqueue: (job) => enqueueOutbox(db, job) },
    developers: sqliteDeveloperRepo(db),
    developerEvents: sqliteDeveloperEvents(db),
    lnNames: sqliteLnNameRepo(db),
    listingOfEvent: sqliteListingOfEvent(db),
    gameOverlay: sqliteGameOverlayRepo(db),
    checkLnAddress: (address) =>
      checkLnAddress(address, { fetch: fetchFn, production: config.production }),
    entitlements: sqliteEntitlementRepo(db),
    ledger: sqliteLedgerRepo(db),
    paymentAlerts: sqlitePaymentAlertRepo(db),
    payments,
    payouts,
    payoutAdmin: { repo: payouts, wallet, clock, invoiceExpiresAtSec },
    zaps: {
      config: zapServerConfig({ config, signer }),
      repo: sqliteZapRepo(db),
      wallet: wallet ?? noWallet,
      nowSec,
      newId: randomUUID,
      priceNow: (game) =>
        game.priceMsat > 0
          ? msat(priceFor(commerce.sales, game, undefined).finalPriceMsat)
          : game.priceMsat,
    },
    blobs: input.blobStore && blobPorts(input.blobStore, db, secret, clock, config),
    refunds: refunds.deps,
    keys: commerce.keys,
    sales: commerce.sales,
  }
  const app: AppContext = {
    config,
    secret,
    clock,
    log,
    relays,
    signer,
    wallet,
    auth,
    verifyEvent: verify,
    metrics,
    random,
    fetch: fetchFn,
    kickOutbox: () => {},
    ports,
    features: input.features,
    webDistDir: input.webDistDir,
  }

  // Workers. The outbox first, then extra ones, settlement, payouts.
  const handlers: OutboxHandlers = {
    ...builtinOutboxHandlers({ db, signer, nowSec }),
    PUBLISH_ZAP_RECEIPT: zapReceiptHandler({ purchases: payments.repo, signer }),
    SEND_GIFT_DM: commerce.giftDm,
    ...input.outboxHandlers,
  }
  const outboxRepo = sqliteOutboxRepo(db)
  const outbox = intervalWorker(
    'outbox',
    input.outboxIntervalMs ?? 2000,
    () =>
      processDueJobs({
        repo: outboxRepo,
        handlers,
        publisher: relays,
        configuredRelays: config.relays,
        nowSec,
        random,
      }),
    (e) => log.error({ err: e }, 'outbox pass failed'),
  )
  app.kickOutbox = () => outbox.kick()
  const workers: Worker[] = [outbox]
  for (const make of input.workers ?? []) workers.push(make(app))
  // Settlement: payment_received listener, pending reconciler + expiry sweeper, late-payment reconciler.
  const warn = (msg: string, fields?: Record<string, unknown>): void => log.warn(fields ?? {}, msg)
  workers.push(...paymentsWorkers(payments, { wallet, clock, log: warn }))
  // Payouts: recorded payment hashes looked up first, then due payouts paid.
  if (wallet) {
    const worker = makePayoutWorker(
      { db, wallet, clock, random, fetch: fetchFn, config },
      undefined,
      (msg, fields) => log.info(fields, msg),
    )
    workers.push(payoutServiceWorker(worker, log))
  }
  // Refunds: SENDING refunds looked up first, then approved ones paid (compose-refunds.ts).
  if (refunds.worker) workers.push(refunds.worker)
  return { app, workers, outbox }
}

function blobPorts(
  store: BlobStore,
  db: Database.Database,
  secret: Buffer,
  clock: Clock,
  config: Config,
): NonNullable<RoutePorts['blobs']> {
  const downloadRepo = sqliteDownloadRepo(db)
  return {
    uploads: {
      repo: sqliteUploadRepo(db),
      store,
      zip: zipDirectoryReader(store),
      nowSec: () => clock.nowSec(),
      uuid: randomUUID,
      maxUploadBytes: config.maxUploadBytes,
      uploadTtlSec: 600,
      zipLimits: defaultZipLimits,
    },
    downloads: {
      repo: downloadRepo,
      store,
      nowMs: () => clock.nowMs(),
      urlTtlSec: 600,
      ipHash: (ip: string) => createHmac('sha256', secret).update(ip).digest('hex'),
      receiptHash: hashReceiptCode,
      limits: makeDownloadLimits(),
    },
    downloadRepo,
    local: store instanceof FsBlobStore ? store : undefined,
  }
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
