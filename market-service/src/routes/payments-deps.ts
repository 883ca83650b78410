/**
 * Wiring of the payments feature (checkout, claims, settlement and its workers) from the app context:
 * SQLite adapters, the wallet, the clock, ids and receipt codes. Routes and server.ts both use it, so
 * the HTTP side and the workers book through the same settlement function.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import type Database from 'better-sqlite3'
import { OpenAPIHono } from '@hono/zod-openapi'
import { isPublicHost } from '@zapcade/shared/net/public-address'
import { sqliteEntitlementRepo } from '../adapters/sqlite/entitlement-repo.ts'
import { sqliteLedgerRepo } from '../adapters/sqlite/ledger-repo.ts'
import { sqlitePaymentAlertRepo } from '../adapters/sqlite/payment-alert-repo.ts'
import type { MountContext } from '../app.ts'
import { sqlitePurchaseRepo } from '../adapters/sqlite/purchase-repo.ts'
import type { CheckoutDeps } from '../domain/purchase/checkout.ts'
import type { ClaimDeps } from '../domain/purchase/claim.ts'
import { formatReceiptCode, hashReceiptCode } from '../domain/purchase/receipt-code.ts'
import { settlePayment } from '../domain/settlement/settle.ts'
import type { SettleInput, SettleOutcome } from '../domain/settlement/settle.ts'
import { settlementWorkers } from '../domain/settlement/settlement-workers.ts'
import type { ReconcileOptions } from '../domain/settlement/settlement-workers.ts'
import type { Clock } from '../ports/clock.ts'
import type { PurchaseRepo } from '../ports/purchase-repo.ts'
import type { Wallet } from '../ports/wallet.ts'
import type { Worker } from '../workers/worker.ts'
import { ledgerRoutes } from './ledger-admin.ts'
import { registerPaymentsDocs } from './payments-openapi.ts'
import { libraryRoutes } from './library.ts'
import { purchaseRoutes } from './purchases.ts'

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

export interface Payments {
  repo: PurchaseRepo
  checkout: CheckoutDeps | undefined
  claims: ClaimDeps
  settle: (paymentHash: string, input: SettleInput) => Promise<SettleOutcome>
}

/** Build the payments dependencies once per app. */
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
    },
    claims: { repo, nowSec, hashReceiptCode },
    settle: (hash, input) => settlePayment(settleDeps, hash, input),
  }
}

/** The settlement workers (notification listener, pending reconciler with the expiry sweeper, late-payment reconciler). */
export function paymentsWorkers(
  p: Payments,
  ctx: PaymentsContext,
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

/** Everything the payments feature serves, from the app's mount context (mounted by createApp). */
export function paymentsRoutes(ctx: MountContext): OpenAPIHono {
  const p = makePayments(paymentsContextOf(ctx))
  const app = new OpenAPIHono()
  registerPaymentsDocs(app)
  app.route('/', purchaseRoutes(p, ctx.auth))
  const entitlements = sqliteEntitlementRepo(ctx.db)
  app.route('/', libraryRoutes(entitlements, ctx.auth))
  app.route(
    '/',
    ledgerRoutes({
      ledger: sqliteLedgerRepo(ctx.db),
      entitlements,
      alerts: sqlitePaymentAlertRepo(ctx.db),
      clock: ctx.clock,
      auth: ctx.auth,
    }),
  )
  return app
}

/** The settlement workers for server.ts's workers list (none without a wallet). */
export function paymentsServiceWorkers(
  ctx: MountContext,
  o: Partial<ReconcileOptions> & { pendingEveryMs?: number; lateEveryMs?: number } = {},
): Worker[] {
  const pc = paymentsContextOf(ctx)
  return paymentsWorkers(makePayments(pc), pc, o)
}

function paymentsContextOf(ctx: MountContext): PaymentsContext {
  return {
    db: ctx.db,
    clock: ctx.clock,
    secret: ctx.secret,
    marketPubkey: ctx.signer.pubkey,
    feeBps: ctx.config.feeBps,
    wallet: ctx.wallet,
    production: ctx.config.production,
    log: (msg, fields) => ctx.log.warn(fields ?? {}, msg),
  }
}
