/**
 * Release, kind 30063 (NIP-82 release, our profile in docs/event-profile.md): `d` = `<slug>@<version>`,
 * `i` = slug, `version` (SemVer, or a loose version such as `1.0` or `v1.2.3`), `c` channel (`main` by
 * default), `a` (optional) = the same developer's game, one or more `e` to its assets (3063, or legacy
 * 1063). The legacy NIP-51 shape older Zapstore releases use (no `i`/`version`: the game from `a`, the
 * version from `d`) is read too. Which asset is the primary build is decided when the assets are known
 * (the one `application/zip`); the others are extra files. `created_at` is the publish date.
 */
import { Kind } from '../kinds.ts'
import { isHex64, parseCoordinate, type EventId, type Pubkey } from '../ids.ts'
import { fail, ok, type Parsed } from '../result.ts'
import { requiredTag, singleTag, tagsNamed, type NostrEvent, type UnsignedEvent } from './event.ts'
import { checkKindAndLimits, checkSlug, checkVersion } from './tag-rules.ts'

export {
  coerceVersion,
  compareSemver,
  isSemver,
  isVersion,
  parseSemver,
  type Semver,
} from './semver.ts'

export const RELEASE_KIND = Kind.Release
export const DEFAULT_CHANNEL = 'main'
/** NIP-82 names main, beta, nightly, dev and allows custom channels; we keep them slug-like. */
export const CHANNEL_RE = /^[a-z0-9][a-z0-9._-]{0,31}$/
/** Most assets one release may list. */
export const MAX_RELEASE_ASSETS = 32

export interface ReleaseAssetRef {
  id: EventId
  /** Relay hint of the `e` tag, when given. */
  relay: string | undefined
}

export interface Release {
  eventId: EventId
  pubkey: Pubkey
  /** `<slug>@<version>`. */
  d: string
  slug: string
  /** As written (shown as is; ordered by its coercion). */
  version: string
  channel: string
  /** `32267:<pubkey>:<slug>`. */
  gameCoordinate: string
  /** The assets (3063/1063 event ids) in tag order, without duplicates. */
  assets: ReleaseAssetRef[]
  notes: string
  publishedAtSec: number
}

/** Parse a verified kind-30063 event into a Release, or the rule it breaks. */
export function parseRelease(ev: NostrEvent): Parsed<Release> {
  const base = checkKindAndLimits(ev, RELEASE_KIND)
  if (!base.ok) return base
  const d = requiredTag(ev, 'd')
  if (!d.ok) return d
  // `a` is ours and the legacy NIP-51 shape's; NIP-82 publishers (zsp) omit it, and `i` names the game.
  // When present it must name the same developer's game.
  const a = singleTag(ev, 'a', false)
  if (!a.ok) return a
  const coord = a.value === undefined ? undefined : parseCoordinate(a.value)
  if (a.value !== undefined) {
    if (!coord || coord.kind !== Kind.Game) return fail('a: must be 32267:<pubkey>:<slug>')
    if (coord.pubkey !== ev.pubkey) return fail("a: game pubkey must be the release's pubkey")
  }
  const i = singleTag(ev, 'i', false)
  if (!i.ok) return i
  const slug = i.value ?? coord?.d
  if (slug === undefined) return fail('i: missing')
  const s = checkSlug('i', slug)
  if (!s.ok) return s
  if (coord && coord.d !== slug) return fail('a: game slug must equal i')
  const v = singleTag(ev, 'version', false)
  if (!v.ok) return v
  // Legacy releases carry the version only in `d`.
  const version =
    v.value ?? (d.value.startsWith(`${slug}@`) ? d.value.slice(slug.length + 1) : undefined)
  if (version === undefined) return fail('version: missing')
  const vc = checkVersion('version', version)
  if (!vc.ok) return vc
  if (d.value !== `${slug}@${version}`) return fail('d: must be <slug>@<version>')
  const c = singleTag(ev, 'c', false)
  if (!c.ok) return c
  const channel = c.value ?? DEFAULT_CHANNEL
  if (!CHANNEL_RE.test(channel)) return fail('c: channel must match [a-z0-9][a-z0-9._-]{0,31}')

  const es = tagsNamed(ev, 'e')
  if (es.length === 0) return fail('e: at least one asset required')
  const assets: ReleaseAssetRef[] = []
  for (const e of es) {
    if (!isHex64(e[1])) return fail('e: asset id must be 64 lowercase hex')
    if (!assets.some((x) => x.id === e[1]))
      assets.push({ id: e[1] as EventId, relay: e[2] || undefined })
  }
  if (assets.length > MAX_RELEASE_ASSETS) return fail(`e: more than ${MAX_RELEASE_ASSETS} assets`)

  return ok({
    eventId: ev.id as EventId,
    pubkey: ev.pubkey as Pubkey,
    d: d.value,
    slug,
    version,
    channel,
    gameCoordinate: `${Kind.Game}:${ev.pubkey}:${slug}`,
    assets,
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
