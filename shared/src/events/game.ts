/**
 * Game listing, kind 32267 (NIP-82 application, our profile in docs/architecture.md "Event profile").
 * Price uses NIP-99's format `["price","<sats>","SAT"]`; a paid game routes zaps to the market
 * with exactly one `["zap", <market pubkey>, <relay>, "1"]` (NIP-57 Appendix G, NIP-82 Appendix E).
 */
import { Kind } from '../kinds.ts'
import { MAX_PRICE_SATS, parseSats, satsToMsat, type Msat } from '../money.ts'
import { isHex64, type Pubkey } from '../ids.ts'
import { fail, ok, type Parsed } from '../result.ts'
import {
  requiredTag,
  singleTag,
  tagValues,
  tagsNamed,
  type NostrEvent,
  type UnsignedEvent,
} from './event.ts'
import { checkSlug } from './tag-rules.ts'

export const GAME_KIND = Kind.Game

/** What the developer asked for; FEATURED/BANNED are the market's overlay, never in the event. */
export type GameListing = 'DRAFT' | 'UNLISTED' | 'LISTED'

export interface Game {
  pubkey: Pubkey
  slug: string
  title: string
  summary: string | undefined
  description: string
  icon: string | undefined
  images: string[]
  /** Genres from `t`, without the mandatory `game` tag. */
  tags: string[]
  platforms: string[]
  url: string | undefined
  license: string | undefined
  /** 0 for free games. */
  priceMsat: Msat
  listing: GameListing
  /** The pubkey named by the one `zap` tag, when present. */
  zapPubkey: Pubkey | undefined
  zapRelay: string | undefined
  createdAtSec: number
  eventId: string
}

export const TAG_RE = /^[a-z0-9][a-z0-9-]{0,31}$/
export const PLATFORM_RE = /^[a-z0-9][a-z0-9_-]{0,31}$/
const MAX_TITLE = 120
const MAX_SUMMARY = 280
const MAX_IMAGES = 12
const MAX_GENRES = 12

/** Whether a string is an http(s) URL. */
export function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s)
    return u.protocol === 'https:' || u.protocol === 'http:'
  } catch {
    return false
  }
}

/** Parse a price tag value strictly: integer sats, SAT currency, within bounds. */
export function parsePriceTag(tag: string[]): Parsed<Msat> {
  const [, amount, currency, frequency] = tag
  if (amount === undefined) return fail('price: missing amount')
  if (currency === undefined) return fail('price: missing currency')
  // NIP-99 leaves the sats code unstandardised; we accept SAT/SATS/sat/sats and nothing else.
  if (!/^sats?$/i.test(currency)) return fail(`price: currency must be SAT, got ${currency}`)
  if (frequency !== undefined && frequency !== '')
    return fail('price: recurring prices are not supported')
  const sats = parseSats(amount)
  if (sats === undefined) return fail('price: not a non-negative integer')
  if (sats > MAX_PRICE_SATS) return fail(`price: above ${MAX_PRICE_SATS} sats`)
  return ok(satsToMsat(sats))
}

