/**
 * Thin wrappers from the shared parsers of our event profile (@zapcade/shared/events/*) to the shapes
 * the indexer's rules and catalog writer use (parse.ts). The rules live in shared; this file only maps.
 */
import type { NostrEvent } from '@zapcade/shared/events/event'
import { parseRelease } from '@zapcade/shared/events/release'
import { parseAsset } from '@zapcade/shared/events/build-asset'
import { parseProfile } from '@zapcade/shared/events/profile'
import { parseDeletion } from '@zapcade/shared/events/deletion'
import { ok, type Parsed } from '@zapcade/shared/result'
import type { AssetInfo, DeletionInfo, ProfileInfo, ReleaseInfo } from './parse.ts'

/** Release (30063): shared `parseRelease` (d = <slug>@<version>, loose versions, same-author `a`, one or more `e`). */
export function parseReleaseInfo(ev: NostrEvent): Parsed<ReleaseInfo> {
  return parseRelease(ev)
}

/** Asset (3063 or legacy 1063): shared `parseAsset` (x sha256, m, urls); which one is the build is the release's rule. */
export function parseAssetInfo(ev: NostrEvent): Parsed<AssetInfo> {
  return parseAsset(ev)
}

/** Profile (kind 0): shared `parseProfile`; the catalog shows display_name, else name. */
export function parseProfileInfo(ev: NostrEvent): Parsed<ProfileInfo> {
  const r = parseProfile(ev)
  if (!r.ok) return r
  const p = r.value
  return ok({
    displayName: p.displayName ?? p.name,
    picture: p.picture,
    lud16: p.lud16,
    nip05: p.nip05,
  })
}

/** Deletion request (kind 5): shared `parseDeletion` (well-formed `e` ids and `a` coordinates). */
export function parseDeletionInfo(ev: NostrEvent): Parsed<DeletionInfo> {
  const r = parseDeletion(ev)
  return r.ok ? ok({ eventIds: r.value.eventIds, coordinates: r.value.coordinates }) : r
}
