/**
 * Persistence port of download keys (docs/keys-gifts-sales.md). Keys are stored as sha256 hashes only;
 * every redemption is one immediate transaction guarded on the key being neither redeemed nor revoked,
 * so two redemptions of one key cannot both win. SQLite adapter: adapters/sqlite/key-repo.ts.
 */

export interface KeyGame {
  id: number
  pubkey: string
  slug: string
  title: string
  deleted: boolean
  status: string
}

export interface KeyRecord {
  id: string
  gameId: number
  revokedAtSec: number | null
  redeemedAtSec: number | null
  redeemedPubkey: string | null
  guestReceiptCodeHash: string | null
  entitlementId: string | null
}

export type RedeemResult =
  | { state: 'REDEEMED'; entitlementId: string }
  | { state: 'UNKNOWN' }
  | { state: 'REVOKED' }
  /** Redeemed before: by this pubkey (`same`) or someone else / a guest. */
  | { state: 'TAKEN'; same: boolean; entitlementId: string | null }

export interface KeyRepo {
  /** A game of this developer, or undefined. */
  developerGame(pubkey: string, slug: string): KeyGame | undefined
  gameOf(gameId: number): KeyGame | undefined
  /** Insert the hashed keys of one batch in one transaction. */
  insertBatch(b: { batchId: string; gameId: number; hashes: string[]; nowSec: number }): void
  byHash(keyHash: string): KeyRecord | undefined
  stats(gameId: number): { minted: number; redeemed: number; revoked: number }
  /** Guarded revoke: false when the key was redeemed (or does not exist). Already revoked: true. */
  revoke(keyId: string, nowSec: number): { revokedAtSec: number } | { redeemed: true } | undefined
  /**
   * Redeem in one immediate transaction: the key marked redeemed (by `pubkey`, or for the guest whose
   * receipt code hashes to `guestReceiptCodeHash`) and an entitlement of origin 'key' granted.
   */
  redeem(r: {
    keyHash: string
    pubkey: string | null
    guestReceiptCodeHash: string | null
    entitlementId: string
    nowSec: number
  }): RedeemResult
  /**
   * Move a guest redemption to `pubkey` (key and entitlement), guarded on it being unclaimed.
   * Answers the key, or 'UNKNOWN', or the pubkey it was claimed by before.
   */
  claim(
    receiptCodeHash: string,
    pubkey: string,
    nowSec: number,
  ): { key: KeyRecord } | { state: 'UNKNOWN' } | { state: 'CLAIMED'; by: string; key: KeyRecord }
}
