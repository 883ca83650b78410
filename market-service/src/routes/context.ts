/**
 * What every route factory receives: configuration, the NIP-98 `auth`, and the ports it reads and
 * writes, all built once by `compose.ts` (docs/architecture.md "Wiring"). Routes import ports, domain
 * and http helpers, never adapters; compose.ts is the one place adapters are constructed.
 */
import type { Hono } from 'hono'
import type { Logger } from 'pino'
import type { Config } from '@zapcade/shared/config'
import type { NostrEvent } from '@zapcade/shared/events/event'
import type { DownloadRepo } from '../domain/download/download-repo.ts'
import type { DownloadDeps } from '../domain/download/download-service.ts'
import type { PayoutAdminDeps } from '../domain/payout/payout-admin.ts'
import type { PayoutRepo } from '../domain/payout/payout-repo.ts'
import type { RefundDeps } from '../domain/refund/refund-service.ts'
import type { KeyDeps } from '../domain/keys/keys.ts'
import type { SalesDeps } from '../domain/pricing/sales.ts'
import type { Payments } from '../domain/purchase/payments.ts'
import type { UploadDeps } from '../domain/upload/upload-service.ts'
import type { ZapDeps, ZapTargetRef } from '../domain/zap/zap-callback.ts'
import type { Metrics } from '../http/metrics.ts'
import type { CatalogReader } from '../ports/catalog-reader.ts'
import type { Clock } from '../ports/clock.ts'
import type { DeveloperEventsReader, DeveloperRepo, LnNameRepo } from '../ports/developer-repo.ts'
import type { DraftRepo } from '../ports/draft-repo.ts'
import type { EntitlementRepo } from '../ports/entitlement-repo.ts'
import type { GameOverlayRepo } from '../ports/game-overlay.ts'
import type { LedgerRepo } from '../ports/ledger-repo.ts'
import type { MarketSigner } from '../ports/market-signer.ts'
import type { OutboxQueue } from '../ports/outbox-queue.ts'
import type { PaymentAlertRepo } from '../ports/payment-alert-repo.ts'
import type { RelayPublisher } from '../ports/relay-publisher.ts'
import type { Wallet } from '../ports/wallet.ts'
import type { LocalBlobStore } from './blobs.ts'
import type { RouteAuth } from './route-auth.ts'

/** The result of checking a payout Lightning address (LUD-16) before it is saved. */
export type LnAddressCheck = { reachable: true } | { reachable: false; reason: string }

/** Uploads, downloads and (local store only) the signed blob URLs. */
export interface BlobPorts {
  uploads: UploadDeps
  downloads: DownloadDeps
  downloadRepo: DownloadRepo
  /** Set when blobs live on local disk: the service then serves `/blobs/*` itself. */
  local?: LocalBlobStore | undefined
}

/** Every port a route uses, by what it is for. */
export interface RoutePorts {
  /** Throws when the database cannot be read (`/healthz`). */
  ping(): void
  /** The Prometheus text of `/metrics`. */
  renderMetrics(): string
  catalog: CatalogReader
  drafts: DraftRepo
  /** A VERIFIED upload of this developer with this sha256 and size exists (a build asset may name it). */
  hasVerifiedUpload(pubkey: string, sha256: string, sizeBytes: number): boolean
  outbox: OutboxQueue
  developers: DeveloperRepo
  developerEvents: DeveloperEventsReader
  lnNames: LnNameRepo
  /** The listing an event id belongs to (any version of a listing, a release or an asset of it). */
  listingOfEvent(eventId: string): ZapTargetRef | undefined
  gameOverlay: GameOverlayRepo
  checkLnAddress(address: string): Promise<LnAddressCheck>
  entitlements: EntitlementRepo
  ledger: LedgerRepo
  paymentAlerts: PaymentAlertRepo
  payments: Payments
  payouts: PayoutRepo
  payoutAdmin: PayoutAdminDeps
  zaps: ZapDeps
  /** Refunds over Lightning (compose-refunds.ts); absent in contexts built without them. */
  refunds?: RefundDeps | undefined
  /** Download keys and sales with codes (compose-commerce.ts); absent in contexts built without them. */
  keys?: KeyDeps | undefined
  sales?: SalesDeps | undefined
  blobs?: BlobPorts | undefined
}

export interface RouteContext {
  config: Config
  /** ZAPCADE_SECRET bytes (HMAC for signed URLs and IP hashes). */
  secret: Buffer
  clock: Clock
  log: Logger
  relays: RelayPublisher
  signer: MarketSigner
  wallet: Wallet | undefined
  auth: RouteAuth
  /** Event id + signature check for submitted events. */
  verifyEvent: (ev: NostrEvent) => boolean
  metrics: Metrics
  random: () => number
  fetch: typeof fetch
  /** Run an outbox pass now; call after enqueueing. */
  kickOutbox: () => void
  ports: RoutePorts
}

/** An extra route factory mounted after the built-in ones (launcher, tests). */
export type FeatureMount = (ctx: RouteContext) => Hono
