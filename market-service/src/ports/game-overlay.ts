/**
 * The market's overlay on a game (games.status / featured_rank) as the admin route changes it: the
 * change and the outbox jobs that publish it happen in one transaction; domain/game-status decides. SQLite: adapters/sqlite/admin-repo.ts.
 */
import type { OutboxType } from '../domain/outbox/outbox.ts'
import type { GameListing, GameStatus, OverlayStatus } from '@zapcade/shared/status'

export type { OverlayStatus }

export interface OverlayResult {
  status: GameStatus
  listing: GameListing
  featuredRank: number | null
  outbox: Extract<OutboxType, 'PUBLISH_FEATURED_LIST' | 'PUBLISH_BAN_LABEL' | 'PUBLISH_DELETION'>[]
  /** The ban label published by this change (BANNED), or the labels it retracts (ban lifted). */
  banLabelIds: string[]
}

export interface OverlayChange {
  pubkey: string
  slug: string
  status: OverlayStatus
  rank?: number | undefined
  reason?: string | undefined
  nowSec: number
  /** The market key's pubkey: labels and deletions are signed by it, which fixes their ids. */
  marketPubkey: string
  /** Makes each change's outbox keys unique (a list re-featured later must be published again). */
  nonce: string
}

export interface GameOverlayRepo {
  /**
   * Apply the change as the game-status decider (domain/game-status) rules; undefined when the game
   * does not exist (or was deleted). Throws its NO_BUILD or CONFLICT.
   */
  set(change: OverlayChange): OverlayResult | undefined
}
