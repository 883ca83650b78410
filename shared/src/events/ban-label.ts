/**
 * Ban label, kind 1985 (NIP-32), signed by the market key: `["L", <namespace>]`,
 * `["l", "banned", <namespace>]`, the banned game as `a`, the reason in content.
 * It publishes the BANNED overlay kept in SQLite (docs/architecture.md "Event profile"). Lifting a ban is a NIP-09
 * deletion of the label; a ban never touches entitlements already granted.
 */
import { Kind } from '../kinds.ts'
import {
  gameCoordinate,
  parseGameCoordinate,
  type EventId,
  type GameAddress,
  type Pubkey,
} from '../ids.ts'
import { fail, ok, type Parsed } from '../result.ts'
import { tagValues, tagsNamed, type NostrEvent, type UnsignedEvent } from './event.ts'
import { checkKindAndLimits } from './tag-rules.ts'

export const LABEL_KIND = Kind.Label
/** Our moderation namespace (NIP-32 recommends reverse-domain names). */
export const MODERATION_NAMESPACE = 'com.zapcade.moderation'
export const BANNED_LABEL = 'banned'
const MAX_REASON = 1000

export interface BanLabel {
  eventId: EventId
  /** The market's pubkey (the caller checks it is the market it trusts). */
  pubkey: Pubkey
  namespace: string
  game: GameAddress
  reason: string
  createdAtSec: number
}

/** Parse a verified kind-1985 ban label in `namespace`, or the rule it breaks. */
export function parseBanLabel(
  ev: NostrEvent,
  namespace: string = MODERATION_NAMESPACE,
): Parsed<BanLabel> {
  const base = checkKindAndLimits(ev, LABEL_KIND)
  if (!base.ok) return base
  // NIP-32: an `l` mark must name an `L` namespace of the event; we want ours, once.
  const Ls = tagValues(ev, 'L')
  if (!Ls.includes(namespace)) return fail(`L: must include the namespace ${namespace}`)
  if (Ls.filter((v) => v === namespace).length > 1) return fail('L: duplicate namespace')
  const ls = tagsNamed(ev, 'l').filter((t) => t[2] === namespace)
  if (ls.length === 0) return fail(`l: no label marked with ${namespace}`)
  if (ls.length > 1) return fail(`l: more than one label marked with ${namespace}`)
  if (ls[0]![1] !== BANNED_LABEL) return fail(`l: label must be "${BANNED_LABEL}"`)
  const as = tagValues(ev, 'a')
  if (as.length !== 1) return fail(`a: exactly one target game required, got ${as.length}`)
  const game = parseGameCoordinate(as[0]!)
  if (!game) return fail('a: target must be a game coordinate 32267:<pubkey>:<slug>')
  if (ev.content.length > MAX_REASON)
    return fail(`content: reason longer than ${MAX_REASON} characters`)
  return ok({
    eventId: ev.id as EventId,
    pubkey: ev.pubkey as Pubkey,
    namespace,
    game,
    reason: ev.content,
    createdAtSec: ev.created_at,
  })
}

export interface BanLabelInput {
  game: GameAddress
  reason?: string | undefined
  namespace?: string | undefined
  createdAtSec: number
}

/** Make the unsigned kind-1985 label banning one game. */
export function buildBanLabel(b: BanLabelInput): UnsignedEvent {
  const ns = b.namespace ?? MODERATION_NAMESPACE
  return {
    kind: LABEL_KIND,
    created_at: b.createdAtSec,
    tags: [
      ['L', ns],
      ['l', BANNED_LABEL, ns],
      ['a', gameCoordinate(b.game)],
    ],
    content: b.reason ?? '',
  }
}
