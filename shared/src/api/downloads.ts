/**
 * `GET /api/v1/games/:pubkey/:slug/download?version=&format=json` (docs/architecture.md "HTTP API rules"): the short-lived
 * signed URL plus the sha256 and size the client verifies the bytes against.
 */
import { z } from 'zod'

export const DownloadQuery = z
  .object({
    version: z.string().min(1).max(64).optional(),
    format: z.enum(['json', 'redirect']).optional(),
  })
  .strict()
export type DownloadQuery = z.infer<typeof DownloadQuery>

export const DownloadTicket = z.object({
  url: z.string(),
  expires_at: z.number().int(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size_bytes: z.number().int().nonnegative(),
})
export type DownloadTicket = z.infer<typeof DownloadTicket>
