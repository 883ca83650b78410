/**
 * Stage 4: the Nostr rules, applied to one parsed event inside the batch transaction.
 * - NIP-01 replaceable/addressable: newest created_at wins, tie → lowest id (also for out-of-order arrival).
 * - NIP-09: deletions by `e` and by `a` (up to the deletion's created_at), same author only; tombstones
 *   are kept so a deletion that arrives first still applies; a deletion of a deletion does nothing.
 * - Releases (docs/event-profile.md) link to the same author's game (`i` = slug) and to every asset they
 *   list (`e`); until all are there the release waits as PENDING. Then the one `application/zip` asset is
 *   the primary build and the others are extra files; a release without exactly one zip is refused, and
 *   so is one that would change the build of a version whose build is verified (published builds never
 *   change).
 * - Why a known developer's event is refused or waiting is recorded for them (developer_events).
 */
import { Kind, kindClass } from '@zapcade/shared/kinds'
import { parseCoordinate } from '@zapcade/shared/ids'
import {
  ASSET_KINDS,
  BUILD_MIME,
  asBuild,
  parseAsset,
  type Asset,
} from '@zapcade/shared/events/build-asset'
import type { NostrEvent } from '@zapcade/shared/events/event'
import { parseRelease, type Release } from '@zapcade/shared/events/release'
import type { CatalogWriter, RawState } from '../store/catalog-writer.ts'
import { rowToEvent } from '../store/catalog-writer.ts'
import type { Counters } from '../store/counters.ts'
import { parseCounterName, parseIndexed, parseProfileInfo, type ParsedEvent } from './parse.ts'

export interface ApplyContext {
  w: CatalogWriter
  counters: Counters
  nowSec: number
}

/** The `d` of an event for addressing: `''` for replaceable kinds (NIP-01), the `d` tag for addressable. */
export function addressD(ev: NostrEvent): string | null {
  const cls = kindClass(ev.kind)
  if (cls === 'replaceable') return ''
  if (cls === 'addressable') return ev.tags.find((t) => t[0] === 'd')?.[1] ?? ''
  return null
}

/** Did `a` beat `b` under NIP-01 (newer, or same second and lower id)? */
export function wins(
  a: { created_at: number; id: string },
  b: { created_at: number; id: string },
): boolean {
  return a.created_at > b.created_at || (a.created_at === b.created_at && a.id < b.id)
}

/** The outcome of an event whose id is already stored (its relays are recorded, nothing else). */
export const DUPLICATE = 'duplicate'

/**
 * Apply one verified, parsed event. Answers the counter name of the outcome (`accepted`, `pending`,
 * `stale`, `duplicate`, `rejected:*`); a pending event linked later also counts `linked`.
 */
export function applyEvent(
  ctx: ApplyContext,
  p: ParsedEvent,
  relayUrls: readonly string[],
): string {
  const { w, nowSec } = ctx
  const ev = p.ev
  if (p.kind === 'game' && p.game.listing === 'DRAFT') {
    // Drafts never reach relays: the market keeps them (POST /api/v1/events).
    tellDeveloper(
      ctx,
      ev,
      'REFUSED',
      'status: a draft is kept by the market, never indexed from a relay',
    )
    return 'rejected:draft'
  }
  const d = addressD(ev)
  // Every branch stores the event before it writes anything else: an id already stored is then found
  // by the insert itself (no lookup before it) and answers `duplicate` with nothing else written.
  const store = (state: RawState): boolean => {
    if (w.insertRaw(ev, d, state, relayUrls, nowSec)) return true
    w.addRelays(ev.id, relayUrls)
    return false
  }
  // Tombstones first: a deletion may have arrived before what it deletes. A deletion of a deletion
  // has no effect (NIP-09), so kind 5 is never tombstoned.
  if (
    p.kind !== 'deletion' &&
    (w.deletedById(ev.id, ev.pubkey) ||
      (d !== null &&
        w.deletedByCoordinate(`${ev.kind}:${ev.pubkey}:${d}`, ev.pubkey, ev.created_at)))
  ) {
    return store('DELETED') ? 'rejected:deleted' : DUPLICATE
  }
  if (p.kind === 'deletion') {
    if (!store('ACCEPTED')) return DUPLICATE
    applyDeletion(ctx, ev, p.deletion.eventIds, p.deletion.coordinates)
    return 'accepted'
  }
  if (p.kind === 'asset') {
    if (!store('ACCEPTED')) return DUPLICATE
    for (const row of w.pendingReleasesOfAsset(ev.pubkey, ev.id)) {
      const r = parseRelease(rowToEvent(row))
      if (r.ok && r.value.assets.some((a) => a.id === ev.id))
        settleRelease(ctx, rowToEvent(row), r.value)
    }
    return 'accepted'
  }
  // Replaceable and addressable kinds: only the winner at the address reaches the catalog.
  const cur = w.winner(ev.kind, ev.pubkey, d ?? '')
  if (cur && !wins(ev, cur)) return store('SUPERSEDED') ? 'stale' : DUPLICATE
  // A game is shown at once; a release waits for its game and assets, a profile for a first game.
  if (!store(p.kind === 'game' ? 'ACCEPTED' : 'PENDING')) return DUPLICATE
  if (cur && cur.state !== 'DELETED') {
    w.setState(cur.id, 'SUPERSEDED')
    if (cur.state === 'PENDING') w.clearDeveloperEvent(ev.pubkey, cur.id)
  }
  if (p.kind === 'game') {
    const userId = w.ensureUser(ev.pubkey, nowSec)
    w.upsertGame(userId, p.game, nowSec)
    for (const row of w.pendingOf(Kind.Profile, ev.pubkey))
      if (applyProfileRow(ctx, rowToEvent(row))) ctx.counters.inc('linked')
    for (const row of w.pendingReleasesOfGame(ev.pubkey, p.game.slug)) {
      const r = parseRelease(rowToEvent(row))
      if (r.ok && r.value.slug === p.game.slug) settleRelease(ctx, rowToEvent(row), r.value)
    }
    return 'accepted'
  }
  if (p.kind === 'release') {
    const out = settleRelease(ctx, ev, p.release, false)
    return out.t === 'linked' ? 'accepted' : out.t === 'pending' ? 'pending' : out.counter
  }
  // Profile (kind 0): shown only for developers whose games are indexed.
  return applyProfileRow(ctx, ev) ? 'accepted' : 'pending'
}

