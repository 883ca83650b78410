/**
 * Download keys (docs/keys-gifts-sales.md): a developer mints single-use keys for a game, revokes them
 * before redemption; anyone redeems one into their pubkey (NIP-98) or as a guest (a receipt code they
 * claim later). snake_case on the wire; exported for the client SDK.
 */
import { z } from 'zod'

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex')

/** The largest batch one mint request makes. */
export const MAX_KEYS_PER_MINT = 10_000

/** `POST /api/v1/developer/games/:slug/keys`. */
export const MintKeysBody = z
  .object({ count: z.number().int().min(1).max(MAX_KEYS_PER_MINT) })
  .strict()
export type MintKeysBody = z.infer<typeof MintKeysBody>

/** 201: the keys, shown once (only their hashes are stored). `Accept: text/csv` answers one key a line. */
export const MintKeysResponse = z.object({
  batch_id: z.string(),
  game: z.object({ pubkey: Hex64, slug: z.string() }),
  keys: z.array(z.string()),
})
export type MintKeysResponse = z.infer<typeof MintKeysResponse>

/** `GET /api/v1/developer/games/:slug/keys`: counts only (keys are never shown again). */
export const KeyStatsResponse = z.object({
  minted: z.number().int(),
  redeemed: z.number().int(),
  revoked: z.number().int(),
  open: z.number().int(),
})
export type KeyStatsResponse = z.infer<typeof KeyStatsResponse>

export const RevokeKeyResponse = z.object({ revoked_at: z.number().int() })

/** `POST /api/v1/keys/redeem`. */
export const RedeemKeyBody = z.object({ key: z.string().min(8).max(200) }).strict()
export type RedeemKeyBody = z.infer<typeof RedeemKeyBody>

/** 201 on the first redemption (200 when the same signer redeems the same key again). */
export const RedeemKeyResponse = z.object({
  entitlement_id: z.string(),
  game: z.object({ pubkey: Hex64, slug: z.string(), title: z.string() }),
  origin: z.literal('key'),
  /** The signer's pubkey, or null for a guest (who holds the receipt code instead). */
  owner_pubkey: Hex64.nullable(),
  /** A guest's receipt code, in this answer only: claim it later with `POST /api/v1/keys/claim`. */
  receipt_code: z.string().optional(),
})
export type RedeemKeyResponse = z.infer<typeof RedeemKeyResponse>

/** `POST /api/v1/keys/claim` (NIP-98): a guest's key redemption moves to the signer. */
export const ClaimKeyBody = z.object({ receipt_code: z.string().min(1).max(200) }).strict()
export const ClaimKeyResponse = RedeemKeyResponse.omit({ receipt_code: true })
export type ClaimKeyResponse = z.infer<typeof ClaimKeyResponse>
