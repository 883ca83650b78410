/**
 * Entitlements port: the buyer's library and the admin revoke (docs/architecture.md "Money flows": granted once per
 * paid purchase, `revoked_at` set only by an admin). SQLite adapter: adapters/sqlite/entitlement-repo.ts.
 */
export interface LibraryItem {
  entitlementId: string
  /** Null for a download key's entitlement. */
  purchaseId: string | null
  origin: 'purchase' | 'zap' | 'gift' | 'key'
  grantedAtSec: number
  revokedAtSec: number | null
  game: {
    id: number
    pubkey: string
    slug: string
    title: string
    icon: string | null
    status: string
  }
  releases: {
    version: string
    channel: string
    notes: string
    publishedAtSec: number
    asset: { sha256: string; sizeBytes: number } | null
  }[]
}

/** Zaps toward a game the zapper does not own yet: they add up, and the one reaching the price entitles. */
export interface ZapProgress {
  game: { pubkey: string; slug: string; title: string }
  paidMsat: number
  /** The game's price now. */
  priceMsat: number
}

/** What decides whether a key owns a game (routes/entitlements.ts). */
export interface OwnershipFacts {
  game: { id: number; status: string; priceMsat: number; deleted: boolean; createdAtSec: number }
  /**
   * The key's entitlement to the game: an active one first (not revoked, its purchase not REFUNDED), else
   * the latest inactive one; undefined when the key never held one. `revokedAtSec` is the revocation time.
   */
  entitlement:
    | { id: string; grantedAtSec: number; active: boolean; revokedAtSec: number | null }
    | undefined
}

export interface EntitlementRepo {
  /** The game `<developer>/<slug>` and the key's entitlement to it; undefined when no such game row. */
  ownership(owner: string, game: { pubkey: string; slug: string }): OwnershipFacts | undefined
  /** Games the pubkey has zapped toward (paid, not tips) without owning them, with the total so far. */
  zapProgress(pubkey: string): ZapProgress[]
  /** Every entitlement held by the pubkey (revoked ones included, flagged), with the game's releases. */
  library(pubkey: string): LibraryItem[]
  /** Set revoked_at once (guarded on it being NULL); answers the row, or undefined when none. */
  revoke(
    id: string,
    reason: string,
    nowSec: number,
  ): { id: string; revokedAtSec: number; revokedReason: string; changed: boolean } | undefined
}
