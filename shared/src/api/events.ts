/**
 * `POST /api/v1/events`: a signed Nostr event to keep (a `["status","draft"]` game) or forward to the
 * market's relays (games, releases, build assets, deletions, profiles). The answer reports each relay.
 */
import { z } from 'zod'

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex')

/** The body: exactly the seven NIP-01 fields (unknown fields refused). */
export const PublishEventRequest = z
  .object({
    id: Hex64,
    pubkey: Hex64,
    created_at: z
      .number()
      .int()
      .nonnegative()
      .max(2 ** 40),
    kind: z.number().int().min(0).max(65535),
    tags: z.array(z.array(z.string())),
    content: z.string(),
    sig: z.string().regex(/^[0-9a-f]{128}$/, 'must be 128 lowercase hex'),
  })
  .strict()
export type PublishEventRequest = z.infer<typeof PublishEventRequest>

export const RelayResult = z.object({ relay: z.string(), ok: z.boolean(), reason: z.string() })
export type RelayResult = z.infer<typeof RelayResult>

/**
 * DRAFT_STORED: kept by the service only; FORWARDED: at least one relay said OK;
 * QUEUED: no relay accepted it yet, the outbox keeps retrying.
 */
export const PublishEventResponse = z.object({
  id: Hex64,
  kind: z.number().int(),
  status: z.enum(['DRAFT_STORED', 'FORWARDED', 'QUEUED']),
  relays: z.array(RelayResult),
})
export type PublishEventResponse = z.infer<typeof PublishEventResponse>
