/**
 * Public catalog routes (docs/architecture.md "HTTP API rules"): `GET /api/v1/games` (search, filters, sorts, keyset
 * cursor), `GET /api/v1/games/:pubkey/:slug`, `GET /api/v1/games/:naddr` and `GET /api/v1/info`.
 * Declared with zod (OpenAPI) from @zapcade/shared/api/catalog; reads go through the CatalogReader port.
 */
import { OpenAPIHono, createRoute } from '@hono/zod-openapi'
import type { MiddlewareHandler } from 'hono'
import type { BlankEnv } from 'hono/types'
import { AppError } from '@zapcade/shared/errors'
import { gameNaddr, parseGameRef, parsePubkey, SLUG_RE, type Pubkey } from '@zapcade/shared/ids'
import {
  GameAddressParams,
  GameDetailResponse,
  GameListParams,
  GameListQuery,
  GameListResponse,
  GameNaddrParams,
  MarketInfoResponse,
} from '@zapcade/shared/api/catalog'
import type { GameSaleDto } from '@zapcade/shared/api/catalog'
import type { CatalogReader } from '../ports/catalog-reader.ts'
import { parseWith, zodHook } from '../http/validate.ts'
import { ResponseCache } from './response-cache.ts'

export interface CatalogRoutesDeps {
  catalog: CatalogReader
  marketPubkey: string
  /** Relays the market publishes to; also the hints in the naddr of each game. */
  relays: string[]
  lud16?: string | undefined
  feeBps: number
  version: string
  /** The operator's rate for approximate fiat prices (ZAPCADE_FIAT_RATE), shown in /api/v1/info when set. */
  fiatRate?: { currency: string; perBtc: number } | undefined
  /** A game's running sale (list price and sale price), added to its page per request, never cached. */
  activeSale?: ((pubkey: string, slug: string) => GameSaleDto | undefined) | undefined
  /** Serialised list pages and games kept while the catalog is unchanged (ResponseCache); 0 = none. */
  cacheEntries?: number
  /**
   * How long (ms) a list or search page may still be served after a commit changed the catalog, while
   * one recomputation runs in the background (ResponseCache `staleMs`); 0 (default) = never stale.
   * Game pages are never served stale (they carry zap totals).
   */
  cacheStaleMs?: number
}

const problem = { 'application/problem+json': { schema: { type: 'object' as const } } }
const errors = {
  400: { description: 'VALIDATION_FAILED', content: problem },
  404: { description: 'GAME_NOT_FOUND', content: problem },
}

const listRoute = createRoute({
  method: 'get',
  path: '/api/v1/games',
  tags: ['catalog'],
  summary:
    'Listed and featured games: full-text search, tag/platform filters, sorts, keyset cursor',
  request: { query: GameListParams },
  responses: {
    200: {
      description: 'A page of games',
      content: { 'application/json': { schema: GameListResponse } },
    },
    400: errors[400],
  },
})
const byAddressRoute = createRoute({
  method: 'get',
  path: '/api/v1/games/{pubkey}/{slug}',
  tags: ['catalog'],
  summary: 'A game by developer pubkey (hex or npub) and slug, with releases and developer profile',
  request: { params: GameAddressParams },
  responses: {
    200: {
      description: 'The game',
      content: { 'application/json': { schema: GameDetailResponse } },
    },
    ...errors,
  },
})
const byNaddrRoute = createRoute({
  method: 'get',
  path: '/api/v1/games/{naddr}',
  tags: ['catalog'],
  summary: 'A game by its NIP-19 naddr',
  request: { params: GameNaddrParams },
  responses: {
    200: {
      description: 'The game',
      content: { 'application/json': { schema: GameDetailResponse } },
    },
    ...errors,
  },
})
const infoRoute = createRoute({
  method: 'get',
  path: '/api/v1/info',
  tags: ['catalog'],
  summary: 'The market pubkey, relays, Lightning address, fee and version',
  responses: {
    200: {
      description: 'Market info',
      content: { 'application/json': { schema: MarketInfoResponse } },
    },
  },
})

const notFound = (): AppError => new AppError('GAME_NOT_FOUND', 'no such game')

