/**
 * Developer uploads (docs/architecture.md "HTTP API rules"): `POST /api/v1/developer/uploads` → a presigned PUT bound to
 * size, sha256 and content type; `POST /api/v1/developer/uploads/:id/complete` → verify the stored
 * bytes (S3 path; the local PUT completes by itself); `GET /api/v1/developer/uploads/:id`;
 * `GET /api/v1/developer/downloads` (counts per release) and the admin's
 * `GET /api/v1/admin/entitlements/:id/downloads` (the audit trail).
 */
import { Hono } from 'hono'
import { z } from 'zod'
import { AppError } from '@zapcade/shared/errors'
import { parseGameRef } from '@zapcade/shared/ids'
import type { DownloadRepo } from '../domain/download/download-repo.ts'
import { completeUpload, createUpload } from '../domain/upload/upload-service.ts'
import type { UploadDeps } from '../domain/upload/upload-service.ts'
import type { OnStored } from './blobs.ts'
import type { RouteAuth } from './route-auth.ts'

const UploadBody = z
  .object({
    game: z.string().min(1).max(200),
    version: z.string().min(1).max(64),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    size_bytes: z.number().int().positive(),
    content_type: z.string().min(1).max(100),
  })
  .strict()

export interface UploadRoutesDeps {
  uploads: UploadDeps
  downloads: DownloadRepo
  auth: RouteAuth
}

async function jsonBody(req: Request): Promise<unknown> {
  try {
    return await req.json()
  } catch {
    throw new AppError('VALIDATION_FAILED', 'body must be JSON')
  }
}

/** What the local store's PUT route runs once bytes are in place: the same verification as `complete`. */
export function completeStored(d: UploadDeps): OnStored {
  return async (key) => {
    const u = d.repo.getByKey(key)
    if (!u) throw new AppError('NOT_FOUND', 'no upload for this object')
    const out = await completeUpload(d, u.id)
    if (out.status === 'REJECTED')
      throw new AppError('UPLOAD_INVALID', out.reason ?? 'rejected', { upload_id: u.id })
    return { upload_id: u.id, status: out.status }
  }
}

/** Hono routes for uploads and the download views; mount at the app root. */
export function uploadRoutes(d: UploadRoutesDeps): Hono {
  const app = new Hono()
  app.post('/api/v1/developer/uploads', async (c) => {
    const pubkey = await d.auth.required(c)
    const parsed = UploadBody.safeParse(await jsonBody(c.req.raw))
    if (!parsed.success)
      throw new AppError(
        'VALIDATION_FAILED',
        parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      )
    const b = parsed.data
    const game = parseGameRef(b.game)
    if (!game) throw new AppError('VALIDATION_FAILED', 'game must be <pubkey>/<slug> or an naddr')
    const t = await createUpload(d.uploads, {
      callerPubkey: pubkey,
      gamePubkey: game.pubkey,
      slug: game.slug,
      version: b.version,
      sha256: b.sha256,
      sizeBytes: b.size_bytes,
      contentType: b.content_type,
    })
    return c.json(
      {
        id: t.id,
        upload_url: t.put.url,
        method: t.put.method,
        headers: t.put.headers,
        expires_at: t.put.expiresAtSec,
      },
      201,
    )
  })
  app.post('/api/v1/developer/uploads/:id/complete', async (c) => {
    const pubkey = await d.auth.required(c)
    const out = await completeUpload(d.uploads, c.req.param('id'), pubkey)
    if (out.status === 'REJECTED')
      throw new AppError('UPLOAD_INVALID', out.reason ?? 'rejected', { upload_id: out.id })
    return c.json({ id: out.id, status: out.status })
  })
  app.get('/api/v1/developer/uploads/:id', async (c) => {
    const pubkey = await d.auth.required(c)
    const u = d.uploads.repo.get(c.req.param('id'))
    if (!u || u.developerPubkey !== pubkey) throw new AppError('NOT_FOUND', 'no such upload')
    return c.json({
      id: u.id,
      status: u.status,
      reject_reason: u.rejectReason,
      version: u.version,
      sha256: u.sha256,
      size_bytes: u.sizeBytes,
      expires_at: u.expiresAtSec,
      verified_at: u.verifiedAtSec,
    })
  })
  app.get('/api/v1/developer/downloads', async (c) => {
    const pubkey = await d.auth.required(c)
    const items = d.downloads.countsForDeveloper(pubkey).map((r) => ({
      slug: r.slug,
      version: r.version,
      downloads: r.downloads,
      last_at: r.lastAtSec,
    }))
    return c.json({ items })
  })
  app.get('/api/v1/admin/entitlements/:id/downloads', async (c) => {
    await d.auth.admin(c)
    const a = d.downloads.auditOf(c.req.param('id'))
    if (!a) throw new AppError('NOT_FOUND', 'no such entitlement')
    const e = a.entitlement
    return c.json({
      entitlement: {
        id: e.id,
        game_id: e.gameId,
        pubkey: e.userPubkey,
        purchase_id: e.purchaseId,
        granted_at: e.grantedAtSec,
        revoked_at: e.revokedAtSec,
        revoked_reason: e.revokedReason,
      },
      downloads: a.downloads.map((x) => ({
        id: x.id,
        version: x.version,
        ip_hash: x.ipHash,
        user_agent: x.userAgent,
        created_at: x.createdAtSec,
      })),
    })
  })
  return app
}
