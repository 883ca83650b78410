/**
 * The catalog API (docs/architecture.md "HTTP API rules"): query and response schemas of `GET /api/v1/games`,
 * `GET /api/v1/games/:pubkey/:slug` (or `:naddr`) and `GET /api/v1/info`, snake_case on the wire.
 * The service validates requests with them and the client SDK parses responses with them.
 */
import { z } from 'zod'
import { PLATFORM_RE, TAG_RE } from '../events/game.ts'
import { SLUG_RE } from '../ids.ts'

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex')
const Sec = z.number().int().nonnegative()
const MsatAmount = z.number().int().nonnegative()

/**
 * Orders of the list; `relevance` needs `q` and is the default when `q` is given, `new` otherwise. Relevance is
 * bm25 (title, tags, summary, description weighted) while `q` matches at most 1,000 games, and most recently added first
 * above that (ranking every match of a very common word cost 30-40 ms a page).
 */
export const CATALOG_SORTS = ['relevance', 'new', 'featured', 'title', 'price'] as const
export type CatalogSort = (typeof CATALOG_SORTS)[number]

export const CATALOG_LIMIT_DEFAULT = 24
export const CATALOG_LIMIT_MAX = 100

/** The parameters of `GET /api/v1/games` as sent (unknown ones refused); GameListQuery normalises them. */
export const GameListParams = z
  .object({
    q: z.string().max(200).optional(),
    tag: z.string().toLowerCase().regex(TAG_RE, 'must match [a-z0-9][a-z0-9-]{0,31}').optional(),
    /** A NIP-82 id (`linux-x86_64`) or a family matching all of its ids (`linux`, `windows`, `macos`, `android`). */
    platform: z.string().regex(PLATFORM_RE, 'must match [a-z0-9][a-z0-9_-]{0,31}').optional(),
    /** Only the games of this developer (pubkey hex): a developer's page. */
    author: Hex64.optional(),
    sort: z.enum(CATALOG_SORTS).optional(),
    limit: z
      .union([
        z.number(),
        z
          .string()
          .regex(/^[0-9]{1,3}$/, 'must be an integer')
          .transform(Number),
      ])
      .pipe(z.number().int().min(1).max(CATALOG_LIMIT_MAX))
      .default(CATALOG_LIMIT_DEFAULT),
    cursor: z
      .string()
      .min(1)
      .max(512)
      .regex(/^[A-Za-z0-9_-]+$/, 'must be a cursor from next_cursor')
      .optional(),
  })
  .strict()

/** Query of `GET /api/v1/games`: q trimmed (absent when blank), sort and limit defaulted. */
export const GameListQuery = GameListParams.transform((v) => {
  const q = v.q?.trim() ? v.q.trim() : undefined
  return { ...v, q, sort: v.sort ?? (q !== undefined ? 'relevance' : 'new') } as const
}).refine((v) => v.sort !== 'relevance' || v.q !== undefined, {
  message: 'sort=relevance needs q',
  path: ['sort'],
})
/** What a caller may send (limit as number or string). */
export type GameListParams = z.input<typeof GameListParams>
/** The query after validation: q trimmed (absent when blank), sort and limit defaulted. */
export type GameListQuery = z.output<typeof GameListQuery>

/** Statuses a reader can see: LISTED and FEATURED in the list; UNLISTED by direct address only. */
export const PublicGameStatus = z.enum(['LISTED', 'FEATURED', 'UNLISTED'])
export type PublicGameStatus = z.infer<typeof PublicGameStatus>

/** One game in a list page. */
export const GameListItem = z.object({
  pubkey: Hex64,
  slug: z.string().regex(SLUG_RE),
  title: z.string(),
  summary: z.string().nullable(),
  icon: z.string().nullable(),
  /** The listing's first `image` (cover art for a card), null without images. */
  cover: z.string().nullable(),
  tags: z.array(z.string()),
  platforms: z.array(z.string()),
  price_msat: MsatAmount,
  status: PublicGameStatus,
  updated_at: Sec,
  /** No release with a build the market holds verified bytes for: shown, never sold ("coming soon"). */
  coming_soon: z.boolean(),
})
export type GameListItem = z.infer<typeof GameListItem>

