/**
 * Featured list, kind 30267 (NIP-51 app curation set), signed by the market key: `d` = `featured`,
 * one `a` per game coordinate in display order (NIP-51: new items are appended at the end).
 * It publishes the FEATURED overlay the service keeps in SQLite (docs/architecture.md "Event profile").
 */
import { Kind } from '../kinds.ts'
import {
  gameCoordinate,
  parseGameCoordinate,
  type EventId,
  type GameAddress,
  type Pubkey,
} from '../ids.ts'
import { fail, ok, type Parsed } from '../result.ts'
import { requiredTag, singleTag, tagValues, type NostrEvent, type UnsignedEvent } from './event.ts'
import { isHttpUrl } from './game.ts'
import { checkKindAndLimits } from './tag-rules.ts'

export const FEATURED_LIST_KIND = Kind.FeaturedList
export const FEATURED_D = 'featured'

export interface FeaturedList {
  eventId: EventId
  /** The market's pubkey (the caller checks it is the market it trusts). */
  pubkey: Pubkey
  /** Games in display order, each once (a repeated coordinate keeps its first place). */
  games: GameAddress[]
  title: string | undefined
  description: string | undefined
  image: string | undefined
  createdAtSec: number
}

/** Parse a verified kind-30267 `featured` set, or the rule it breaks. */
export function parseFeaturedList(ev: NostrEvent): Parsed<FeaturedList> {
  const base = checkKindAndLimits(ev, FEATURED_LIST_KIND)
  if (!base.ok) return base
  const d = requiredTag(ev, 'd')
  if (!d.ok) return d
  if (d.value !== FEATURED_D) return fail(`d: must be "${FEATURED_D}"`)
  const games: GameAddress[] = []
  const seen = new Set<string>()
  for (const a of tagValues(ev, 'a')) {
    const g = parseGameCoordinate(a)
    if (!g) return fail('a: each item must be a game coordinate 32267:<pubkey>:<slug>')
    const key = gameCoordinate(g)
    if (seen.has(key)) continue
    seen.add(key)
    games.push(g)
  }
  const title = singleTag(ev, 'title', false)
  if (!title.ok) return title
  const description = singleTag(ev, 'description', false)
  if (!description.ok) return description
  const image = singleTag(ev, 'image', false)
  if (!image.ok) return image
  if (image.value !== undefined && !isHttpUrl(image.value)) return fail('image: not an http(s) URL')
  return ok({
    eventId: ev.id as EventId,
    pubkey: ev.pubkey as Pubkey,
    games,
    title: title.value,
    description: description.value,
    image: image.value,
    createdAtSec: ev.created_at,
  })
}

export interface FeaturedListInput {
  games: GameAddress[]
  title?: string | undefined
  description?: string | undefined
  createdAtSec: number
}

/** Make the unsigned kind-30267 `featured` set, games in the given order. */
export function buildFeaturedList(f: FeaturedListInput): UnsignedEvent {
  const tags: string[][] = [['d', FEATURED_D]]
  if (f.title) tags.push(['title', f.title])
  if (f.description) tags.push(['description', f.description])
  for (const g of f.games) tags.push(['a', gameCoordinate(g)])
  return { kind: FEATURED_LIST_KIND, created_at: f.createdAtSec, tags, content: '' }
}
