/**
 * Ownership proof, kind 3267: a statement signed by the market key that a player's key owns a game until
 * an expiry, handed to the player over NIP-98 (`GET /api/v1/entitlements/proof`) and never published to
 * relays. A game or launcher checks it offline with the market pubkey alone (docs/ownership-proof.md).
 *
 * Tags: `a` the game coordinate `32267:<developer>:<slug>`, `p` the owner, `granted_at` (unix seconds the
 * entitlement was granted; for a free game or the developer, when the proof was made), `expiration`
 * (NIP-40, unix seconds), `basis` (`entitlement` | `free` | `developer`), `entitlement` (the market's
 * entitlement id, basis `entitlement` only) and a NIP-31 `alt`. Content is empty.
 *
 * Why 3267: a regular kind (1000–9999, NIP-01) no NIP assigns, echoing the game listing's 32267. Not
 * addressable: each proof stands alone and none replaces another. Not ephemeral: a proof is meant to be
 * kept (in a file, by the game) until it expires.
 */
import { verifyEvent } from 'nostr-tools/pure'
import {
  gameCoordinate,
  isHex64,
  parseGameCoordinate,
  type GameAddress,
  type Pubkey,
} from '../ids.ts'
import { fail, ok, type Parsed } from '../result.ts'
import {
  parseEventShape,
  requiredTag,
  singleTag,
  type NostrEvent,
  type UnsignedEvent,
} from './event.ts'
import { checkKindAndLimits } from './tag-rules.ts'

export const OWNERSHIP_PROOF_KIND = 3267

/** Why the market says the key owns the game. */
export type OwnershipBasis = 'entitlement' | 'free' | 'developer'
const BASES: readonly OwnershipBasis[] = ['entitlement', 'free', 'developer']

/** A proof older than this ahead of the verifier's clock is refused (clock skew allowance). */
export const OWNERSHIP_PROOF_MAX_SKEW_SEC = 600

export interface OwnershipProofInput {
  game: GameAddress
  owner: string
  basis: OwnershipBasis
  /** Present when basis is `entitlement`. */
  entitlementId?: string | undefined
  grantedAtSec: number
  createdAtSec: number
  expiresAtSec: number
}

/** The unsigned kind-3267 proof; the market signs it. */
export function buildOwnershipProof(p: OwnershipProofInput): UnsignedEvent {
  const tags: string[][] = [
    ['a', gameCoordinate(p.game)],
    ['p', p.owner],
    ['granted_at', String(p.grantedAtSec)],
    ['expiration', String(p.expiresAtSec)],
    ['basis', p.basis],
  ]
  if (p.entitlementId !== undefined) tags.push(['entitlement', p.entitlementId])
  const until = new Date(p.expiresAtSec * 1000).toISOString()
  tags.push([
    'alt',
    `Ownership proof: ${p.owner} owns ${gameCoordinate(p.game)} (valid until ${until})`,
  ])
  return { kind: OWNERSHIP_PROOF_KIND, created_at: p.createdAtSec, tags, content: '' }
}

export interface OwnershipProof {
  eventId: string
  /** The signer (the market, once verifyOwnershipProof checked it). */
  marketPubkey: Pubkey
  game: GameAddress
  owner: Pubkey
  basis: OwnershipBasis
  entitlementId: string | undefined
  grantedAtSec: number
  createdAtSec: number
  expiresAtSec: number
}

const UNIX_SEC = /^(0|[1-9][0-9]{0,11})$/

function secondsTag(ev: NostrEvent, name: string): Parsed<number> {
  const t = requiredTag(ev, name)
  if (!t.ok) return t
  if (!UNIX_SEC.test(t.value)) return fail(`${name}: must be unix seconds`)
  return ok(Number(t.value))
}

