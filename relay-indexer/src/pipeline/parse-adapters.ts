/**
 * Adapters from the shared parsers of releases, assets, profiles and deletions to the shapes in
 * parse.ts. TEMPORARY: minimal local parsing until shared/src/events/{release,build-asset,profile,
 * deletion}.ts land; then these become thin wrappers.
 */
import type { NostrEvent } from '@zapcade/shared/events/event'
import { requiredTag, singleTag, tagValues } from '@zapcade/shared/events/event'
import { isHex64, SLUG_RE } from '@zapcade/shared/ids'
import { fail, ok, type Parsed } from '@zapcade/shared/result'
import type { AssetInfo, DeletionInfo, ProfileInfo, ReleaseInfo } from './parse.ts'

/** Release (30063): `d` = `<slug>@<version>`, `i` = slug, one `e` to the build asset. */
export function parseReleaseInfo(ev: NostrEvent): Parsed<ReleaseInfo> {
  const d = requiredTag(ev, 'd')
  if (!d.ok) return d
  const i = requiredTag(ev, 'i')
  if (!i.ok) return i
  if (!SLUG_RE.test(i.value)) return fail('i: not a slug')
  const version = requiredTag(ev, 'version')
  if (!version.ok) return version
  if (d.value !== `${i.value}@${version.value}`) return fail('d: must be <slug>@<version>')
  const es = tagValues(ev, 'e')
  if (es.length !== 1 || !isHex64(es[0])) return fail('e: exactly one build asset id')
  const c = singleTag(ev, 'c', false)
  if (!c.ok) return c
  return ok({
    slug: i.value,
    version: version.value,
    channel: c.value ?? 'main',
    notes: ev.content,
    publishedAtSec: ev.created_at,
    assetEventId: es[0] as string,
  })
}

/** Build asset (3063): `i`, `version`, `x` sha256, `size`, `m` = application/zip. */
export function parseAssetInfo(ev: NostrEvent): Parsed<AssetInfo> {
  const i = requiredTag(ev, 'i')
  if (!i.ok) return i
  const version = requiredTag(ev, 'version')
  if (!version.ok) return version
  const x = requiredTag(ev, 'x')
  if (!x.ok) return x
  if (!isHex64(x.value)) return fail('x: sha256 must be 64 lowercase hex')
  const size = requiredTag(ev, 'size')
  if (!size.ok) return size
  const sizeBytes = Number(size.value)
  if (!/^[1-9][0-9]{0,15}$/.test(size.value) || !Number.isSafeInteger(sizeBytes)) return fail('size: not a positive integer')
  const m = requiredTag(ev, 'm')
  if (!m.ok) return m
  if (m.value !== 'application/zip') return fail('m: must be application/zip')
  return ok({ slug: i.value, version: version.value, sha256: x.value, sizeBytes, mime: m.value, platforms: tagValues(ev, 'f') })
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 && v.length <= 512 ? v : undefined)

/** Profile (kind 0, NIP-01/NIP-24): JSON content with display_name/name, picture, lud16, nip05. */
export function parseProfileInfo(ev: NostrEvent): Parsed<ProfileInfo> {
  let meta: unknown
  try {
    meta = JSON.parse(ev.content)
  } catch {
    return fail('content: not JSON')
  }
  if (typeof meta !== 'object' || meta === null) return fail('content: not an object')
  const m = meta as Record<string, unknown>
  return ok({ displayName: str(m['display_name']) ?? str(m['name']), picture: str(m['picture']), lud16: str(m['lud16']), nip05: str(m['nip05']) })
}

/** Deletion request (kind 5, NIP-09): `e` ids and `a` coordinates. */
export function parseDeletionInfo(ev: NostrEvent): Parsed<DeletionInfo> {
  const eventIds = tagValues(ev, 'e').filter(isHex64)
  const coordinates = tagValues(ev, 'a')
  if (eventIds.length === 0 && coordinates.length === 0) return fail('e: a deletion names no event')
  return ok({ eventIds, coordinates })
}
