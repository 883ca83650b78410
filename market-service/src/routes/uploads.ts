/**
 * Developer uploads (docs/architecture.md "HTTP API rules"): `POST /api/v1/developer/uploads` → a presigned PUT bound to
 * size, sha256 and content type; `POST /api/v1/developer/uploads/:id/complete` → verify the stored
 * bytes (S3 path; the local PUT completes by itself); `GET /api/v1/developer/uploads/:id`;
 * `GET /api/v1/developer/downloads` (counts per release) and the admin's
 * `GET /api/v1/admin/entitlements/:id/downloads` (the audit trail).
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi'
import {
  DeveloperDownloadsResponse,
  EntitlementDownloadsResponse,
} from '@zapcade/shared/api/downloads'
import {
  CreateUploadRequest,
  UploadCompleteResponse,
  UploadStatusResponse,
  UploadTicket,
} from '@zapcade/shared/api/uploads'
import { AppError } from '@zapcade/shared/errors'
import { parseGameRef } from '@zapcade/shared/ids'
import type { DownloadRepo } from '../domain/download/download-repo.ts'
import { completeUpload, createUpload } from '../domain/upload/upload-service.ts'
import type { UploadDeps } from '../domain/upload/upload-service.ts'
import { authMiddleware, callerOf } from '../http/auth-nip98.ts'
import { jsonBody, jsonContent } from '../http/openapi.ts'
import { problems } from '../http/problem.ts'
import { zodHook } from '../http/validate.ts'
import type { OnStored } from './blobs.ts'
import type { RouteAuth } from './route-auth.ts'

export interface UploadRoutesDeps {
  uploads: UploadDeps
  downloads: DownloadRepo
  auth: RouteAuth
}

const nip98 = [{ nip98: [] }]
const id = z.object({ id: z.string() })

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

/** Uploads and the download views; mount at the app root. */
export function uploadRoutes(d: UploadRoutesDeps): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: zodHook })
  const signed = authMiddleware(d.auth, 'required')
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/developer/uploads',
      tags: ['uploads'],
      security: nip98,
      middleware: [signed] as const,
      summary: 'Start a build upload (presigned PUT bound to size, sha256, type)',
      request: { body: jsonBody(CreateUploadRequest) },
      responses: {
        201: jsonContent(UploadTicket, 'where and how to send the bytes'),
        ...problems(400, 401, 403, 404, 413, 415, 422),
      },
    }),
    async (c) => {
      const b = c.req.valid('json')
      const game = parseGameRef(b.game)
      if (!game) throw new AppError('VALIDATION_FAILED', 'game must be <pubkey>/<slug> or an naddr')
      const t = await createUpload(d.uploads, {
        callerPubkey: callerOf(c),
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
    },
  )
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/developer/uploads/{id}/complete',
      tags: ['uploads'],
      security: nip98,
      middleware: [signed] as const,
      summary: 'Verify the uploaded bytes (S3; the local PUT completes by itself)',
      request: { params: id },
      responses: {
        200: jsonContent(UploadCompleteResponse, 'verified'),
        ...problems(401, 404, 410, 422),
      },
    }),
    async (c) => {
      const out = await completeUpload(d.uploads, c.req.valid('param').id, callerOf(c))
      if (out.status === 'REJECTED')
        throw new AppError('UPLOAD_INVALID', out.reason ?? 'rejected', { upload_id: out.id })
      return c.json({ id: out.id, status: out.status }, 200)
    },
  )
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/developer/uploads/{id}',
      tags: ['uploads'],
      security: nip98,
      middleware: [signed] as const,
      summary: 'An upload and its verification status',
      request: { params: id },
      responses: {
        200: jsonContent(UploadStatusResponse, 'the upload'),
        ...problems(401, 404),
      },
    }),
    (c) => {
      const u = d.uploads.repo.get(c.req.valid('param').id)
      if (!u || u.developerPubkey !== callerOf(c)) throw new AppError('NOT_FOUND', 'no such upload')
      return c.json(
        {
          id: u.id,
          status: u.status,
          reject_reason: u.rejectReason,
          version: u.version,
          sha256: u.sha256,
          size_bytes: u.sizeBytes,
          expires_at: u.expiresAtSec,
          verified_at: u.verifiedAtSec,
        },
        200,
      )
    },
  )
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/developer/downloads',
      tags: ['developer'],
      security: nip98,
      middleware: [signed] as const,
      summary: "Download counts per release of the caller's games",
      responses: {
        200: jsonContent(DeveloperDownloadsResponse, 'counts'),
        ...problems(401),
      },
    }),
    (c) => {
      const items = d.downloads.countsForDeveloper(callerOf(c)).map((r) => ({
        slug: r.slug,
        version: r.version,
        downloads: r.downloads,
        last_at: r.lastAtSec,
      }))
      return c.json({ items }, 200)
    },
  )
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/admin/entitlements/{id}/downloads',
      tags: ['admin'],
      security: nip98,
      middleware: [authMiddleware(d.auth, 'admin')] as const,
      summary: 'Download trail of an entitlement',
      request: { params: id },
      responses: {
        200: jsonContent(EntitlementDownloadsResponse, 'the entitlement and its downloads'),
        ...problems(401, 403, 404),
      },
    }),
    (c) => {
      const a = d.downloads.auditOf(c.req.valid('param').id)
      if (!a) throw new AppError('NOT_FOUND', 'no such entitlement')
      const e = a.entitlement
      return c.json(
        {
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
        },
        200,
      )
    },
  )
  return app
}
