/**
 * The game-status decider (docs/architecture.md "State machines"): what an admin's overlay change
 * (FEATURED, LISTED, BANNED) makes of a game, and what must then be published. The transition itself is
 * shared's `nextGameStatus`; this adds the market's rules around it: nothing is promoted that cannot be
 * delivered (a paid game is featured only with a verified build), the featured rank, and which outputs
 * (featured list, ban label, retraction of the ban labels) the change calls for. Pure: the adapter
 * reads the row, asks here, and writes the answer with its outbox jobs in one transaction.
 */
import { AppError } from '@zapcade/shared/errors'
import {
  nextGameStatus,
  type GameListing,
  type GameStatus,
  type OverlayStatus,
} from '@zapcade/shared/status'

export interface GameOverlayState {
  status: GameStatus
  listing: GameListing
  featuredRank: number | null
  priceMsat: number
  hasVerifiedBuild: boolean
}

export interface OverlayRequest {
  status: OverlayStatus
  /** The rank asked for (FEATURED); otherwise it keeps its rank, or goes last. */
  rank?: number | undefined
  /** The highest rank among the other featured games (null when none). */
  maxOtherFeaturedRank: number | null
}

export interface OverlayDecision {
  status: GameStatus
  featuredRank: number | null
  /** The featured list changes: the game enters it, leaves it, or moves within it. */
  publishFeaturedList: boolean
  /** The game becomes BANNED: a ban label (kind 1985) is published. */
  publishBanLabel: boolean
  /** A ban is lifted: the game's ban labels are retracted (NIP-09). */
  retractBanLabels: boolean
}

/** Decide the change; throws NO_BUILD (a paid game without a verified build) or CONFLICT (no transition). */
export function decideGameOverlay(g: GameOverlayState, req: OverlayRequest): OverlayDecision {
  if (req.status === 'FEATURED' && g.priceMsat > 0 && !g.hasVerifiedBuild)
    throw new AppError(
      'NO_BUILD',
      'a paid game is featured only once a release of it has a verified build',
    )
  const status = nextGameStatus(g.status, g.listing, req.status)
  if (status === undefined)
    throw new AppError('CONFLICT', `a ${g.listing} game cannot be ${req.status}`)
  const featuredRank =
    status !== 'FEATURED'
      ? null
      : (req.rank ??
        (g.status === 'FEATURED' && g.featuredRank !== null
          ? g.featuredRank
          : (req.maxOtherFeaturedRank ?? -1) + 1))
  return {
    status,
    featuredRank,
    publishFeaturedList: status === 'FEATURED' || g.status === 'FEATURED',
    publishBanLabel: status === 'BANNED' && g.status !== 'BANNED',
    retractBanLabels: status !== 'BANNED' && g.status === 'BANNED',
  }
}