/** A page of `GET /api/v1/games`; `next_cursor` is null on the last page. */
export const GameListResponse = z.object({
  items: z.array(GameListItem),
  next_cursor: z.string().nullable(),
})
export type GameListResponse = z.infer<typeof GameListResponse>

/** A release of a game with its build zip (null while the asset event has not been indexed). */
export const GameRelease = z.object({
  version: z.string(),
  channel: z.string(),
  notes: z.string(),
  published_at: Sec,
  asset: z.object({ sha256: Hex64, size_bytes: z.number().int().positive() }).nullable(),
  /**
   * The release's other assets (NIP-82 lets a release list several: an APK, a signature…), shown as extra
   * files and never served by the market; `urls` (the publisher's own) only for free games.
   */
  files: z.array(
    z.object({
      sha256: Hex64,
      size_bytes: z.number().int().positive().nullable(),
      content_type: z.string(),
      platforms: z.array(z.string()),
      variant: z.string().nullable(),
      urls: z.array(z.string()),
    }),
  ),
})
export type GameRelease = z.infer<typeof GameRelease>

/** The developer as their kind 0 names them (fields null until a profile is indexed). */
export const DeveloperProfile = z.object({
  pubkey: Hex64,
  npub: z.string(),
  display_name: z.string().nullable(),
  picture: z.string().nullable(),
  lud16: z.string().nullable(),
  /** The profile's NIP-05 identifier as claimed (not verified here: a reader checks it at its domain). */
  nip05: z.string().nullable(),
  /** The profile's `about`, plain text. */
  about: z.string().nullable(),
})
export type DeveloperProfile = z.infer<typeof DeveloperProfile>

/** A game's running sale on its page (`sale`, absent when none): the list price and the sale price. */
export const GameSaleDto = z.object({
  id: z.string(),
  percent_off: z.number().int(),
  starts_at: Sec,
  ends_at: Sec,
  list_price_msat: MsatAmount,
  sale_price_msat: MsatAmount,
})
export type GameSaleDto = z.infer<typeof GameSaleDto>

/** `GET /api/v1/games/:pubkey/:slug` and `GET /api/v1/games/:naddr`. */
export const GameDetailResponse = GameListItem.extend({
  naddr: z.string(),
  description: z.string(),
  images: z.array(z.string()),
  /** The listing's `video` tags (http(s) URLs: a trailer file, or a YouTube or PeerTube page), in order. */
  videos: z.array(z.string()),
  url: z.string().nullable(),
  license: z.string().nullable(),
  /** The market pubkey the game's zap tag names (a paid game is purchasable only when it is ours). */
  zap_pubkey: Hex64.nullable(),
  created_at: Sec,
  developer: DeveloperProfile,
  /** Paid zap purchases of the game (tips included). */
  zaps: z.object({ count: z.number().int().nonnegative(), total_msat: MsatAmount }),
  /** Newest first: by semver precedence, then by published_at. */
  releases: z.array(GameRelease),
  /** A sale running now (docs/keys-gifts-sales.md); checkout charges its sale price. */
  sale: GameSaleDto.optional(),
})
export type GameDetailResponse = z.infer<typeof GameDetailResponse>

/** Path parameters of the detail route by address (pubkey hex or npub). */
export const GameAddressParams = z.object({
  pubkey: z.string().min(1).max(100),
  slug: z.string().min(1).max(64),
})
/** Path parameter of the detail route by naddr (NIP-19). */
export const GameNaddrParams = z.object({ naddr: z.string().min(1).max(1000) })

/** `GET /api/v1/info`. */
export const MarketInfoResponse = z.object({
  market_pubkey: Hex64,
  relays: z.array(z.string()),
  lud16: z.string().nullable(),
  fee_bps: z.number().int().min(0).max(10_000),
  version: z.string(),
  /** The operator's configured rate (1 BTC = `per_btc` of `currency`) for approximate prices; absent when none. */
  fiat_rate: z
    .object({ currency: z.string().regex(/^[A-Z]{3}$/), per_btc: z.number().positive() })
    .optional(),
})
export type MarketInfoResponse = z.infer<typeof MarketInfoResponse>
