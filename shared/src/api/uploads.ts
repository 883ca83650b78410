/**
 * Developer uploads (docs/architecture.md sections 4 and 5): `POST /api/v1/developer/uploads` → a ticket bound to
 * sha256, size and content type; `GET /api/v1/developer/uploads/:id`; `POST …/:id/complete` (S3 path).
 * Shapes as market-service/src/routes/uploads.ts answers them; snake_case on the wire.
 */
import { z } from 'zod'
import { UPLOAD_STATUSES } from '../status.ts'

const Hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex')

export const UploadStatus = z.enum(UPLOAD_STATUSES)
export type UploadStatus = z.infer<typeof UploadStatus>

/** `POST /api/v1/developer/uploads` body; `game` is `<pubkey>/<slug>` or an naddr. */
export const CreateUploadRequest = z
  .object({
    game: z.string().min(1).max(200),
    version: z.string().min(1).max(64),
    sha256: Hex64,
    size_bytes: z.number().int().positive(),
    content_type: z.string().min(1).max(100),
  })
  .strict()
export type CreateUploadRequest = z.infer<typeof CreateUploadRequest>

/** The 201 answer: where and how to send the bytes (a presigned S3 PUT or the market's signed local URL). */
export const UploadTicket = z.object({
  id: z.string(),
  upload_url: z.string(),
  method: z.string(),
  headers: z.record(z.string(), z.string()),
  expires_at: z.number().int(),
})
export type UploadTicket = z.infer<typeof UploadTicket>

/** `GET /api/v1/developer/uploads/:id`. */
export const UploadStatusResponse = z.object({
  id: z.string(),
  status: UploadStatus,
  reject_reason: z.string().nullable(),
  version: z.string(),
  sha256: Hex64,
  size_bytes: z.number().int(),
  expires_at: z.number().int(),
  verified_at: z.number().int().nullable(),
})
export type UploadStatusResponse = z.infer<typeof UploadStatusResponse>

/** `POST /api/v1/developer/uploads/:id/complete`. */
export const UploadCompleteResponse = z.object({ id: z.string(), status: UploadStatus })
export type UploadCompleteResponse = z.infer<typeof UploadCompleteResponse>