/** Parse a verified kind-32267 event into a Game, or the rule it breaks. */
export function parseGame(ev: NostrEvent): Parsed<Game> {
  if (ev.kind !== GAME_KIND) return fail(`kind: expected ${GAME_KIND}, got ${ev.kind}`)
  const d = requiredTag(ev, 'd')
  if (!d.ok) return d
  const slug = checkSlug('d', d.value)
  if (!slug.ok) return slug
  const name = requiredTag(ev, 'name')
  if (!name.ok) return name
  const title = name.value.trim()
  if (title.length === 0) return fail('name: empty')
  if (title.length > MAX_TITLE) return fail(`name: longer than ${MAX_TITLE} characters`)
  const summary = singleTag(ev, 'summary', false)
  if (!summary.ok) return summary
  if (summary.value !== undefined && summary.value.length > MAX_SUMMARY)
    return fail(`summary: longer than ${MAX_SUMMARY} characters`)
  const icon = singleTag(ev, 'icon', false)
  if (!icon.ok) return icon
  if (icon.value !== undefined && !isHttpUrl(icon.value)) return fail('icon: not an http(s) URL')
  const images = tagValues(ev, 'image')
  if (images.length > MAX_IMAGES) return fail(`image: more than ${MAX_IMAGES}`)
  if (images.some((u) => !isHttpUrl(u))) return fail('image: not an http(s) URL')
  const url = singleTag(ev, 'url', false)
  if (!url.ok) return url
  if (url.value !== undefined && !isHttpUrl(url.value)) return fail('url: not an http(s) URL')
  const license = singleTag(ev, 'license', false)
  if (!license.ok) return license

  const ts = tagValues(ev, 't').map((t) => t.toLowerCase())
  if (!ts.includes('game')) return fail('t: a game must carry ["t","game"]')
  const genres = [...new Set(ts.filter((t) => t !== 'game'))]
  if (genres.length > MAX_GENRES) return fail(`t: more than ${MAX_GENRES} genres`)
  if (genres.some((t) => !TAG_RE.test(t)))
    return fail('t: genre must match [a-z0-9][a-z0-9-]{0,31}')
  const platforms = [...new Set(tagValues(ev, 'f'))]
  if (platforms.some((p) => !PLATFORM_RE.test(p)))
    return fail('f: platform id must match [a-z0-9][a-z0-9_-]{0,31}')

  const priceTags = tagsNamed(ev, 'price')
  if (priceTags.length > 1) return fail('price: duplicate tag')
  let priceMsat = satsToMsat(0)
  if (priceTags[0]) {
    const p = parsePriceTag(priceTags[0])
    if (!p.ok) return p
    priceMsat = p.value
  }

  const status = singleTag(ev, 'status', false)
  if (!status.ok) return status
  let listing: GameListing = 'LISTED'
  if (status.value === 'unlisted') listing = 'UNLISTED'
  else if (status.value === 'draft') listing = 'DRAFT'
  else if (status.value !== undefined)
    return fail('status: must be "draft" or "unlisted" when present')

  const zaps = tagsNamed(ev, 'zap')
  let zapPubkey: Pubkey | undefined
  let zapRelay: string | undefined
  if (priceMsat > 0) {
    // A paid game routes its money through the market: its first zap tag names the market; further
    // weighted zap tags name collaborators who share the developer net of each sale (docs/splits.md).
    if (zaps.length === 0) return fail('zap: a paid game needs a first zap tag naming the market')
    if (zaps.length > 17) return fail('zap: at most 17 zap tags')
    for (const z of zaps.slice(1))
      if (!isHex64(z[1])) return fail('zap: pubkey must be 64 lowercase hex')
  } else if (zaps.length > 1) return fail('zap: at most one zap tag')
  const zap = zaps[0]
  if (zap) {
    if (!isHex64(zap[1])) return fail('zap: pubkey must be 64 lowercase hex')
    zapPubkey = zap[1] as Pubkey
    zapRelay = zap[2] || undefined
  }

  return ok({
    pubkey: ev.pubkey as Pubkey,
    slug: d.value,
    title,
    summary: summary.value,
    description: ev.content,
    icon: icon.value,
    images,
    tags: genres,
    platforms,
    url: url.value,
    license: license.value,
    priceMsat,
    listing,
    zapPubkey,
    zapRelay,
    createdAtSec: ev.created_at,
    eventId: ev.id,
  })
}

/** Is this parsed game purchasable through the market with `marketPubkey`? (docs/architecture.md "Event profile" rules) */
export function isPurchasableBy(game: Game, marketPubkey: string): boolean {
  return game.priceMsat > 0 && game.zapPubkey === marketPubkey
}

export interface GameInput {
  slug: string
  title: string
  summary?: string
  description?: string
  icon?: string
  images?: string[]
  tags?: string[]
  platforms?: string[]
  url?: string
  license?: string
  /** Whole sats; 0 or absent = free. */
  priceSats?: number
  listing?: GameListing
  market?: { pubkey: string; relay: string }
  createdAtSec: number
}

/** Make the unsigned kind-32267 event for a game. */
export function buildGame(g: GameInput): UnsignedEvent {
  const tags: string[][] = [
    ['d', g.slug],
    ['name', g.title],
  ]
  if (g.summary) tags.push(['summary', g.summary])
  if (g.icon) tags.push(['icon', g.icon])
  for (const img of g.images ?? []) tags.push(['image', img])
  tags.push(['t', 'game'])
  for (const t of g.tags ?? []) tags.push(['t', t])
  for (const f of g.platforms ?? []) tags.push(['f', f])
  if (g.url) tags.push(['url', g.url])
  if (g.license) tags.push(['license', g.license])
  if (g.priceSats && g.priceSats > 0) tags.push(['price', String(g.priceSats), 'SAT'])
  if (g.listing === 'UNLISTED') tags.push(['status', 'unlisted'])
  if (g.listing === 'DRAFT') tags.push(['status', 'draft'])
  if (g.market) tags.push(['zap', g.market.pubkey, g.market.relay, '1'])
  return { kind: GAME_KIND, created_at: g.createdAtSec, tags, content: g.description ?? '' }
}
