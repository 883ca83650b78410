/** Admin surface (NIP-98, pubkey in ZAPCADE_ADMIN_PUBKEYS): the market's overlay on a game. */
import { z } from 'zod'
import { GAME_LISTINGS, GAME_STATUSES, OVERLAY_STATUSES } from '../status.ts'

export const AdminGameStatusRequest = z
  .object({
    status: z.enum(OVERLAY_STATUSES),
    /** Position in the featured list (FEATURED only; default: last). */
    rank: z.number().int().min(0).max(1_000_000).optional(),
    /** Shown in the ban label's content (BANNED only). */
    reason: z.string().max(1000).optional(),
  })
  .strict()
export type AdminGameStatusRequest = z.infer<typeof AdminGameStatusRequest>

export const AdminGameStatusResponse = z.object({
  pubkey: z.string(),
  slug: z.string(),
  status: z.enum(GAME_STATUSES),
  /** What the developer's event asks for; restored by LISTED. */
  listing: z.enum(GAME_LISTINGS),
  featured_rank: z.number().int().nullable(),
  /**
   * Outbox jobs enqueued by this change (published by the market key with retries). Lifting a ban
   * enqueues PUBLISH_DELETION: a NIP-09 kind 5 retracting the game's ban labels.
   */
  outbox: z.array(z.enum(['PUBLISH_FEATURED_LIST', 'PUBLISH_BAN_LABEL', 'PUBLISH_DELETION'])),
})
export type AdminGameStatusResponse = z.infer<typeof AdminGameStatusResponse>
