/** SDK sections for publishing events, the developer's profile and games, and the admin's actions. */
import { AdminGameStatusResponse, type AdminGameStatusRequest } from '@zapcade/shared/api/admin'
import {
  DeveloperEventsResponse,
  DeveloperGamesResponse,
  DeveloperProfileResponse,
  type DeveloperProfileRequest,
} from '@zapcade/shared/api/developer'
import { PublishEventResponse } from '@zapcade/shared/api/events'
import { LightningAddressResponse } from '@zapcade/shared/api/lightning-address'
import {
  adminPayoutsResponseSchema,
  payoutsResponseSchema,
  payoutViewSchema,
  type PayoutStatusDto,
  type PayoutsQuery,
} from '@zapcade/shared/api/payouts'
import type { NostrEvent } from '@zapcade/shared/events/event'
import { gameAddressOf, type GameRef } from './game-ref.ts'
import { request, type HttpContext } from './http.ts'

export function eventsApi(ctx: HttpContext) {
  return {
    /** Hand a signed event to the market: it keeps drafts and forwards the rest to its relays. */
    publish: (ev: NostrEvent) =>
      request(ctx, {
        method: 'POST',
        path: 'api/v1/events',
        auth: 'none',
        schema: PublishEventResponse,
        // Exactly the seven NIP-01 fields: the route refuses unknown ones (a VerifiedEvent carries a symbol).
        body: {
          id: ev.id,
          pubkey: ev.pubkey,
          created_at: ev.created_at,
          kind: ev.kind,
          tags: ev.tags,
          content: ev.content,
          sig: ev.sig,
        },
      }),
  }
}

export function developerApi(ctx: HttpContext) {
  return {
    setProfile: (body: DeveloperProfileRequest) =>
      request(ctx, {
        method: 'PUT',
        path: 'api/v1/developer/profile',
        body,
        auth: 'required',
        schema: DeveloperProfileResponse,
      }),
    /** The caller's own games, drafts included. */
    games: () =>
      request(ctx, {
        method: 'GET',
        path: 'api/v1/developer/games',
        auth: 'required',
        schema: DeveloperGamesResponse,
      }),
    /** The caller's events the market's indexer refused or holds, newest first, each with its reason. */
    events: () =>
      request(ctx, {
        method: 'GET',
        path: 'api/v1/developer/events',
        auth: 'required',
        schema: DeveloperEventsResponse,
      }),
    payouts: (q: PayoutsQuery = {}) =>
      request(ctx, {
        method: 'GET',
        path: 'api/v1/developer/payouts',
        query: q,
        auth: 'required',
        schema: payoutsResponseSchema,
      }),
    /** The caller's market-hosted Lightning addresses (`<npub>@host`, and a claimed short name). */
    lightningAddress: () =>
      request(ctx, {
        method: 'GET',
        path: 'api/v1/developer/lightning-address',
        auth: 'required',
        schema: LightningAddressResponse,
      }),
    /** Claim or change the short name of the caller's Lightning address; null releases it. */
    setLightningName: (name: string | null) =>
      request(ctx, {
        method: 'PUT',
        path: 'api/v1/developer/lightning-address',
        body: { name },
        auth: 'required',
        schema: LightningAddressResponse,
      }),
  }
}

export function adminApi(ctx: HttpContext) {
  return {
    setGameStatus: (ref: GameRef, body: AdminGameStatusRequest) => {
      const a = gameAddressOf(ref)
      return request(ctx, {
        method: 'POST',
        path: `api/v1/admin/games/${a.pubkey}/${encodeURIComponent(a.slug)}/status`,
        body,
        auth: 'required',
        schema: AdminGameStatusResponse,
      })
    },
    /** Payouts needing a person (FAILED and RETRYING; 'attention', the default) or of one status. */
    payouts: (status: 'attention' | PayoutStatusDto = 'attention') =>
      request(ctx, {
        method: 'GET',
        path: 'api/v1/admin/payouts',
        query: { status },
        auth: 'required',
        schema: adminPayoutsResponseSchema,
      }),
    retryPayout: (id: string) =>
      request(ctx, {
        method: 'POST',
        path: `api/v1/admin/payouts/${encodeURIComponent(id)}/retry`,
        auth: 'required',
        schema: payoutViewSchema,
      }),
    cancelPayout: (id: string, reason?: string) =>
      request(ctx, {
        method: 'POST',
        path: `api/v1/admin/payouts/${encodeURIComponent(id)}/cancel`,
        body: reason ? { reason } : {},
        auth: 'required',
        schema: payoutViewSchema,
      }),
  }
}
