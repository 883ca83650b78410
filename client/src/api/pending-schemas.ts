/**
 * Schemas of routes whose shared/src/api files were not written yet when the SDK was (developer
 * uploads and profile, POST /api/v1/events, admin game status). Shapes follow the service's routes
 * (market-service/src/routes/uploads.ts) and DESIGN.md section 5. Replace with the shared imports once
 * shared/src/api/{developer,events,admin}.ts exist.
 */
import { z } from 'zod'

const hex64 = z.string().regex(/^[0-9a-f]{64}$/)

export const CreateUploadBody = z.object({
  game: z.string(),
  version: z.string(),
  sha256: hex64,
  size_bytes: z.number().int().positive(),
  content_type: z.string(),
}).strict()
export type CreateUploadBody = z.infer<typeof CreateUploadBody>

export const UploadTicket = z.object({
  id: z.string(),
  upload_url: z.string(),
  method: z.string(),
  headers: z.record(z.string(), z.string()),
  expires_at: z.number().int(),
})
export type UploadTicket = z.infer<typeof UploadTicket>

export const UploadStatusResponse = z.object({
  id: z.string(),
  status: z.enum(['PENDING', 'VERIFIED', 'REJECTED']),
  reject_reason: z.string().nullable(),
})
export const UploadCompleteResponse = z.object({ id: z.string(), status: z.enum(['PENDING', 'VERIFIED', 'REJECTED']) })

/** `POST /api/v1/events`: what the market did with the event and each relay's OK. */
export const PublishEventResponse = z.object({
  id: hex64,
  relays: z.array(z.object({ url: z.string(), ok: z.boolean(), message: z.string().optional() })).default([]),
}).passthrough()

export const DeveloperProfileBody = z.object({ payout_ln_address: z.string() }).strict()
export const DeveloperProfileResponse = z.object({ payout_ln_address: z.string().nullable() }).passthrough()

export const DeveloperGamesResponse = z.object({ items: z.array(z.object({ slug: z.string(), title: z.string(), status: z.string() }).passthrough()) })

export const AdminGameStatusBody = z.object({ status: z.enum(['FEATURED', 'LISTED', 'BANNED']), reason: z.string().optional() }).strict()
export const AdminGameStatusResponse = z.object({ status: z.string() }).passthrough()