/** The catalog sub-app; mount at the app root (routes carry their full paths). */
export function catalogRoutes(d: CatalogRoutesDeps): OpenAPIHono<BlankEnv> {
  const app = new OpenAPIHono<BlankEnv>({ defaultHook: zodHook })
  const cache = new ResponseCache(d.cacheEntries ?? 2000, undefined, {
    staleMs: d.cacheStaleMs ?? 0,
  })
  const json = (body: string): Response =>
    new Response(body, { status: 200, headers: { 'content-type': 'application/json' } })
  // A sale starts and ends by the clock, not by a catalog commit: spliced into the cached page body.
  const withSale = (body: string, pubkey: string, slug: string): string => {
    const sale = d.activeSale?.(pubkey, slug)
    return sale ? `${body.slice(0, -1)},"sale":${JSON.stringify(sale)}}` : body
  }
  /**
   * The cached body for `key`, or `make()` serialised (and cached). Typed `never` for the OpenAPI
   * handlers: the body is the declared response schema, serialised once rather than per request.
   */
  const cached = (
    key: string,
    make: () => GameListResponse | GameDetailResponse,
    staleOk = false,
  ): never => {
    // The reader is synchronous, so the body is a string (compute shares only asynchronous work).
    const body = cache.compute(
      d.catalog.version(),
      key,
      () => JSON.stringify(make()),
      staleOk,
    ) as string
    return json(body) as never
  }
  const detail = (path: string, pubkey: Pubkey, slug: string): never => {
    const r = cached(`d${path}`, () => {
      const g = d.catalog.findGame(pubkey, slug)
      if (!g) throw notFound()
      const game: GameDetailResponse = { ...g, naddr: gameNaddr({ pubkey, slug }, d.relays) }
      return game
    }) as Response
    if (!d.activeSale) return r as never
    return r.text().then((body) => json(withSale(body, pubkey, slug))) as never
  }
  const info = MarketInfoResponse.parse({
    market_pubkey: d.marketPubkey,
    relays: d.relays,
    lud16: d.lud16 ?? null,
    fee_bps: d.feeBps,
    version: d.version,
    ...(d.fiatRate
      ? { fiat_rate: { currency: d.fiatRate.currency, per_btc: d.fiatRate.perBtc } }
      : {}),
  })

  // A list page is cached under its raw query string, and a hit is answered before validation: only
  // answers that passed it are ever cached, so the same string would pass again.
  const listKey = (url: string): string => {
    const i = url.indexOf('?')
    return i < 0 ? 'l' : `l${url.slice(i)}`
  }
  app.use('/api/v1/games', async (c, next) => {
    if (c.req.method === 'GET') {
      const hit = cache.get(d.catalog.version(), listKey(c.req.url))
      if (hit !== undefined) return json(hit)
    }
    await next()
  })
  // A game is cached under its path (hex, npub and naddr are separate entries), answered the same way.
  const detailHit: MiddlewareHandler = async (c, next) => {
    if (c.req.method === 'GET') {
      const hit = cache.get(d.catalog.version(), `d${c.req.path}`)
      if (hit !== undefined) {
        const g = JSON.parse(hit) as { pubkey: string; slug: string }
        return json(d.activeSale ? withSale(hit, g.pubkey, g.slug) : hit)
      }
    }
    await next()
  }
  app.use('/api/v1/games/:naddr', detailHit)
  app.use('/api/v1/games/:pubkey/:slug', detailHit)
  app.openapi(listRoute, (c) => {
    // The declared schema checked the raw parameters; this adds the defaults and the q/sort rules.
    const q = parseWith(GameListQuery, c.req.query(), 'query')
    return cached(listKey(c.req.url), () => d.catalog.listGames(q), true)
  })
  app.openapi(byAddressRoute, (c) => {
    const { pubkey: raw, slug } = c.req.valid('param')
    const pubkey = parsePubkey(raw)
    if (!pubkey)
      throw new AppError('VALIDATION_FAILED', 'pubkey: must be 64 lowercase hex or an npub', {
        issues: [{ path: 'pubkey', message: 'must be 64 lowercase hex or an npub' }],
      })
    if (!SLUG_RE.test(slug)) throw notFound()
    return detail(c.req.path, pubkey, slug)
  })
  app.openapi(byNaddrRoute, (c) => {
    const { naddr } = c.req.valid('param')
    const ref = naddr.startsWith('naddr1') ? parseGameRef(naddr) : undefined
    if (!ref)
      throw new AppError(
        'VALIDATION_FAILED',
        'naddr: must be the NIP-19 naddr of a kind-32267 game',
        { issues: [{ path: 'naddr', message: 'must be a game naddr' }] },
      )
    return detail(c.req.path, ref.pubkey, ref.slug)
  })
  app.openapi(infoRoute, (c) => c.json(info, 200))
  return app
}
