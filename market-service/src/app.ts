/**
 * createApp(ctx): the Hono app every feature mounts into. Every port comes in through `ctx`, built once
 * by compose.ts. Order: request id + log → problem+json errors → body limit on /api → routes. Route
 * factories receive the `RouteContext` (routes/context.ts); see "FEATURE MOUNTS" below for where to add one.
 */
import { OpenAPIHono } from '@hono/zod-openapi'
import { bodyLimit } from 'hono/body-limit'
import { marketLud16 } from '@zapcade/shared/config'
import { AppError } from '@zapcade/shared/errors'
import type { AppContext } from './compose.ts'
import { activeSaleOf } from './domain/pricing/sales.ts'
import { apiCors } from './http/cors.ts'
import { documentPath } from './http/openapi.ts'
import { problemErrorHandler, problemNotFound } from './http/problem.ts'
import { requestLog } from './http/request-log.ts'
import { unauthenticatedWriteLimits } from './http/rate-limit.ts'
import { zodHook } from './http/validate.ts'
import { adminRoutes } from './routes/admin.ts'
import { blobRoutes } from './routes/blobs.ts'
import { catalogRoutes } from './routes/catalog.ts'
import type { BlobPorts, RouteContext } from './routes/context.ts'
import { developerRoutes } from './routes/developer.ts'
import { downloadRoutes } from './routes/downloads.ts'
import { entitlementRoutes } from './routes/entitlements.ts'
import { eventsRoutes } from './routes/events.ts'
import { healthRoutes } from './routes/health.ts'
import { ledgerRoutes } from './routes/ledger-admin.ts'
import { libraryRoutes } from './routes/library.ts'
import { lightningAddressRoutes } from './routes/lightning-address.ts'
import { lnurlRoutes } from './routes/lnurl.ts'
import { meRoutes } from './routes/me.ts'
import { nostrLinkRoutes } from './routes/nostr-links.ts'
import { payoutRoutes } from './routes/payouts.ts'
import { purchaseRoutes } from './routes/purchases.ts'
import { refundFeature } from './routes/refunds.ts'
import { commerceRoutes } from './routes/sales.ts'
import { socketIp } from './routes/route-auth.ts'
import { completeStored, uploadRoutes } from './routes/uploads.ts'
import { webRoutes } from './routes/web.ts'
import { wellKnownRoutes } from './routes/well-known.ts'

export type { AppContext }

