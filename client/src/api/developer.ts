/** SDK sections for publishing events, the developer's profile and games, and the admin's actions. */
import type { z } from 'zod'
import { payoutsResponseSchema, payoutViewSchema, type PayoutsQuery } from '@zapcade/shared/api/payouts'
import type { NostrEvent } from '@zapcade/shared/events/event'
import { gameAddressOf, type GameRef } from './game-ref.ts'
import { request, type HttpContext } from './http.ts'
import type {
  AdminGameStatusBody} from './pending-schemas.ts';
import { AdminGameStatusResponse, DeveloperGamesResponse, DeveloperProfileResponse, PublishEventResponse,
} from './pending-schemas.ts'

export function eventsApi(ctx: HttpContext) {
  return {
    /** Hand a signed event to the market: it ingests it and forwards it to its relays (drafts it keeps). */
    publish: (ev: NostrEvent) => request(ctx, { method: 'POST', path: 'api/v1/events', body: ev, auth: 'none', schema: PublishEventResponse }),
  }
}

export function developerApi(ctx: HttpContext) {
  return {
    setProfile: (body: { payout_ln_address: string }) =>
      request(ctx, { method: 'PUT', path: 'api/v1/developer/profile', body, auth: 'required', schema: DeveloperProfileResponse }),
    games: () => request(ctx, { method: 'GET', path: 'api/v1/developer/games', auth: 'required', schema: DeveloperGamesResponse }),
    payouts: (q: PayoutsQuery = {}) =>
      request(ctx, { method: 'GET', path: 'api/v1/developer/payouts', query: q, auth: 'required', schema: payoutsResponseSchema }),
  }
}

export function adminApi(ctx: HttpContext) {
  return {
    setGameStatus: (ref: GameRef, body: z.input<typeof AdminGameStatusBody>) => {
      const a = gameAddressOf(ref)
      return request(ctx, { method: 'POST', path: `api/v1/admin/games/${a.pubkey}/${encodeURIComponent(a.slug)}/status`, body, auth: 'required', schema: AdminGameStatusResponse })
    },
    retryPayout: (id: string) =>
      request(ctx, { method: 'POST', path: `api/v1/admin/payouts/${encodeURIComponent(id)}/retry`, auth: 'required', schema: payoutViewSchema }),
    cancelPayout: (id: string, reason?: string) =>
      request(ctx, { method: 'POST', path: `api/v1/admin/payouts/${encodeURIComponent(id)}/cancel`, body: reason ? { reason } : {}, auth: 'required', schema: payoutViewSchema }),
  }
}
