/**
 * Build asset, kind 3063 (NIP-82 asset, our profile in docs/event-profile.md), and the legacy NIP-94
 * kind 1063 that older Zapstore releases point to, read the same way: `x` sha256, `m` MIME, `i` app id
 * and `version` (required on 3063; a legacy 1063 may carry them only as `<id>@<version>` in content),
 * optional `size`, `f` platforms, any number of `url`s (all kept), `variant`. Unknown tags are ignored.
 * parseAsset reads any asset; parseBuildAsset is our primary build: `m` = `application/zip` with a `size`
 * (NIP-82 leaves zips out: our extension), the one a paid game's download serves.
 */
import { Kind } from '../kinds.ts'
import type { EventId, Pubkey } from '../ids.ts'
import { fail, ok, type Parsed } from '../result.ts'
import { singleTag, tagValues, type NostrEvent, type UnsignedEvent } from './event.ts'
import { PLATFORM_RE, isHttpUrl } from './game.ts'
import { checkKindAndLimits, checkSlug, checkVersion, requiredHexTag } from './tag-rules.ts'

export const BUILD_ASSET_KIND = Kind.BuildAsset
/** The kinds read as assets: NIP-82's 3063 and the legacy NIP-94 1063. */
export const ASSET_KINDS: readonly number[] = [Kind.BuildAsset, Kind.FileMetadata]
/** v1 builds are zip archives, exactly this MIME type. */
export const BUILD_MIME = 'application/zip'
/** Sanity cap on a declared build size: 64 GiB (the upload limit is configured separately and lower). */
export const MAX_BUILD_BYTES = 64 * 2 ** 30
const MAX_PLATFORMS = 16
const MAX_URLS = 16
/** RFC 6838 type/subtype, lowercased before the check. */
const MIME_RE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/

/** Any asset a release may list (a build zip, an APK, a signature file, …). */
export interface Asset {
  eventId: EventId
  pubkey: Pubkey
  kind: number
  /** `i`, or from a legacy 1063's content `<id>@<version>`; undefined when a 1063 names neither. */
  slug: string | undefined
  version: string | undefined
  /** Lowercase hex sha256 of the file. */
  sha256: string
  sizeBytes: number | undefined
  /** Lowercased `m`. */
  mime: string
  platforms: string[]
  /** Every `url` tag, in order, without duplicates. */
  urls: string[]
  variant: string | undefined
  createdAtSec: number
}

/** Our primary build: a zip with a declared size, slug and version. */
export interface BuildAsset extends Asset {
  slug: string
  version: string
  sizeBytes: number
  mime: typeof BUILD_MIME
  /** The first `url` (the market's gated download URL in our own events). */
  url: string | undefined
}

/** `<id>@<version>` in a legacy 1063's content (Zapstore wrote it there). */
function legacyAddress(content: string): { slug: string; version: string } | undefined {
  const at = content.lastIndexOf('@')
  if (at <= 0) return undefined
  const slug = content.slice(0, at)
  const version = content.slice(at + 1)
  return checkSlug('i', slug).ok && checkVersion('version', version).ok
    ? { slug, version }
    : undefined
}

/** Parse a verified kind-3063 (or legacy 1063) event into an Asset, or the rule it breaks. */
export function parseAsset(ev: NostrEvent): Parsed<Asset> {
  if (!ASSET_KINDS.includes(ev.kind))
    return fail(`kind: expected ${Kind.BuildAsset} or ${Kind.FileMetadata}, got ${ev.kind}`)
  const base = checkKindAndLimits(ev, ev.kind)
  if (!base.ok) return base
  const legacy = ev.kind === Kind.FileMetadata
  const i = singleTag(ev, 'i', !legacy)
  if (!i.ok) return i
  const version = singleTag(ev, 'version', !legacy)
  if (!version.ok) return version
  const fromContent = legacy ? legacyAddress(ev.content) : undefined
  const slug = i.value ?? fromContent?.slug
  const ver = version.value ?? fromContent?.version
  if (i.value !== undefined) {
    const c = checkSlug('i', i.value)
    if (!c.ok) return c
  }
  if (version.value !== undefined) {
    const c = checkVersion('version', version.value)
    if (!c.ok) return c
  }
  const x = requiredHexTag(ev, 'x', 'sha256')
  if (!x.ok) return x
  const size = singleTag(ev, 'size', false)
  if (!size.ok) return size
  let sizeBytes: number | undefined
  if (size.value !== undefined) {
    if (!/^[1-9][0-9]{0,15}$/.test(size.value))
      return fail('size: must be a positive integer number of bytes')
    sizeBytes = Number(size.value)
    if (sizeBytes > MAX_BUILD_BYTES) return fail(`size: above ${MAX_BUILD_BYTES} bytes`)
  }
  const m = singleTag(ev, 'm', true)
  if (!m.ok) return m
  const mime = (m.value ?? '').trim().toLowerCase()
  if (!MIME_RE.test(mime)) return fail('m: not a MIME type')
  const platforms = [...new Set(tagValues(ev, 'f'))]
  if (platforms.length > MAX_PLATFORMS) return fail(`f: more than ${MAX_PLATFORMS} platforms`)
  if (platforms.some((p) => !PLATFORM_RE.test(p)))
    return fail('f: platform id must match [a-z0-9][a-z0-9_-]{0,31}')
  const urls = [...new Set(tagValues(ev, 'url'))]
  if (urls.length > MAX_URLS) return fail(`url: more than ${MAX_URLS}`)
  if (urls.some((u) => !isHttpUrl(u))) return fail('url: not an http(s) URL')
  const variant = singleTag(ev, 'variant', false)
  return ok({
    eventId: ev.id as EventId,
    pubkey: ev.pubkey as Pubkey,
    kind: ev.kind,
    slug,
    version: ver,
    sha256: x.value,
    sizeBytes,
    mime,
    platforms,
    urls,
    variant: variant.ok ? variant.value : undefined,
    createdAtSec: ev.created_at,
  })
}

/** An asset as our primary build, or why it cannot be one. */
export function asBuild(a: Asset): Parsed<BuildAsset> {
  if (a.mime !== BUILD_MIME) return fail(`m: must be ${BUILD_MIME}`)
  if (a.sizeBytes === undefined) return fail('size: missing')
  if (a.slug === undefined) return fail('i: missing')
  if (a.version === undefined) return fail('version: missing')
  return ok({
    ...a,
    slug: a.slug,
    version: a.version,
    sizeBytes: a.sizeBytes,
    mime: BUILD_MIME,
    url: a.urls[0],
  })
}

/** Parse a verified kind-3063 (or 1063) event as our primary build zip, or the rule it breaks. */
export function parseBuildAsset(ev: NostrEvent): Parsed<BuildAsset> {
  const a = parseAsset(ev)
  return a.ok ? asBuild(a.value) : a
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
