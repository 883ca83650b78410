/**
 * Who may download a game's build (docs/architecture.md "Downloads and blobs"): free games need no entitlement; a
 * paid game needs an entitlement that was not revoked; a banned game serves nobody; a draft only its
 * developer; a deleted game only its buyers and its developer. Pure: the facts come in, a decision goes out.
 */
import type { ErrorCode } from '@zapcade/shared/errors'

import type { GameStatus } from '@zapcade/shared/status'

export type { GameStatus }

export interface DownloadFacts {
  /** `deleted`: the developer deleted the game (NIP-09); its buyers keep their builds (docs/architecture.md "Event profile"). */
  game: { status: GameStatus; priceMsat: number; developerPubkey: string; deleted: boolean }
  /** The authenticated caller (NIP-98), if any. */
  callerPubkey: string | undefined
  /** Whether the caller presented anything at all (NIP-98 or a receipt code). */
  authenticated: boolean
  /** The caller's entitlement to this game, if one was found (revoked ones included). */
  entitlement: { id: string; revokedAtSec: number | null } | undefined
}

export type DownloadDecision =
  | { allow: true; entitlementId: string | null; basis: 'FREE' | 'ENTITLED' | 'DEVELOPER' }
  | { allow: false; code: ErrorCode; detail: string }

/** Decide allow/deny from the game's status and price and the caller's entitlement. */
export function decideDownload(f: DownloadFacts): DownloadDecision {
  // A ban withdraws the build from everyone, including buyers (their entitlement itself stays).
  if (f.game.status === 'BANNED')
    return {
      allow: false,
      code: 'FORBIDDEN',
      detail: 'this game is banned and its builds are not served',
    }
  const isDeveloper = f.callerPubkey !== undefined && f.callerPubkey === f.game.developerPubkey
  if (f.game.status === 'DRAFT' && !isDeveloper)
    return { allow: false, code: 'GAME_NOT_FOUND', detail: 'no such game' }
  if (isDeveloper) return { allow: true, entitlementId: null, basis: 'DEVELOPER' }
  // A deleted game is hidden from everyone except those who bought it: deleting never takes a build
  // away from a buyer (RPL-6), but it is no longer free for all, nor a reason to tell strangers it exists.
  const entitled = f.entitlement !== undefined && f.entitlement.revokedAtSec === null
  if (f.game.deleted && !entitled)
    return { allow: false, code: 'GAME_NOT_FOUND', detail: 'no such game' }
  // An active entitlement is recorded even for a game that became free, so the audit trail stays whole.
  if (f.entitlement && f.entitlement.revokedAtSec === null)
    return { allow: true, entitlementId: f.entitlement.id, basis: 'ENTITLED' }
  if (f.game.priceMsat === 0) return { allow: true, entitlementId: null, basis: 'FREE' }
  if (f.entitlement)
    return { allow: false, code: 'NOT_ENTITLED', detail: 'this entitlement was revoked' }
  if (!f.authenticated)
    return {
      allow: false,
      code: 'AUTH_REQUIRED',
      detail: 'sign the request (NIP-98) or send X-Receipt-Code',
    }
  return { allow: false, code: 'NOT_ENTITLED', detail: 'no entitlement to this game' }
}
