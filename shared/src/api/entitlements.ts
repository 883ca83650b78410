/**
 * Ownership a launcher can verify: `GET /api/v1/entitlements/check` and `GET /api/v1/entitlements/proof`,
 * both signed with NIP-98 by the player's key. The proof event's format: events/ownership-proof.ts and
 * docs/ownership-proof.md.
 */
import { z } from 'zod'
import { nostrEventSchema } from '../events/event.ts'
import { parseGameRef } from '../ids.ts'

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex')
const Sec = z.number().int().nonnegative()

/** `?game=` as people name a game: `<pubkey|npub>/<slug>`, an `naddr1…`, or a `32267:` coordinate. */
export const EntitlementQuery = z
  .object({
    game: z
      .string()
      .min(1)
      .max(1000)
      .transform(
        (s, ctx) =>
          parseGameRef(s) ??
          (ctx.addIssue({
            code: 'custom',
            message: 'must be <pubkey>/<slug>, an naddr or a 32267 coordinate',
          }),
          z.NEVER),
      ),
  })
  .strict()

export const OwnershipBasis = z.enum(['entitlement', 'free', 'developer'])

export const EntitlementCheckResponse = z.object({
  /** Whether the NIP-98 signer owns the game now. */
  owned: z.boolean(),
  game: z.object({ pubkey: Hex64, slug: z.string() }),
  /** The game costs nothing now (owned by every key, unless banned). */
  free: z.boolean(),
  /**
   * Why it is owned: an entitlement (purchase, zap, key or gift), the game being free, or the signer being
   * its developer. Absent when not owned.
   */
  basis: OwnershipBasis.optional(),
  /** The active entitlement, when the signer holds one (owned by basis `entitlement`). */
  entitlement_id: z.string().optional(),
  granted_at: Sec.optional(),
  /** When the signer's entitlement was revoked or refunded (owned is then false unless the game is free). */
  revoked_at: Sec.optional(),
})
export type EntitlementCheckResponse = z.infer<typeof EntitlementCheckResponse>

export const OwnershipProofResponse = z.object({
  /** Kind 3267 signed by `market_pubkey` of `GET /api/v1/info`; never published to relays. */
  event: nostrEventSchema,
  /** The proof's `expiration` tag (NIP-40), for convenience. */
  expires_at: Sec,
})
export type OwnershipProofResponse = z.infer<typeof OwnershipProofResponse>
