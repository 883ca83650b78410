/** `GET /api/v1/me` (NIP-98): who the caller is to this market — admin or not, and their developer side. */
import { z } from 'zod'

export const MeResponse = z.object({
  /** The NIP-98-verified hex pubkey of the caller. */
  pubkey: z.string().regex(/^[0-9a-f]{64}$/),
  npub: z.string().startsWith('npub1'),
  /** True when the pubkey is in ZAPCADE_ADMIN_PUBKEYS (the admin routes answer 403 otherwise). */
  is_admin: z.boolean(),
  developer: z.object({
    /** Where payouts go (PUT /api/v1/developer/profile); null until set. */
    payout_ln_address: z.string().nullable(),
    /** Games of the caller the service knows: catalog rows (not deleted) and drafts, each slug once. */
    games_count: z.number().int().nonnegative(),
  }),
})
export type MeResponse = z.infer<typeof MeResponse>
