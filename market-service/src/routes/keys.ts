/**
 * Download keys over HTTP (docs/keys-gifts-sales.md):
 * - `POST /api/v1/developer/games/:slug/keys` `{count}` (NIP-98, the game's developer) → 201 `{keys}`,
 *   or one key a line with `Accept: text/csv`;
 * - `GET /api/v1/developer/games/:slug/keys` → counts (minted, redeemed, revoked, open);
 * - `POST /api/v1/developer/keys/:key/revoke` (NIP-98) → `{revoked_at}`;
 * - `POST /api/v1/keys/redeem` `{key}`: NIP-98 entitles the signer; without it → 201 with a guest
 *   `receipt_code`, claimed later with `POST /api/v1/keys/claim` `{receipt_code}` (NIP-98).
 * The factory takes its ports explicitly (no database handle).
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi'
import type { MiddlewareHandler } from 'hono'
import {
  ClaimKeyBody,
  ClaimKeyResponse,
  KeyStatsResponse,
  MintKeysBody,
  MintKeysResponse,
  RedeemKeyBody,
  RedeemKeyResponse,
  RevokeKeyResponse,
} from '@zapcade/shared/api/keys'
import { AppError } from '@zapcade/shared/errors'
import { claimKey, mintKeys, redeemKey, revokeKey, type KeyDeps } from '../domain/keys/keys.ts'
import { authMiddleware, callerOf } from '../http/auth-nip98.ts'
import { problems } from '../http/problem.ts'
import { zodHook } from '../http/validate.ts'
import type { RouteAuth } from './route-auth.ts'

export interface KeyRouteDeps {
  keys: KeyDeps
  auth: RouteAuth
}

const SlugParam = z.object({ slug: z.string().min(1).max(64) })
const KeyParam = z.object({ key: z.string().min(8).max(200) })
const GUEST = 'keysOptionalCaller'

/** NIP-98 when an Authorization header is present (verified before the body is parsed), else a guest. */
function optionalAuth(auth: RouteAuth): MiddlewareHandler {
  return async (c, next) => {
    const p = await auth.optional(c)
    if (p) c.set(GUEST as never, p as never)
    await next()
  }
}

export function keyRoutes(d: KeyRouteDeps): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: zodHook })
  const json = <S extends z.ZodType>(schema: S, description: string) => ({
    description,
    content: { 'application/json': { schema } },
  })

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/developer/games/{slug}/keys',
      tags: ['keys'],
      security: [{ nip98: [] }],
      middleware: [authMiddleware(d.auth, 'required')] as const,
      summary: 'Mint 1 to 10,000 single-use download keys for your game (shown once)',
      request: {
        params: SlugParam,
        body: { content: { 'application/json': { schema: MintKeysBody } }, required: true },
      },
      responses: {
        201: {
          description: 'the keys; `Accept: text/csv` answers a CSV with a `key` header line',
          content: {
            'application/json': { schema: MintKeysResponse },
            'text/csv': { schema: z.string() },
          },
        },
        ...problems(400, 401, 404, 422),
      },
    }),
    (c) => {
      const { slug } = c.req.valid('param')
      const m = mintKeys(d.keys, callerOf(c), slug, c.req.valid('json').count)
      c.header('cache-control', 'private, no-store')
      if ((c.req.header('accept') ?? '').includes('text/csv')) {
        return c.body(`key\n${m.keys.join('\n')}\n`, 201, {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="${slug}-keys.csv"`,
        }) as never
      }
      return c.json(
        { batch_id: m.batchId, game: { pubkey: m.game.pubkey, slug: m.game.slug }, keys: m.keys },
        201,
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/developer/games/{slug}/keys',
      tags: ['keys'],
      security: [{ nip98: [] }],
      middleware: [authMiddleware(d.auth, 'required')] as const,
      summary: 'How many keys of your game were minted, redeemed, revoked and are still open',
      request: { params: SlugParam },
      responses: { 200: json(KeyStatsResponse, 'counts'), ...problems(401, 404) },
    }),
    (c) => {
      const g = d.keys.repo.developerGame(callerOf(c), c.req.valid('param').slug)
      if (!g) throw new AppError('GAME_NOT_FOUND', 'you have no game with this slug')
      const s = d.keys.repo.stats(g.id)
      c.header('cache-control', 'private, no-store')
      return c.json({ ...s, open: s.minted - s.redeemed - s.revoked }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/developer/keys/{key}/revoke',
      tags: ['keys'],
      security: [{ nip98: [] }],
      middleware: [authMiddleware(d.auth, 'required')] as const,
      summary: 'Revoke an unredeemed key of one of your games (again: the same answer)',
      request: { params: KeyParam },
      responses: {
        200: json(RevokeKeyResponse, 'revoked'),
        ...problems(401, 404, 409),
      },
    }),
    (c) => {
      const r = revokeKey(d.keys, callerOf(c), c.req.valid('param').key)
      return c.json({ revoked_at: r.revokedAtSec }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/keys/redeem',
      tags: ['keys'],
      security: [{ nip98: [] }, {}],
      middleware: [optionalAuth(d.auth)] as const,
      summary:
        'Redeem a download key: NIP-98 entitles the signer; a guest gets a receipt code to claim later',
      request: {
        body: { content: { 'application/json': { schema: RedeemKeyBody } }, required: true },
      },
      responses: {
        201: json(RedeemKeyResponse, 'redeemed now'),
        200: json(RedeemKeyResponse, 'this signer had redeemed it already'),
        ...problems(400, 401, 404, 409),
      },
    }),
    (c) => {
      const pubkey = c.get(GUEST as never) as string | undefined
      const r = redeemKey(d.keys, c.req.valid('json').key, pubkey)
      c.header('cache-control', 'private, no-store')
      return r.statusCode === 201 ? c.json(r.body, 201) : c.json(r.body, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/keys/claim',
      tags: ['keys'],
      security: [{ nip98: [] }],
      middleware: [authMiddleware(d.auth, 'required')] as const,
      summary: "Move a guest's key redemption (its receipt code) to the signer",
      request: {
        body: { content: { 'application/json': { schema: ClaimKeyBody } }, required: true },
      },
      responses: {
        200: json(ClaimKeyResponse, 'claimed (again by the same key: the same answer)'),
        ...problems(400, 401, 409, 422),
      },
    }),
    (c) => {
      c.header('cache-control', 'private, no-store')
      return c.json(claimKey(d.keys, c.req.valid('json').receipt_code, callerOf(c)), 200)
    },
  )
  return app
}
