/**
 * SDK section for launchers: does the signer own a game, and the market-signed ownership proof a game
 * checks offline (`verifyOwnershipProof` from @zapcade/shared/events/ownership-proof; docs/ownership-proof.md).
 */
import { EntitlementCheckResponse, OwnershipProofResponse } from '@zapcade/shared/api/entitlements'
import { gameAddressOf, type GameRef } from './game-ref.ts'
import { request, type HttpContext } from './http.ts'

const gameQuery = (ref: GameRef): { game: string } => {
  const a = gameAddressOf(ref)
  return { game: `${a.pubkey}/${a.slug}` }
}

export function entitlementsApi(ctx: HttpContext) {
  return {
    /** Whether the signer owns the game (an entitlement not revoked or refunded, a free game, or their own). */
    check: (ref: GameRef) =>
      request(ctx, {
        method: 'GET',
        path: 'api/v1/entitlements/check',
        query: gameQuery(ref),
        auth: 'required',
        schema: EntitlementCheckResponse,
      }),
    /** A kind-3267 proof signed by the market key; a game not owned answers ZapcadeApiError NOT_ENTITLED (403). */
    proof: (ref: GameRef) =>
      request(ctx, {
        method: 'GET',
        path: 'api/v1/entitlements/proof',
        query: gameQuery(ref),
        auth: 'required',
        schema: OwnershipProofResponse,
      }),
  }
}
