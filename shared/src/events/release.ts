/**
 * Release, kind 30063 (NIP-82 release, our profile in DESIGN.md section 2): `d` = `<slug>@<version>`,
 * `i` = slug, `version` SemVer, `c` channel (`main` by default), `a` (optional) = the same developer's game,
 * exactly one `e` to the build asset (v1: one primary zip per release). `created_at` is the publish date.
 */
import { Kind } from '../kinds.ts'
import { isHex64, parseCoordinate, type EventId, type Pubkey } from '../ids.ts'
import { fail, ok, type Parsed } from '../result.ts'
import { requiredTag, singleTag, tagsNamed, type NostrEvent, type UnsignedEvent } from './event.ts'
import { checkKindAndLimits, requiredSlugAndVersion } from './tag-rules.ts'

export { compareSemver, isSemver, parseSemver, type Semver } from './semver.ts'

export const RELEASE_KIND = Kind.Release
export const DEFAULT_CHANNEL = 'main'
/** NIP-82 names main, beta, nightly, dev and allows custom channels; we keep them slug-like. */
export const CHANNEL_RE = /^[a-z0-9][a-z0-9._-]{0,31}$/

export interface Release {
  eventId: EventId
  pubkey: Pubkey
  /** `<slug>@<version>`. */
  d: string
  slug: string
  version: string
  channel: string
  /** `32267:<pubkey>:<slug>`. */
  gameCoordinate: string
  /** The build asset (3063) event id. */
  assetEventId: EventId
  /** Relay hint of the `e` tag, when given. */
  assetRelay: string | undefined
  notes: string
  publishedAtSec: number
}

/** Parse a verified kind-30063 event into a Release, or the rule it breaks. */
export function parseRelease(ev: NostrEvent): Parsed<Release> {
  const base = checkKindAndLimits(ev, RELEASE_KIND)
  if (!base.ok) return base
  const sv = requiredSlugAndVersion(ev)
  if (!sv.ok) return sv
  const { slug, version } = sv.value
  const d = requiredTag(ev, 'd')
  if (!d.ok) return d
  if (d.value !== `${slug}@${version}`) return fail('d: must be <slug>@<version>')
  const c = singleTag(ev, 'c', false)
  if (!c.ok) return c
  const channel = c.value ?? DEFAULT_CHANNEL
  if (!CHANNEL_RE.test(channel)) return fail('c: channel must match [a-z0-9][a-z0-9._-]{0,31}')

  // `a` is ours and the legacy NIP-51 shape's; NIP-82 publishers (zsp) omit it, and `i` already names
  // the game. When present it must name the same developer's game (DESIGN.md section 2, v1 rules).
  const a = singleTag(ev, 'a', false)
  if (!a.ok) return a
  const gameCoordinate = `${Kind.Game}:${ev.pubkey}:${slug}`
  if (a.value !== undefined) {
    const coord = parseCoordinate(a.value)
    if (!coord || coord.kind !== Kind.Game) return fail('a: must be 32267:<pubkey>:<slug>')
    if (coord.pubkey !== ev.pubkey) return fail("a: game pubkey must be the release's pubkey")
    if (coord.d !== slug) return fail('a: game slug must equal i')
  }

  const es = tagsNamed(ev, 'e')
  if (es.length !== 1) return fail(`e: exactly one build asset required, got ${es.length}`)
  const e = es[0]!
  if (!isHex64(e[1])) return fail('e: build asset id must be 64 lowercase hex')

  return ok({
    eventId: ev.id as EventId,
    pubkey: ev.pubkey as Pubkey,
    d: d.value,
    slug,
    version,
    channel,
    gameCoordinate,
    assetEventId: e[1] as EventId,
    assetRelay: e[2] || undefined,
    notes: ev.content,
    publishedAtSec: ev.created_at,
  })
}

export interface ReleaseInput {
  /** The developer's pubkey: the `a` coordinate must name the signer. */
  pubkey: string
  slug: string
  version: string
  channel?: string | undefined
  assetEventId: string
  assetRelay?: string | undefined
  notes?: string | undefined
  /** The publish date (NIP-82: created_at MUST be the release date). */
  publishedAtSec: number
}

/** Make the unsigned kind-30063 event for a release. */
export function buildRelease(r: ReleaseInput): UnsignedEvent {
  const e = r.assetRelay ? ['e', r.assetEventId, r.assetRelay] : ['e', r.assetEventId]
  return {
    kind: RELEASE_KIND,
    created_at: r.publishedAtSec,
    tags: [
      ['d', `${r.slug}@${r.version}`],
      ['i', r.slug],
      ['version', r.version],
      ['c', r.channel ?? DEFAULT_CHANNEL],
      ['a', `${Kind.Game}:${r.pubkey}:${r.slug}`],
      e,
    ],
    content: r.notes ?? '',
  }
}
