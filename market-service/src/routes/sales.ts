/**
 * Sales and discount codes over HTTP (docs/keys-gifts-sales.md), NIP-98 by the game's developer:
 * - `POST|GET /api/v1/developer/games/:slug/sales` `{percent_off, starts_at, ends_at}`;
 * - `POST|GET /api/v1/developer/games/:slug/codes` `{code, percent_off | amount_off_msat, max_uses, expires_at}`;
 * and for anyone, `GET /api/v1/games/:pubkey/:slug/price?code=`: the price now (list price, sale,
 * code, final price) as checkout will compute it. The factory takes its ports explicitly.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi'
import {
  CodeDto,
  CodesListResponse,
  CreateCodeBody,
  CreateSaleBody,
  PriceBreakdown,
  SaleDto,
  SalesListResponse,
} from '@zapcade/shared/api/sales'
import { AppError } from '@zapcade/shared/errors'
import { parsePubkey } from '@zapcade/shared/ids'
import {
  breakdown,
  createCode,
  createSale,
  listCodes,
  listSales,
  priceFor,
  type SalesDeps,
} from '../domain/pricing/sales.ts'
import { authMiddleware, callerOf } from '../http/auth-nip98.ts'
import { problems } from '../http/problem.ts'
import { zodHook } from '../http/validate.ts'
import type { KeyDeps } from '../domain/keys/keys.ts'
import { keyRoutes } from './keys.ts'
import type { RouteAuth } from './route-auth.ts'

export interface SalesRouteDeps {
  sales: SalesDeps
  auth: RouteAuth
}

const SlugParam = z.object({ slug: z.string().min(1).max(64) })

export function salesRoutes(d: SalesRouteDeps): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: zodHook })
  const json = <S extends z.ZodType>(schema: S, description: string) => ({
    description,
    content: { 'application/json': { schema } },
  })

  app.openapi(
    createRoute({
      tags: ['sales'],
      security: [{ nip98: [] }],
      middleware: [authMiddleware(d.auth, 'required')] as const,
      method: 'post',
      path: '/api/v1/developer/games/{slug}/sales',
      summary: 'Schedule a sale of your game: percent off from starts_at (inclusive) to ends_at',
      request: {
        params: SlugParam,
        body: { content: { 'application/json': { schema: CreateSaleBody } }, required: true },
      },
      responses: { 201: json(SaleDto, 'scheduled'), ...problems(400, 401, 404) },
    }),
    (c) =>
      c.json(createSale(d.sales, callerOf(c), c.req.valid('param').slug, c.req.valid('json')), 201),
  )
  app.openapi(
    createRoute({
      tags: ['sales'],
      security: [{ nip98: [] }],
      middleware: [authMiddleware(d.auth, 'required')] as const,
      method: 'get',
      path: '/api/v1/developer/games/{slug}/sales',
      summary: 'Your game’s running and scheduled sales',
      request: { params: SlugParam },
      responses: { 200: json(SalesListResponse, 'sales'), ...problems(401, 404) },
    }),
    (c) => c.json({ items: listSales(d.sales, callerOf(c), c.req.valid('param').slug) }, 200),
  )
  app.openapi(
    createRoute({
      tags: ['sales'],
      security: [{ nip98: [] }],
      middleware: [authMiddleware(d.auth, 'required')] as const,
      method: 'post',
      path: '/api/v1/developer/games/{slug}/codes',
      summary: 'Create a discount code for your game (percent or amount off, max uses, expiry)',
      request: {
        params: SlugParam,
        body: { content: { 'application/json': { schema: CreateCodeBody } }, required: true },
      },
      responses: { 201: json(CodeDto, 'created'), ...problems(400, 401, 404, 409) },
    }),
    (c) =>
      c.json(createCode(d.sales, callerOf(c), c.req.valid('param').slug, c.req.valid('json')), 201),
  )
  app.openapi(
    createRoute({
      tags: ['sales'],
      security: [{ nip98: [] }],
      middleware: [authMiddleware(d.auth, 'required')] as const,
      method: 'get',
      path: '/api/v1/developer/games/{slug}/codes',
      summary: 'Your game’s discount codes with their live uses',
      request: { params: SlugParam },
      responses: { 200: json(CodesListResponse, 'codes'), ...problems(401, 404) },
    }),
    (c) => c.json({ items: listCodes(d.sales, callerOf(c), c.req.valid('param').slug) }, 200),
  )
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/games/{pubkey}/{slug}/price',
      tags: ['sales'],
      summary: 'What the game costs now: list price, the active sale, a code, the final price',
      request: {
        params: z.object({ pubkey: z.string().max(100), slug: z.string().min(1).max(64) }),
        query: z.object({ code: z.string().min(1).max(60).optional() }),
      },
      responses: { 200: json(PriceBreakdown, 'the price now'), ...problems(400, 404, 422) },
    }),
    (c) => {
      const { pubkey: raw, slug } = c.req.valid('param')
      const pubkey = parsePubkey(raw)
      const g = pubkey && d.sales.repo.game(pubkey, slug)
      if (!g || g.deleted) throw new AppError('GAME_NOT_FOUND', 'no such game')
      c.header('cache-control', 'no-store')
      return c.json(breakdown(priceFor(d.sales, g, c.req.valid('query').code)), 200)
    },
  )
  return app
}

/** Keys and sales together, from the routes' ports (one mount line in app.ts; absent ports: nothing). */
export function commerceRoutes(
  ports: { keys?: KeyDeps | undefined; sales?: SalesDeps | undefined },
  auth: RouteAuth,
): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: zodHook })
  if (ports.keys) app.route('/', keyRoutes({ keys: ports.keys, auth }))
  if (ports.sales) app.route('/', salesRoutes({ sales: ports.sales, auth }))
  return app
}
