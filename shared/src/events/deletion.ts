/**
 * Deletion request, kind 5 (NIP-09): `e` event ids and/or `a` coordinates, a `k` per targeted kind,
 * the reason in content. Who may delete what (same pubkey only) is the indexer's rule, not the parser's.
 * A malformed target is skipped, not fatal, so one bad tag cannot shield the valid targets beside it.
 */
import { Kind } from '../kinds.ts'
import { isHex64, parseCoordinate, type EventId, type Pubkey } from '../ids.ts'
import { fail, ok, type Parsed } from '../result.ts'
import { tagValues, type NostrEvent, type UnsignedEvent } from './event.ts'
import { checkKindAndLimits } from './tag-rules.ts'

export const DELETION_KIND = Kind.Deletion

export interface Deletion {
  eventId: EventId
  pubkey: Pubkey
  /** Hex ids named by `e` tags, each once. */
  eventIds: EventId[]
  /** `<kind>:<pubkey>:<d>` coordinates named by `a` tags, each once. */
  coordinates: string[]
  /** Kinds named by `k` tags. */
  kinds: number[]
  /** How many `e`/`a` values were malformed and skipped. */
  skipped: number
  reason: string
  createdAtSec: number
}

/** Parse a verified kind-5 event into its targets; fails when it names no well-formed target. */
export function parseDeletion(ev: NostrEvent): Parsed<Deletion> {
  const base = checkKindAndLimits(ev, DELETION_KIND)
  if (!base.ok) return base
  const es = tagValues(ev, 'e')
  const as = tagValues(ev, 'a')
  const eventIds = [...new Set(es.filter(isHex64))] as EventId[]
  const coordinates = [...new Set(as.filter((a) => parseCoordinate(a) !== undefined))]
  const skipped =
    es.filter((e) => !isHex64(e)).length + as.filter((a) => parseCoordinate(a) === undefined).length
  if (eventIds.length === 0 && coordinates.length === 0)
    return fail(
      es.length + as.length === 0
        ? 'e: a deletion names no e or a target'
        : 'e: no well-formed e or a target',
    )
  const kinds = [
    ...new Set(
      tagValues(ev, 'k')
        .filter((k) => /^(0|[1-9][0-9]{0,4})$/.test(k) && Number(k) <= 65535)
        .map(Number),
    ),
  ]
  return ok({
    eventId: ev.id as EventId,
    pubkey: ev.pubkey as Pubkey,
    eventIds,
    coordinates,
    kinds,
    skipped,
    reason: ev.content,
    createdAtSec: ev.created_at,
  })
}

export interface DeletionInput {
  eventIds?: string[] | undefined
  coordinates?: string[] | undefined
  /** The kinds of the targets (NIP-09 asks for a `k` per kind); derived from coordinates when absent. */
  kinds?: number[] | undefined
  reason?: string | undefined
  createdAtSec: number
}

/** Make the unsigned kind-5 deletion request. */
export function buildDeletion(d: DeletionInput): UnsignedEvent {
  const tags: string[][] = []
  for (const id of d.eventIds ?? []) tags.push(['e', id])
  for (const a of d.coordinates ?? []) tags.push(['a', a])
  const kinds = new Set(d.kinds ?? [])
  for (const a of d.coordinates ?? []) {
    const c = parseCoordinate(a)
    if (c) kinds.add(c.kind)
  }
  for (const k of kinds) tags.push(['k', String(k)])
  return { kind: DELETION_KIND, created_at: d.createdAtSec, tags, content: d.reason ?? '' }
}