/** Read a kind-3267 proof's tags (no signature, signer or clock check: see verifyOwnershipProof). */
export function parseOwnershipProof(ev: NostrEvent): Parsed<OwnershipProof> {
  const base = checkKindAndLimits(ev, OWNERSHIP_PROOF_KIND)
  if (!base.ok) return base
  const a = requiredTag(ev, 'a')
  if (!a.ok) return a
  const game = parseGameCoordinate(a.value)
  if (!game) return fail('a: must be a game coordinate 32267:<pubkey>:<slug>')
  const p = requiredTag(ev, 'p')
  if (!p.ok) return p
  if (!isHex64(p.value)) return fail('p: owner must be 64 lowercase hex')
  const granted = secondsTag(ev, 'granted_at')
  if (!granted.ok) return granted
  const expiration = secondsTag(ev, 'expiration')
  if (!expiration.ok) return expiration
  const basis = requiredTag(ev, 'basis')
  if (!basis.ok) return basis
  if (!(BASES as readonly string[]).includes(basis.value))
    return fail(`basis: must be one of ${BASES.join(', ')}`)
  const ent = singleTag(ev, 'entitlement', false)
  if (!ent.ok) return ent
  if (basis.value === 'entitlement' && ent.value === undefined)
    return fail('entitlement: missing for basis entitlement')
  if (expiration.value <= ev.created_at) return fail('expiration: not after created_at')
  return ok({
    eventId: ev.id,
    marketPubkey: ev.pubkey as Pubkey,
    game,
    owner: p.value as Pubkey,
    basis: basis.value as OwnershipBasis,
    entitlementId: ent.value,
    grantedAtSec: granted.value,
    createdAtSec: ev.created_at,
    expiresAtSec: expiration.value,
  })
}

export interface OwnershipProofExpect {
  /** `market_pubkey` of the market's `GET /api/v1/info`, shipped with the game. */
  marketPubkey: string
  /** The game being launched: its address or its `32267:` coordinate. */
  game: GameAddress | string
  /** The player's key (the one the launcher signs in with). */
  owner: string
  /** The verifier's clock, unix seconds. */
  nowSec: number
  /** Allowed clock skew for `created_at` ahead of `nowSec`; default OWNERSHIP_PROOF_MAX_SKEW_SEC. */
  maxSkewSec?: number
  /** Id + signature check; default nostr-tools' verifyEvent (servers may pass a faster one). */
  verifySignature?: (ev: NostrEvent) => boolean
}

/**
 * The full offline check of an untrusted proof (any JSON value): NIP-01 shape, kind, the market's key,
 * id and signature, the game, the owner, and that it has not expired by `nowSec` (NIP-40: expired when
 * `expiration` ≤ now). Answers the proof, or the first rule it breaks.
 */
export function verifyOwnershipProof(
  input: unknown,
  x: OwnershipProofExpect,
): Parsed<OwnershipProof> {
  const shape = parseEventShape(input)
  if (!shape.ok) return shape
  const ev = shape.value
  if (ev.kind !== OWNERSHIP_PROOF_KIND)
    return fail(`kind: expected ${OWNERSHIP_PROOF_KIND}, got ${ev.kind}`)
  if (ev.pubkey !== x.marketPubkey) return fail('pubkey: not signed by this market')
  // A fresh copy: nostr-tools caches the verdict on the object it verified.
  if (!(x.verifySignature ?? ((e) => verifyEvent({ ...e })))(ev))
    return fail('signature: invalid id or signature')
  const parsed = parseOwnershipProof(ev)
  if (!parsed.ok) return parsed
  const proof = parsed.value
  const game = typeof x.game === 'string' ? x.game : gameCoordinate(x.game)
  if (gameCoordinate(proof.game) !== game) return fail('a: names another game')
  if (proof.owner !== x.owner) return fail('p: names another owner')
  if (proof.expiresAtSec <= x.nowSec) return fail('expiration: expired')
  if (proof.createdAtSec > x.nowSec + (x.maxSkewSec ?? OWNERSHIP_PROOF_MAX_SKEW_SEC))
    return fail('created_at: in the future')
  return ok(proof)
}
