/**
 * The HTTP API shapes the storefront reads. Types come from the shared zod schemas
 * (shared/src/api/*.ts) as type-only imports, so no schema code ships to the browser; the few routes
 * without a shared schema yet are typed here, tolerant of fields the service may leave out.
 */
import type {
  GameDetailResponse,
  GameListItem,
  GameListResponse,
  GameRelease,
  MarketInfoResponse,
} from '@zapcade/shared/api/catalog'
import type {
  ClaimPurchaseResponse,
  CreatePurchaseResponse,
  DeveloperLedgerResponse,
  LedgerCheckResponse,
  LibraryResponse,
  PaymentAlert,
  PaymentAlertsResponse,
  PurchaseView,
  SalesResponse,
} from '@zapcade/shared/api/purchases'
import type { PayoutsResponse } from '@zapcade/shared/api/payouts'
import type { DeveloperGame, DeveloperGamesResponse } from '@zapcade/shared/api/developer'
import type { MeResponse } from '@zapcade/shared/api/me'
import type { NostrEvent } from '@zapcade/shared/events/event'

export type Info = MarketInfoResponse
export type GameItem = GameListItem
export type Page = GameListResponse
export type GameDetail = GameDetailResponse
export type Release = GameRelease
export type Purchase = CreatePurchaseResponse
export type {
  ClaimPurchaseResponse,
  DeveloperLedgerResponse,
  LedgerCheckResponse,
  LibraryResponse,
  PaymentAlert,
  PaymentAlertsResponse,
  PayoutsResponse,
  PurchaseView,
  SalesResponse,
}
/** `GET /api/v1/me`: the signed-in caller as the market sees it. */
export type Me = MeResponse
export type LibraryItem = LibraryResponse['items'][number]
export type SignedEvent = NostrEvent

/** A developer's own game (`GET /api/v1/developer/games`): drafts included, with their signed event. */
export type DevGame = DeveloperGame
export type { DeveloperGamesResponse }

/** `GET …/download?format=json`. */
export interface DownloadGrant {
  url: string
  expires_at: number
  sha256: string
  size_bytes: number
}

export interface Problem {
  type?: string
  title?: string
  status: number
  detail?: string
  code?: string
}
