/**
 * Whether a key owns a game, for launchers (docs/ownership-proof.md). Pure: facts in, an answer out.
 * - An active entitlement (not revoked, its purchase not refunded) owns the game, whatever the game's
 *   status: a ban withdraws builds, not what was bought, and deleting a game never takes it from a buyer.
 * - The developer owns their own game.
 * - A free game is owned by every key while it is listed, unlisted or featured (not banned, deleted or a draft).
 * - Otherwise not owned. A draft (to anyone but its developer) or a deleted game the key never owned is
 *   "no such game", as for downloads.
 */
import type { OwnershipFacts } from '../../ports/entitlement-repo.ts'

export type OwnershipBasis = 'entitlement' | 'free' | 'developer'

export type OwnershipAnswer =
  | { found: false }
  | {
      found: true
      owned: boolean
      free: boolean
      basis: OwnershipBasis | undefined
      /** The active entitlement (basis `entitlement`). */
      entitlement: { id: string; grantedAtSec: number } | undefined
      /** When the key's entitlement was revoked (set whether or not the game is owned another way). */
      revokedAtSec: number | undefined
    }

export function decideOwnership(
  facts: OwnershipFacts | undefined,
  caller: string,
  developer: string,
): OwnershipAnswer {
  if (!facts) return { found: false }
  const { game, entitlement: e } = facts
  const active = e?.active ? { id: e.id, grantedAtSec: e.grantedAtSec } : undefined
  const free = game.priceMsat === 0
  const isDeveloper = caller === developer
  if (!isDeveloper && !active && (game.status === 'DRAFT' || game.deleted)) return { found: false }
  const revokedAtSec = e && !e.active ? (e.revokedAtSec ?? undefined) : undefined
  const basis: OwnershipBasis | undefined = active
    ? 'entitlement'
    : isDeveloper
      ? 'developer'
      : free && game.status !== 'BANNED'
        ? 'free'
        : undefined
  return { found: true, owned: basis !== undefined, free, basis, entitlement: active, revokedAtSec }
}
