/**
 * Developers port: payout address, game count and a developer's own catalog rows; the short
 * Lightning-address names; the indexer's notes on their refused or pending events. SQLite adapters:
 * adapters/sqlite/developer-repo.ts, ln-name-repo.ts, developer-events.ts.
 */
import type { DeveloperEvent } from '@zapcade/shared/api/developer'
import type { GameStatus } from '@zapcade/shared/status'

export interface DeveloperProfileRow {
  pubkey: string
  payoutLnAddress: string | null
  verified: boolean
  updatedAtSec: number
}

export interface CatalogGameRow {
  pubkey: string
  slug: string
  title: string
  status: GameStatus
  priceMsat: number
  eventId: string
  updatedAtSec: number
}

export interface DeveloperRepo {
  /** The payout Lightning address, or null when the caller never set one. */
  payoutAddress(pubkey: string): string | null
  /** Distinct slugs among the caller's catalog games (not deleted) and drafts. */
  gamesCount(pubkey: string): number
  setPayoutAddress(
    pubkey: string,
    address: string,
    verified: boolean,
    nowSec: number,
  ): DeveloperProfileRow
  games(pubkey: string): CatalogGameRow[]
}

export type ClaimOutcome = 'CLAIMED' | 'UNCHANGED' | 'RELEASED' | 'TAKEN'

export interface LnNameRepo {
  nameOf(pubkey: string): string | null
  ownerOf(name: string): string | undefined
  /** Claim `name` for the pubkey (or release theirs with null), in one immediate transaction. */
  claim(pubkey: string, name: string | null, nowSec: number): ClaimOutcome
}

export interface DeveloperEventsReader {
  /** Newest first (at most what the indexer keeps per developer). */
  of(pubkey: string): DeveloperEvent[]
}