/** Build the app from the context compose.ts made. */
export function createApp(ctx: AppContext): OpenAPIHono {
  const { metrics, ports } = ctx

  const app = new OpenAPIHono({ defaultHook: zodHook })
  app.use('*', requestLog({ log: ctx.log, metrics, nowMs: ctx.clock.nowMs }))
  app.onError(problemErrorHandler(ctx.log))
  app.notFound(problemNotFound)
  app.use('/api/*', apiCors()) // any origin, never credentials: NIP-98 carries no cookies (http/cors.ts)
  // JSON API bodies are small; the streamed blob PUT (/blobs/*) is bounded by its signed size instead.
  const limit = bodyLimit({
    maxSize: ctx.config.maxBodyBytes,
    onError: () => {
      throw new AppError('BODY_TOO_LARGE', `request body over ${ctx.config.maxBodyBytes} bytes`)
    },
  })
  app.use('/api/*', limit)
  app.use('/.well-known/*', limit)
  // Unauthenticated writes (draft games, guest checkouts): token buckets per IP hash and author key.
  const writes = unauthenticatedWriteLimits({
    ...ctx.config.rateLimits,
    nowMs: () => ctx.clock.nowMs(),
    secret: ctx.secret,
    clientIp: socketIp,
    verifyEvent: ctx.verifyEvent,
  })
  app.use('/api/v1/events', writes.drafts)
  app.use('/api/v1/purchases', writes.guestCheckouts)

  app.route('/', healthRoutes(ports))
  app.route('/', wellKnownRoutes(ctx))
  app.route('/', eventsRoutes(ctx))
  app.route('/', developerRoutes(ctx))
  app.route('/', adminRoutes(ctx))
  app.route('/', meRoutes(ctx))
  app.route('/', lightningAddressRoutes(ctx))
  app.route('/', nostrLinkRoutes(ports.listingOfEvent))
  app.get('/metrics', (c) =>
    c.text(ports.renderMetrics(), 200, {
      'content-type': 'text/plain; version=0.0.4; charset=utf-8',
    }),
  )

  // ── Uploads, downloads and the local blob store's signed URLs (docs/architecture.md "Downloads and blobs") ──
  if (ports.blobs) mountBlobFeatures(app, ctx, ports.blobs)

  // ── FEATURE MOUNTS ──────────────────────────────────────────────────────────────────────────────
  // Each feature is a factory `(ctx: RouteContext) => Hono` in routes/<feature>.ts, mounted at '/'.
  // Its ports go in RoutePorts (routes/context.ts), built in compose.ts. Add the import above and one
  // `app.route('/', xRoutes(ctx))` line here.
  app.route(
    '/',
    catalogRoutes({
      catalog: ports.catalog,
      marketPubkey: ctx.signer.pubkey,
      relays: ctx.config.relays,
      lud16: marketLud16(ctx.config),
      feeBps: ctx.config.feeBps,
      version: SERVICE_VERSION,
      fiatRate: ctx.config.fiatRate,
      activeSale: ports.sales && ((pk, slug) => activeSaleOf(ports.sales!, pk, slug)),
    }),
  )

  // Purchases, claims, library, ledger check, revokes, developer sales/ledger.
  app.route('/', purchaseRoutes(ports.payments, ctx.auth))
  app.route('/', libraryRoutes(ports.entitlements, ctx.auth))
  app.route(
    '/',
    ledgerRoutes({
      ledger: ports.ledger,
      entitlements: ports.entitlements,
      alerts: ports.paymentAlerts,
      clock: ctx.clock,
      auth: ctx.auth,
    }),
  )
  // Zaps: the market's Lightning address and its callback (routes/lnurl.ts); payouts list and admin actions.
  app.route('/', lnurlRoutes(ports.zaps))
  app.route('/', payoutRoutes(ctx))
  // Ownership a launcher can verify: check and market-signed proof (routes/entitlements.ts).
  app.route('/', entitlementRoutes(ctx))
  // Refunds over Lightning and their LNURL-withdraw links (routes/refunds.ts).
  app.route('/', refundFeature(ctx))
  // Download keys, sales and discount codes (routes/keys.ts, routes/sales.ts).
  app.route('/', commerceRoutes(ports, ctx.auth))

  // ── end of FEATURE MOUNTS ───────────────────────────────────────────────────────────────────────
  for (const f of ctx.features ?? []) app.route('/', f(ctx))

  documentPath(app, {
    method: 'get',
    path: '/metrics',
    tags: ['ops'],
    summary: 'Prometheus metrics (text exposition)',
    responses: { 200: { description: 'text/plain; version=0.0.4' } },
  })
  documentPath(app, {
    method: 'get',
    path: '/openapi.json',
    tags: ['ops'],
    summary: 'This document, generated from the route declarations',
    responses: { 200: { description: 'OpenAPI 3.1' } },
  })
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
  if (ctx.webDistDir) app.route('/', webRoutes({ distDir: ctx.webDistDir }))
  return app
}

export const SERVICE_VERSION = '0.1.0'

function mountBlobFeatures(app: OpenAPIHono, ctx: RouteContext, blobs: BlobPorts): void {
  if (blobs.local)
    app.route(
      '/',
      blobRoutes({
        store: blobs.local,
        onStored: completeStored(blobs.uploads),
        accelRedirect: ctx.config.accelRedirect,
      }),
    )
  app.route(
    '/',
    uploadRoutes({ uploads: blobs.uploads, downloads: blobs.downloadRepo, auth: ctx.auth }),
  )
  app.route('/', downloadRoutes({ downloads: blobs.downloads, auth: ctx.auth }))
}
