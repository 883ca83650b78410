/**
 * Download keys (docs/keys-gifts-sales.md): a developer mints keys for one of their games, each 160
 * random bits shown once as `ZK-XXXX-…` (Crockford base32, like receipt codes); only sha256 of the
 * normalised key is stored. A key is single use (the store's guarded redeem decides a race: one wins,
 * the other gets KEY_REDEEMED) and revocable until redeemed. Redeeming with NIP-98 entitles the signer;
 * a guest gets a receipt code and an entitlement held by it, claimed later into a pubkey. Keys move no
 * money: nothing is written to the ledger (the key row is the record).
 */
import { createHash } from 'node:crypto'
import { AppError } from '@zapcade/shared/errors'
import type { ClaimKeyResponse, RedeemKeyResponse } from '@zapcade/shared/api/keys'
import { MAX_KEYS_PER_MINT } from '@zapcade/shared/api/keys'
import type { KeyGame, KeyRepo } from '../../ports/key-repo.ts'
import { formatReceiptCode } from '../purchase/receipt-code.ts'

export interface KeyDeps {
  repo: KeyRepo
  nowSec: () => number
  /** ≥ 16 random bytes (node's randomBytes in production). */
  randomBytes: (n: number) => Uint8Array
  newId: () => string
  /** sha256 hex of a receipt code, as purchases store theirs (the download route compares the same). */
  hashReceiptCode: (code: string) => string
  newReceiptCode: () => string
}

/** A key as shown: 160 random bits as `ZK-` + Crockford base32 in groups of four. */
export function formatKey(bytes: Uint8Array): string {
  return `ZK-${formatReceiptCode(bytes).slice(3)}`
}

/** sha256 hex of a key as typed: surrounding space ignored, case folded (base32 reads either way). */
export function hashKey(key: string): string {
  return createHash('sha256').update(key.trim().toUpperCase()).digest('hex')
}

function ownGame(d: KeyDeps, developer: string, slug: string): KeyGame {
  const g = d.repo.developerGame(developer, slug)
  if (!g) throw new AppError('GAME_NOT_FOUND', 'you have no game with this slug')
  return g
}

/** Mint `count` keys for the developer's game; the plain keys are answered once, never stored. */
export function mintKeys(
  d: KeyDeps,
  developer: string,
  slug: string,
  count: number,
): { batchId: string; game: KeyGame; keys: string[] } {
  if (!Number.isInteger(count) || count < 1 || count > MAX_KEYS_PER_MINT)
    throw new AppError('VALIDATION_FAILED', `count: 1 to ${MAX_KEYS_PER_MINT}`)
  const game = ownGame(d, developer, slug)
  if (game.deleted) throw new AppError('GAME_NOT_PURCHASABLE', 'the game is deleted')
  const keys = Array.from({ length: count }, () => formatKey(d.randomBytes(20)))
  const batchId = d.newId()
  d.repo.insertBatch({ batchId, gameId: game.id, hashes: keys.map(hashKey), nowSec: d.nowSec() })
  return { batchId, game, keys }
}

/** Revoke a key of one of the developer's games; a redeemed key cannot be (KEY_REDEEMED). */
export function revokeKey(d: KeyDeps, developer: string, key: string): { revokedAtSec: number } {
  const k = d.repo.byHash(hashKey(key))
  // Another developer's key is answered like an unknown one: keys are not probed through this route.
  const g = k && d.repo.gameOf(k.gameId)
  if (!k || !g || g.pubkey !== developer)
    throw new AppError('KEY_INVALID', 'none of your games has this key')
  const r = d.repo.revoke(k.id, d.nowSec())
  if (!r) throw new AppError('KEY_INVALID', 'none of your games has this key')
  if ('redeemed' in r)
    throw new AppError('KEY_REDEEMED', 'this key was redeemed: it cannot be revoked')
  return r
}

/** Redeem a key into `pubkey`, or for a guest (pubkey undefined: a receipt code is made). */
export function redeemKey(
  d: KeyDeps,
  key: string,
  pubkey: string | undefined,
): { statusCode: 200 | 201; body: RedeemKeyResponse } {
  const receiptCode = pubkey === undefined ? d.newReceiptCode() : undefined
  const r = d.repo.redeem({
    keyHash: hashKey(key),
    pubkey: pubkey ?? null,
    guestReceiptCodeHash: receiptCode !== undefined ? d.hashReceiptCode(receiptCode) : null,
    entitlementId: d.newId(),
    nowSec: d.nowSec(),
  })
  if (r.state === 'UNKNOWN') throw new AppError('KEY_INVALID', 'no game has this key')
  if (r.state === 'REVOKED')
    throw new AppError('KEY_REVOKED', 'this key was revoked by its developer')
  const k = d.repo.byHash(hashKey(key))!
  const g = d.repo.gameOf(k.gameId)!
  const game = { pubkey: g.pubkey, slug: g.slug, title: g.title }
  if (r.state === 'TAKEN') {
    // The same signer again gets the same answer (a retried request); anyone else is refused.
    if (!r.same || r.entitlementId === null)
      throw new AppError('KEY_REDEEMED', 'this key was already redeemed')
    return {
      statusCode: 200,
      body: { entitlement_id: r.entitlementId, game, origin: 'key', owner_pubkey: pubkey ?? null },
    }
  }
  return {
    statusCode: 201,
    body: {
      entitlement_id: r.entitlementId,
      game,
      origin: 'key',
      owner_pubkey: pubkey ?? null,
      ...(receiptCode !== undefined ? { receipt_code: receiptCode } : {}),
    },
  }
}

/** Claim a guest's key redemption (by its receipt code) into `pubkey`; again by the same key: same answer. */
export function claimKey(d: KeyDeps, receiptCode: string, pubkey: string): ClaimKeyResponse {
  const r = d.repo.claim(d.hashReceiptCode(receiptCode), pubkey, d.nowSec())
  if ('state' in r && r.state === 'UNKNOWN')
    throw new AppError('RECEIPT_INVALID', 'no key redemption holds this receipt code')
  if ('state' in r)
    throw new AppError('ALREADY_CLAIMED', 'this redemption was claimed by another key')
  const g = d.repo.gameOf(r.key.gameId)!
  return {
    entitlement_id: r.key.entitlementId!,
    game: { pubkey: g.pubkey, slug: g.slug, title: g.title },
    origin: 'key',
    owner_pubkey: pubkey,
  }
}
