/** SQLite adapter of the download keys port (ports/key-repo.ts): tables download_keys and entitlements. */
import { randomUUID } from 'node:crypto'
import type Database from 'better-sqlite3'
import type { KeyGame, KeyRecord, KeyRepo, RedeemResult } from '../../ports/key-repo.ts'
import { userIdOf } from './users.ts'

interface KeyRow {
  id: string
  game_id: number
  revoked_at: number | null
  redeemed_at: number | null
  redeemed_pubkey: string | null
  guest_receipt_code_hash: string | null
  entitlement_id: string | null
}

const SELECT_KEY = `SELECT k.id, k.game_id, k.revoked_at, k.redeemed_at, u.pubkey AS redeemed_pubkey, k.guest_receipt_code_hash,
  (SELECT e.id FROM entitlements e WHERE e.key_id = k.id) AS entitlement_id
  FROM download_keys k LEFT JOIN users u ON u.id = k.redeemed_user_id`

const toKey = (r: KeyRow): KeyRecord => ({
  id: r.id,
  gameId: r.game_id,
  revokedAtSec: r.revoked_at,
  redeemedAtSec: r.redeemed_at,
  redeemedPubkey: r.redeemed_pubkey,
  guestReceiptCodeHash: r.guest_receipt_code_hash,
  entitlementId: r.entitlement_id,
})

/** The download keys port on a better-sqlite3 handle (migrations applied). */
export function sqliteKeyRepo(db: Database.Database): KeyRepo {
  const gameCols = `g.id, u.pubkey, g.slug, g.title, g.deleted_at IS NOT NULL AS deleted, g.status
    FROM games g JOIN users u ON u.id = g.developer_user_id`
  type GameRow = Omit<KeyGame, 'deleted'> & { deleted: number }
  const q = {
    devGame: db.prepare<[string, string], GameRow>(
      `SELECT ${gameCols} WHERE u.pubkey = ? AND g.slug = ?`,
    ),
    game: db.prepare<[number], GameRow>(`SELECT ${gameCols} WHERE g.id = ?`),
    insert: db.prepare(
      'INSERT INTO download_keys (id, key_hash, game_id, batch_id, created_at) VALUES (?, ?, ?, ?, ?)',
    ),
    byHash: db.prepare<[string], KeyRow>(`${SELECT_KEY} WHERE k.key_hash = ?`),
    byReceipt: db.prepare<[string], KeyRow>(`${SELECT_KEY} WHERE k.guest_receipt_code_hash = ?`),
    stats: db.prepare<[number], { minted: number; redeemed: number; revoked: number }>(
      `SELECT count(*) AS minted, count(redeemed_at) AS redeemed, count(revoked_at) AS revoked
       FROM download_keys WHERE game_id = ?`,
    ),
    revoke: db.prepare(
      'UPDATE download_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL AND redeemed_at IS NULL',
    ),
    keyState: db.prepare<[string], { revoked_at: number | null; redeemed_at: number | null }>(
      'SELECT revoked_at, redeemed_at FROM download_keys WHERE id = ?',
    ),
    markRedeemed: db.prepare(
      `UPDATE download_keys SET redeemed_at = ?, redeemed_user_id = ?, guest_receipt_code_hash = ?
       WHERE id = ? AND redeemed_at IS NULL AND revoked_at IS NULL`,
    ),
    grant: db.prepare(
      `INSERT INTO entitlements (id, purchase_id, key_id, origin, game_id, user_id, granted_at) VALUES (?, NULL, ?, 'key', ?, ?, ?)`,
    ),
    claimKey: db.prepare(
      'UPDATE download_keys SET redeemed_user_id = ? WHERE id = ? AND redeemed_user_id IS NULL',
    ),
    claimEntitlement: db.prepare(
      'UPDATE entitlements SET user_id = ? WHERE key_id = ? AND user_id IS NULL',
    ),
  }
  const ensureUser = userIdOf(db)
  const toGame = (r: GameRow | undefined): KeyGame | undefined =>
    r && { ...r, deleted: r.deleted === 1 }
  const immediate = <T>(fn: () => T): T => db.transaction(fn).immediate()
  return {
    developerGame: (pubkey, slug) => toGame(q.devGame.get(pubkey, slug)),
    gameOf: (id) => toGame(q.game.get(id)),
    insertBatch(b) {
      immediate(() => {
        for (const h of b.hashes) q.insert.run(randomUUID(), h, b.gameId, b.batchId, b.nowSec)
      })
    },
    byHash(h) {
      const r = q.byHash.get(h)
      return r && toKey(r)
    },
    stats: (gameId) => q.stats.get(gameId)!,
    revoke: (keyId, nowSec) =>
      immediate(() => {
        q.revoke.run(nowSec, keyId)
        const s = q.keyState.get(keyId)
        if (!s) return undefined
        if (s.revoked_at !== null) return { revokedAtSec: s.revoked_at }
        return { redeemed: true as const }
      }),
    redeem: (r) =>
      immediate((): RedeemResult => {
        const k = q.byHash.get(r.keyHash)
        if (!k) return { state: 'UNKNOWN' }
        if (k.revoked_at !== null) return { state: 'REVOKED' }
        if (k.redeemed_at !== null)
          return {
            state: 'TAKEN',
            same: r.pubkey !== null && k.redeemed_pubkey === r.pubkey,
            entitlementId: k.entitlement_id,
          }
        const userId = r.pubkey !== null ? ensureUser(r.pubkey, r.nowSec) : null
        if (q.markRedeemed.run(r.nowSec, userId, r.guestReceiptCodeHash, k.id).changes !== 1)
          return { state: 'TAKEN', same: false, entitlementId: null }
        q.grant.run(r.entitlementId, k.id, k.game_id, userId, r.nowSec)
        return { state: 'REDEEMED', entitlementId: r.entitlementId }
      }),
    claim: (hash, pubkey, nowSec) =>
      immediate(() => {
        const k = q.byReceipt.get(hash)
        if (!k) return { state: 'UNKNOWN' as const }
        if (k.redeemed_pubkey !== null && k.redeemed_pubkey !== pubkey)
          return { state: 'CLAIMED' as const, by: k.redeemed_pubkey, key: toKey(k) }
        if (k.redeemed_pubkey === null) {
          const userId = ensureUser(pubkey, nowSec)
          q.claimKey.run(userId, k.id)
          q.claimEntitlement.run(userId, k.id)
        }
        return { key: toKey(q.byReceipt.get(hash)!) }
      }),
  }
}
