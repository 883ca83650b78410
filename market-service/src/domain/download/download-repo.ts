/**
 * Persistence port for downloads: the catalog facts a download needs (game, release, build object,
 * entitlement) and the DownloadEvent audit rows. SQLite adapter: adapters/sqlite/download-repo.ts.
 */
import type { GameStatus } from './decide.ts'

export interface DownloadGame {
  id: number
  slug: string
  status: GameStatus
  priceMsat: number
  developerPubkey: string
  /** Deleted by its developer (NIP-09): served to its buyers only. */
  deleted: boolean
}

export interface DownloadRelease {
  id: number
  version: string
  sha256: string
  sizeBytes: number
  /** The verified object holding the build, or null when the market holds no verified upload of it. */
  objectKey: string | null
}

export interface EntitlementRef {
  id: string
  revokedAtSec: number | null
}

export interface DownloadEventRow {
  entitlementId: string | null
  releaseId: number
  userPubkey: string | undefined
  ipHash: string
  userAgent: string | undefined
  createdAtSec: number
}

export interface ReleaseDownloadCount {
  slug: string
  version: string
  downloads: number
  lastAtSec: number | null
}

export interface EntitlementAudit {
  entitlement: {
    id: string
    gameId: number
    userPubkey: string | null
    purchaseId: string
    grantedAtSec: number
    revokedAtSec: number | null
    revokedReason: string | null
  }
  downloads: {
    id: number
    version: string
    ipHash: string
    userAgent: string | null
    createdAtSec: number
  }[]
}

/** The downloads port. */
export interface DownloadRepo {
  findGame(pubkey: string, slug: string): DownloadGame | undefined
  /** The release `version`, or the latest published one when version is undefined (not deleted). */
  findRelease(gameId: number, version: string | undefined): DownloadRelease | undefined
  /** The caller's entitlement to the game; an active one is preferred over a revoked one. */
  entitlementForUser(pubkey: string, gameId: number): EntitlementRef | undefined
  /** The entitlement held by a guest receipt code (by its hash), for this game. */
  entitlementForReceipt(receiptCodeHash: string, gameId: number): EntitlementRef | undefined
  recordDownload(e: DownloadEventRow): void
  /** Developer view: downloads per release of every game the developer owns. */
  countsForDeveloper(developerPubkey: string): ReleaseDownloadCount[]
  /** Admin view: an entitlement and every download made with it; undefined when there is none. */
  auditOf(entitlementId: string): EntitlementAudit | undefined
}
