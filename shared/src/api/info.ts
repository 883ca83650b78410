/** `GET /api/v1/info` and `/.well-known/nostr.json` (the info schema lives with the catalog API). */
import { z } from 'zod'
export { MarketInfoResponse } from './catalog.ts'

/** NIP-05: names → pubkeys, and the relays of each pubkey. */
export const NostrJsonResponse = z.object({
  names: z.record(z.string(), z.string()),
  relays: z.record(z.string(), z.array(z.string())).optional(),
})
export type NostrJsonResponse = z.infer<typeof NostrJsonResponse>

export const NostrJsonQuery = z.object({ name: z.string().max(64).optional() }).strict()
