/**
 * Stage 3: parse a verified event with the shared profile (docs/architecture.md "Event profile") into the small shapes
 * the rules need. Parsers never throw; a failure becomes a counted reason `rejected:parse:<field>`.
 */
import { Kind } from '@zapcade/shared/kinds'
import { parseGame, type Game } from '@zapcade/shared/events/game'
import type { NostrEvent } from '@zapcade/shared/events/event'
import { parseRelease, type Release } from '@zapcade/shared/events/release'
import { parseAsset, type Asset } from '@zapcade/shared/events/build-asset'
import { parseProfile } from '@zapcade/shared/events/profile'
import { parseDeletion, type Deletion } from '@zapcade/shared/events/deletion'
import { fail, ok, type Parsed } from '@zapcade/shared/result'

/** What the catalog shows of a developer's kind-0 profile (`display_name`, else `name`). */
export interface ProfileInfo {
  displayName: string | undefined
  picture: string | undefined
  lud16: string | undefined
  nip05: string | undefined
}

export type ParsedEvent =
  | { kind: 'game'; ev: NostrEvent; game: Game }
  | { kind: 'release'; ev: NostrEvent; release: Release }
  | { kind: 'asset'; ev: NostrEvent; asset: Asset }
  | { kind: 'profile'; ev: NostrEvent; profile: ProfileInfo }
  | { kind: 'deletion'; ev: NostrEvent; deletion: Deletion }

/**
 * Kinds the indexer subscribes to (docs/event-profile.md): games, releases, assets (3063 and the legacy
 * NIP-94 1063 older Zapstore releases point to), NIP-09 deletions and kind-0 profiles.
 */
export const INDEXED_KINDS = [
  Kind.Game,
  Kind.Release,
  Kind.BuildAsset,
  Kind.FileMetadata,
  Kind.Deletion,
  Kind.Profile,
] as const

/** Parse a verified event; the reason of a failure starts with the field that broke the profile. */
export function parseIndexed(ev: NostrEvent): Parsed<ParsedEvent> {
  switch (ev.kind) {
    case Kind.Game: {
      const r = parseGame(ev)
      return r.ok ? ok({ kind: 'game', ev, game: r.value }) : r
    }
    case Kind.Release: {
      const r = parseRelease(ev)
      return r.ok ? ok({ kind: 'release', ev, release: r.value }) : r
    }
    case Kind.BuildAsset:
    case Kind.FileMetadata: {
      const r = parseAsset(ev)
      return r.ok ? ok({ kind: 'asset', ev, asset: r.value }) : r
    }
    case Kind.Profile: {
      const r = parseProfileInfo(ev)
      return r.ok ? ok({ kind: 'profile', ev, profile: r.value }) : r
    }
    case Kind.Deletion: {
      const r = parseDeletion(ev)
      return r.ok ? ok({ kind: 'deletion', ev, deletion: r.value }) : r
    }
    default:
      return fail(`kind: ${ev.kind} is not indexed`)
  }
}

/** A kind-0 profile as the catalog shows it; bad JSON is refused, bad fields are dropped (shared rules). */
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

/** `rejected:parse:<field>` from a parser reason such as `"price: not an integer"`. */
export function parseCounterName(reason: string): string {
  const field =
    reason
      .split(':')[0]
      ?.trim()
      .replace(/[^a-z0-9_-]/gi, '') || 'unknown'
  return `rejected:parse:${field}`
}