function applyProfileRow(ctx: ApplyContext, ev: NostrEvent): boolean {
  if (!ctx.w.hasUser(ev.pubkey)) return false
  const p = parseProfileInfo(ev)
  if (!p.ok) return false
  ctx.w.updateProfile(ev.pubkey, p.value, ev)
  ctx.w.setState(ev.id, 'ACCEPTED')
  return true
}

/** Record for a known developer why `ev` is refused or waiting (nothing for unknown pubkeys). */
function tellDeveloper(
  ctx: ApplyContext,
  ev: NostrEvent,
  state: 'REFUSED' | 'PENDING',
  reason: string,
): void {
  if (ctx.w.isKnownDeveloper(ev.pubkey)) ctx.w.noteDeveloperEvent(ev, state, reason, ctx.nowSec)
}

/** How the refusal of a release that would change a verified build starts (the rest says which version). */
export const VERSION_PUBLISHED = 'version already published'

type LinkOutcome =
  | { t: 'linked' }
  | { t: 'pending'; reason: string; waitingFor: string[] }
  | { t: 'refused'; reason: string; counter: string }

/**
 * Try to link a winning release to its game and assets, then record the outcome: linked (catalog
 * updated), pending (what it waits for, remembered for the developer) or refused (the catalog keeps
 * the version it had). `later` = called when something it waited for arrived (counts `linked`).
 */
function settleRelease(ctx: ApplyContext, ev: NostrEvent, r: Release, later = true): LinkOutcome {
  const { w } = ctx
  const out = linkRelease(ctx, ev, r)
  if (out.t === 'linked') {
    if (later) ctx.counters.inc('linked')
    w.clearDeveloperEvent(ev.pubkey, ev.id)
  } else if (out.t === 'pending') {
    for (const id of out.waitingFor) w.notePendingRelease(id, ev.id)
    tellDeveloper(ctx, ev, 'PENDING', out.reason)
  } else {
    refuseRelease(ctx, ev, r, out.reason)
    if (later) ctx.counters.inc(out.counter)
  }
  return out
}

