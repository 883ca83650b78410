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

/** `GET /api/v1/developer/downloads`: download counts per release of the caller's games. */
export const DeveloperDownloadsResponse = z.object({
  items: z.array(
    z.object({
      slug: z.string(),
      version: z.string(),
      downloads: z.number().int().nonnegative(),
      last_at: z.number().int().nullable(),
    }),
  ),
})
export type DeveloperDownloadsResponse = z.infer<typeof DeveloperDownloadsResponse>

/** `GET /api/v1/admin/entitlements/:id/downloads`: an entitlement and its download trail. */
export const EntitlementDownloadsResponse = z.object({
  entitlement: z.object({
    id: z.string(),
    game_id: z.number().int(),
    pubkey: z.string().nullable(),
    purchase_id: z.string().nullable(),
    granted_at: z.number().int(),
    revoked_at: z.number().int().nullable(),
    revoked_reason: z.string().nullable(),
  }),
  downloads: z.array(
    z.object({
      id: z.number().int(),
      version: z.string().nullable(),
      ip_hash: z.string().nullable(),
      user_agent: z.string().nullable(),
      created_at: z.number().int(),
    }),
  ),
})
export type EntitlementDownloadsResponse = z.infer<typeof EntitlementDownloadsResponse>
