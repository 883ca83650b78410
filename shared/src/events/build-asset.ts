/**
 * Build asset, kind 3063 (NIP-82 asset, our profile in DESIGN.md section 2): `i` = slug, `version`,
 * `x` = sha256 of the zip, `size`, `m` = `application/zip` (our extension: NIP-82 leaves zips out,
 * digest open decision (a)), `f` platforms, `url` = the market's gated download URL (optional in NIP-82).
 */
import { Kind } from '../kinds.ts'
import type { EventId, Pubkey } from '../ids.ts'
import { fail, ok, type Parsed } from '../result.ts'
import { requiredTag, singleTag, tagValues, type NostrEvent, type UnsignedEvent } from './event.ts'
import { PLATFORM_RE, isHttpUrl } from './game.ts'
import { checkKindAndLimits, requiredHexTag, requiredSlugAndVersion } from './tag-rules.ts'

export const BUILD_ASSET_KIND = Kind.BuildAsset
/** v1 builds are zip archives, exactly this MIME type. */
export const BUILD_MIME = 'application/zip'
/** Sanity cap on a declared build size: 64 GiB (the upload limit is configured separately and lower). */
export const MAX_BUILD_BYTES = 64 * 2 ** 30
const MAX_PLATFORMS = 16

export interface BuildAsset {
  eventId: EventId
  pubkey: Pubkey
  slug: string
  version: string
  /** Lowercase hex sha256 of the zip. */
  sha256: string
  sizeBytes: number
  mime: typeof BUILD_MIME
  platforms: string[]
  url: string | undefined
  createdAtSec: number
}

/** Parse a verified kind-3063 event into a BuildAsset, or the rule it breaks. */
export function parseBuildAsset(ev: NostrEvent): Parsed<BuildAsset> {
  const base = checkKindAndLimits(ev, BUILD_ASSET_KIND)
  if (!base.ok) return base
  const sv = requiredSlugAndVersion(ev)
  if (!sv.ok) return sv
  const x = requiredHexTag(ev, 'x', 'sha256')
  if (!x.ok) return x
  const size = requiredTag(ev, 'size')
  if (!size.ok) return size
  if (!/^[1-9][0-9]{0,15}$/.test(size.value)) return fail('size: must be a positive integer number of bytes')
  const sizeBytes = Number(size.value)
  if (sizeBytes > MAX_BUILD_BYTES) return fail(`size: above ${MAX_BUILD_BYTES} bytes`)
  const m = requiredTag(ev, 'm')
  if (!m.ok) return m
  if (m.value !== BUILD_MIME) return fail(`m: must be ${BUILD_MIME}`)
  const platforms = [...new Set(tagValues(ev, 'f'))]
  if (platforms.length > MAX_PLATFORMS) return fail(`f: more than ${MAX_PLATFORMS} platforms`)
  if (platforms.some((p) => !PLATFORM_RE.test(p))) return fail('f: platform id must match [a-z0-9][a-z0-9_-]{0,31}')
  const url = singleTag(ev, 'url', false)
  if (!url.ok) return url
  if (url.value !== undefined && !isHttpUrl(url.value)) return fail('url: not an http(s) URL')
  return ok({
    eventId: ev.id as EventId,
    pubkey: ev.pubkey as Pubkey,
    slug: sv.value.slug,
    version: sv.value.version,
    sha256: x.value,
    sizeBytes,
    mime: BUILD_MIME,
    platforms,
    url: url.value,
    createdAtSec: ev.created_at,
  })
}

export interface BuildAssetInput {
  slug: string
  version: string
  sha256: string
  sizeBytes: number
  platforms?: string[] | undefined
  /** The market's gated download URL. */
  url?: string | undefined
  createdAtSec: number
}

/** Make the unsigned kind-3063 event for a build zip. */
export function buildBuildAsset(a: BuildAssetInput): UnsignedEvent {
  const tags: string[][] = [
    ['i', a.slug],
    ['version', a.version],
    ['x', a.sha256],
    ['size', String(a.sizeBytes)],
    ['m', BUILD_MIME],
  ]
  for (const f of a.platforms ?? []) tags.push(['f', f])
  if (a.url) tags.push(['url', a.url])
  return { kind: BUILD_ASSET_KIND, created_at: a.createdAtSec, tags, content: '' }
}