/** Link a winning release when its game and every asset it lists are there (see the file comment). */
function linkRelease(ctx: ApplyContext, ev: NostrEvent, r: Release): LinkOutcome {
  const { w, nowSec } = ctx
  const gameId = w.gameId(ev.pubkey, r.slug)
  if (gameId === undefined)
    return {
      t: 'pending',
      reason: `waiting for game ${r.slug} (kind 32267 with d=${r.slug})`,
      waitingFor: [],
    }
  const refused = (reason: string, counter = 'rejected:release-assets'): LinkOutcome => ({
    t: 'refused',
    reason,
    counter,
  })
  const assets: Asset[] = []
  const missing: string[] = []
  const notes: string[] = []
  for (const ref of r.assets) {
    const row = w.raw(ref.id)
    if (!row || row.state === 'DELETED') {
      missing.push(ref.id)
      const why = row ? 'deleted by its author' : w.refusalOf(ev.pubkey, ref.id)
      notes.push(why ? `${ref.id} (${row ? why : `refused: ${why}`})` : ref.id)
      continue
    }
    if (row.pubkey !== ev.pubkey) return refused(`e: asset ${ref.id} is signed by another key`)
    if (!ASSET_KINDS.includes(row.kind))
      return refused(`e: ${ref.id} is a kind-${row.kind} event, not an asset (3063 or 1063)`)
    const a = parseAsset(rowToEvent(row))
    if (!a.ok) return refused(`e: asset ${ref.id}: ${a.reason}`)
    assets.push(a.value)
  }
  if (missing.length > 0)
    return { t: 'pending', reason: `waiting for asset ${notes.join(', ')}`, waitingFor: missing }
  const zips = assets.filter((a) => a.mime === BUILD_MIME)
  if (zips.length !== 1) {
    return refused(
      `e: a release needs exactly one ${BUILD_MIME} asset (its build), found ${zips.length} among ${assets.length}`,
    )
  }
  const zip = zips[0]!
  const build = asBuild({ ...zip, slug: zip.slug ?? r.slug, version: zip.version ?? r.version })
  if (!build.ok) return refused(`e: build asset ${zip.eventId}: ${build.reason}`)
  const published = w.publishedBuild(gameId, r.version)
  if (published && published.verified && published.sha256 !== build.value.sha256) {
    return refused(
      `${VERSION_PUBLISHED}: ${r.version} has a verified build (sha256 ${published.sha256}); publish a new version`,
      'rejected:version-published',
    )
  }
  const releaseId = w.upsertRelease(gameId, ev, r, build.value.eventId, nowSec)
  w.upsertAsset(releaseId, build.value, nowSec)
  w.replaceReleaseFiles(
    releaseId,
    assets.filter((a) => a !== zip),
    nowSec,
  )
  w.setState(ev.id, 'ACCEPTED')
  return { t: 'linked' }
}

/**
 * A refused release never reaches the catalog: it stops being the address's winner (SUPERSEDED) and the
 * release event the catalog shows for that version wins again.
 */
function refuseRelease(ctx: ApplyContext, ev: NostrEvent, r: Release, reason: string): void {
  const { w } = ctx
  w.setState(ev.id, 'SUPERSEDED')
  const gameId = w.gameId(ev.pubkey, r.slug)
  const shown =
    gameId === undefined ? undefined : w.publishedBuild(gameId, r.version)?.releaseEventId
  if (shown && shown !== ev.id && w.raw(shown)?.state === 'SUPERSEDED')
    w.setState(shown, 'ACCEPTED')
  tellDeveloper(ctx, ev, 'REFUSED', reason)
}

/** NIP-09: tombstone every target; hide what the same author already published. */
function applyDeletion(
  ctx: ApplyContext,
  del: NostrEvent,
  eventIds: string[],
  coordinates: string[],
): void {
  const { w, counters } = ctx
  for (const id of eventIds) {
    w.tombstone(del.id, del.pubkey, { id }, del.created_at)
    const target = w.raw(id)
    if (!target) continue
    if (target.pubkey !== del.pubkey) {
      counters.inc('ignored:deletion-other-author')
      continue
    }
    if (target.kind === Kind.Deletion || target.state === 'DELETED') continue // no undelete (NIP-09)
    if (target.state === 'PENDING') w.clearDeveloperEvent(del.pubkey, id)
    w.setState(id, 'DELETED')
    w.markCatalogDeleted(id, del.created_at)
  }
  for (const a of coordinates) {
    const c = parseCoordinate(a)
    if (!c || c.pubkey !== del.pubkey) {
      counters.inc('ignored:deletion-other-author')
      continue
    }
    w.tombstone(del.id, del.pubkey, { coordinate: `${c.kind}:${c.pubkey}:${c.d}` }, del.created_at)
    for (const id of w.rawAtAddressUntil(c.kind, c.pubkey, c.d, del.created_at)) {
      w.setState(id, 'DELETED')
      w.markCatalogDeleted(id, del.created_at)
    }
  }
}

/** Parse then apply; a parse failure answers its counter name (and is recorded for a known developer). */
export function parseAndApply(
  ctx: ApplyContext,
  ev: NostrEvent,
  relayUrls: readonly string[],
): string {
  const p = parseIndexed(ev)
  if (!p.ok) {
    if (p.reason.startsWith('kind:')) return 'rejected:unexpected-kind'
    if (ev.kind !== Kind.Profile && ev.kind !== Kind.Deletion)
      tellDeveloper(ctx, ev, 'REFUSED', p.reason)
    return parseCounterName(p.reason)
  }
  return applyEvent(ctx, p.value, relayUrls)
}
