/**
 * Stage 4: the Nostr rules, applied to one parsed event inside the batch transaction.
 * - NIP-01 replaceable/addressable: newest created_at wins, tie → lowest id (also for out-of-order arrival).
 * - NIP-09: deletions by `e` and by `a` (up to the deletion's created_at), same author only; tombstones
 *   are kept so a deletion that arrives first still applies; a deletion of a deletion does nothing.
 * - DESIGN.md section 2: releases link to the same author's game (`i` = slug) and build asset (`e`);
 *   whichever arrives first waits as PENDING and is linked when the other arrives.
 */
import { Kind, kindClass } from '@zapcade/shared/kinds'
import { parseCoordinate } from '@zapcade/shared/ids'
import type { NostrEvent } from '@zapcade/shared/events/event'
import type { CatalogWriter, RawState } from '../store/catalog-writer.ts'
import { rowToEvent } from '../store/catalog-writer.ts'
import type { Counters } from '../store/counters.ts'
import { parseCounterName, parseIndexed, type ParsedEvent, type ReleaseInfo } from './parse.ts'
import { parseAssetInfo, parseProfileInfo, parseReleaseInfo } from './parse-adapters.ts'

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
export function wins(a: { created_at: number; id: string }, b: { created_at: number; id: string }): boolean {
  return a.created_at > b.created_at || (a.created_at === b.created_at && a.id < b.id)
}

/**
 * Apply one verified, parsed event. Answers the counter name of the outcome (`accepted`, `pending`,
 * `stale`, `rejected:*`); a pending event linked later also counts `linked`.
 */
export function applyEvent(ctx: ApplyContext, p: ParsedEvent, relayUrls: readonly string[]): string {
  const { w, nowSec } = ctx
  const ev = p.ev
  if (p.kind === 'game' && p.game.listing === 'DRAFT') return 'rejected:draft' // drafts never reach relays
  const d = addressD(ev)
  const store = (state: RawState): void => {
    w.insertRaw(ev, d, state, nowSec)
    for (const r of relayUrls) w.addRelay(ev.id, r, nowSec)
  }
  // Tombstones first: a deletion may have arrived before what it deletes. A deletion of a deletion
  // has no effect (NIP-09), so kind 5 is never tombstoned.
  if (p.kind !== 'deletion' && (w.deletedById(ev.id, ev.pubkey) || (d !== null && w.deletedByCoordinate(`${ev.kind}:${ev.pubkey}:${d}`, ev.pubkey, ev.created_at)))) {
    store('DELETED')
    return 'rejected:deleted'
  }
  if (p.kind === 'deletion') {
    store('ACCEPTED')
    applyDeletion(ctx, ev, p.deletion.eventIds, p.deletion.coordinates)
    return 'accepted'
  }
  if (p.kind === 'asset') {
    store('ACCEPTED')
    for (const row of w.pendingReleasesOfAsset(ev.pubkey, ev.id)) {
      const r = parseReleaseInfo(rowToEvent(row))
      if (r.ok && r.value.assetEventId === ev.id && linkRelease(ctx, rowToEvent(row), r.value)) ctx.counters.inc('linked')
    }
    return 'accepted'
  }
  // Replaceable and addressable kinds: only the winner at the address reaches the catalog.
  const cur = w.winner(ev.kind, ev.pubkey, d ?? '')
  if (cur && !wins(ev, cur)) {
    store('SUPERSEDED')
    return 'stale'
  }
  if (cur && cur.state !== 'DELETED') w.setState(cur.id, 'SUPERSEDED')
  if (p.kind === 'game') {
    store('ACCEPTED')
    const userId = w.ensureUser(ev.pubkey, nowSec)
    w.upsertGame(userId, p.game, nowSec)
    for (const row of w.pendingOf(Kind.Profile, ev.pubkey)) if (applyProfileRow(ctx, rowToEvent(row))) ctx.counters.inc('linked')
    for (const row of w.pendingReleasesOfGame(ev.pubkey, p.game.slug)) {
      const r = parseReleaseInfo(rowToEvent(row))
      if (r.ok && r.value.slug === p.game.slug && linkRelease(ctx, rowToEvent(row), r.value)) ctx.counters.inc('linked')
    }
    return 'accepted'
  }
  if (p.kind === 'release') {
    store('PENDING')
    if (linkRelease(ctx, ev, p.release)) return 'accepted'
    w.notePendingRelease(p.release.assetEventId, ev.id)
    return 'pending'
  }
  // Profile (kind 0): shown only for developers whose games are indexed; waits for the first game.
  store('PENDING')
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

/** Link a winning release to its game and build asset when both are there; answers whether it linked. */
function linkRelease(ctx: ApplyContext, ev: NostrEvent, r: ReleaseInfo): boolean {
  const { w, nowSec } = ctx
  const gameId = w.gameId(ev.pubkey, r.slug)
  const assetRow = w.raw(r.assetEventId)
  if (gameId === undefined || !assetRow || assetRow.pubkey !== ev.pubkey || assetRow.kind !== Kind.BuildAsset) return false
  if (assetRow.state === 'DELETED') return false
  const asset = parseAssetInfo(rowToEvent(assetRow))
  if (!asset.ok) return false
  const releaseId = w.upsertRelease(gameId, ev, r, nowSec)
  w.upsertAsset(releaseId, assetRow.id, asset.value, nowSec)
  w.setState(ev.id, 'ACCEPTED')
  return true
}

/** NIP-09: tombstone every target; hide what the same author already published. */
function applyDeletion(ctx: ApplyContext, del: NostrEvent, eventIds: string[], coordinates: string[]): void {
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

/** Parse then apply; a parse failure answers its counter name. */
export function parseAndApply(ctx: ApplyContext, ev: NostrEvent, relayUrls: readonly string[]): string {
  const p = parseIndexed(ev)
  if (!p.ok) return p.reason.startsWith('kind:') ? 'rejected:unexpected-kind' : parseCounterName(p.reason)
  return applyEvent(ctx, p.value, relayUrls)
}
