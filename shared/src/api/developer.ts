/** Developer surface (NIP-98): payout profile and own games, drafts included (docs/architecture.md "HTTP API rules"). */
import { z } from 'zod'
import { GAME_STATUSES } from '../status.ts'
import { LN_ADDRESS_RE } from '../events/profile.ts'
import { nostrEventSchema } from '../events/event.ts'

export const DeveloperProfileRequest = z
  .object({
    payout_ln_address: z
      .string()
      .max(200)
      .transform((s) => s.trim().toLowerCase())
      .pipe(z.string().regex(LN_ADDRESS_RE, 'must be a Lightning address name@domain (LUD-16)')),
  })
  .strict()
export type DeveloperProfileRequest = z.infer<typeof DeveloperProfileRequest>

export const DeveloperProfileResponse = z.object({
  pubkey: z.string(),
  payout_ln_address: z.string().nullable(),
  /** True when the address's LNURL endpoint answered with a payRequest at the last update. */
  verified: z.boolean(),
  updated_at: z.number().int(),
})
export type DeveloperProfileResponse = z.infer<typeof DeveloperProfileResponse>

export const DeveloperGame = z.object({
  pubkey: z.string(),
  slug: z.string(),
  title: z.string(),
  /** DRAFT for a kept draft; otherwise the catalog status (UNLISTED, LISTED, FEATURED, BANNED). */
  status: z.enum(GAME_STATUSES),
  price_msat: z.number().int().nonnegative(),
  event_id: z.string(),
  /** `draft`: only in the service; `catalog`: indexed from the relays. */
  source: z.enum(['draft', 'catalog']),
  updated_at: z.number().int(),
  /**
   * A draft's signed event (drafts live only in the service, on no relay), so the developer's own
   * client can list it by signing a newer copy without the draft tag. Absent for catalog rows.
   */
  event: nostrEventSchema.optional(),
})
export type DeveloperGame = z.infer<typeof DeveloperGame>

export const DeveloperGamesResponse = z.object({ items: z.array(DeveloperGame) })
export type DeveloperGamesResponse = z.infer<typeof DeveloperGamesResponse>

/** One of the caller's events that did not reach the catalog, and why (written by the indexer). */
export const DeveloperEvent = z.object({
  event_id: z.string(),
  kind: z.number().int(),
  /** REFUSED: it breaks a rule (a corrected event is needed); PENDING: it waits for what the reason names. */
  state: z.enum(['REFUSED', 'PENDING']),
  reason: z.string(),
  /** The event's own created_at. */
  created_at: z.number().int(),
  /** When the indexer last saw it. */
  seen_at: z.number().int(),
})
export type DeveloperEvent = z.infer<typeof DeveloperEvent>

export const DeveloperEventsResponse = z.object({ items: z.array(DeveloperEvent) })
export type DeveloperEventsResponse = z.infer<typeof DeveloperEventsResponse>
