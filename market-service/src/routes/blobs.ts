/**
 * The local blob store's own URLs (only mounted when the store is local): `PUT /blobs/upload/<token>`
 * receives a developer's build, `GET|HEAD /blobs/get/<token>` serves a download. Both tokens are
 * HMAC-signed with an expiry (fs-blob/signed-token.ts); the NIP-98 / entitlement decision happened
 * when the token was minted, so these routes check only the token. Behind nginx with
 * `ZAPCADE_ACCEL_REDIRECT` set, the download route checks the token and hands the bytes to nginx.
 */
import type { ServerResponse } from 'node:http'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response'
import { OpenAPIHono, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { AppError } from '@zapcade/shared/errors'
import { attachmentDisposition } from '../ports/blob-store.ts'
import type { ByteRange } from '../ports/blob-store.ts'
import { documentPath } from '../http/openapi.ts'
import { problems } from '../http/problem.ts'
import { CLIENT_CLOSED_REQUEST, clientAborted, markClientAbort } from '../http/request-log.ts'

/** What happens after bytes were stored: the upload domain verifies them (size, sha256, zip checks). */
export type OnStored = (key: string) => Promise<Record<string, unknown>>

/** The local blob store's token-checked operations these routes serve (adapters/fs-blob). */
export interface LocalBlobStore {
  /** Check a PUT token and stream the body into place (size and sha256 must match). */
  receive(
    token: string,
    body: AsyncIterable<Uint8Array>,
    contentType: string | undefined,
  ): Promise<{ key: string; sizeBytes: number; sha256: string }>
  /** Resolve a download token to its object. */
  openSigned(
    token: string,
  ): Promise<{ key: string; filename: string; sha256: string; sizeBytes: number }>
  openRead(key: string, range?: ByteRange): Promise<Readable>
}

export interface BlobRoutesDeps {
  store: LocalBlobStore
  onStored: OnStored
  /**
   * Production mode behind nginx (docs/deploy-nginx.md): a path prefix such as `/protected-blobs/`. A
   * verified download token is then answered with an empty response carrying `X-Accel-Redirect:
   * <prefix><object key>`, and nginx serves the bytes (ranges included) from its `internal` location.
   */
  accelRedirect?: string | undefined
}

/** Parse a single `bytes=` range against the object size; `undefined` = serve whole, `null` = unsatisfiable. */
export function parseRange(header: string | undefined, size: number): ByteRange | undefined | null {
  if (!header) return undefined
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  // Multi-range and other units are allowed to be ignored (RFC 9110 14.2): serve the whole object.
  if (!m || (m[1] === '' && m[2] === '')) return undefined
  if (m[1] === '') {
    const suffix = Number(m[2])
    if (suffix === 0 || size === 0) return null
    return { start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(m[1])
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1)
  if (start >= size || end < start) return null
  return { start, end }
}

async function serve(
  c: Context,
  store: LocalBlobStore,
  head: boolean,
  accel: string | undefined,
): Promise<Response> {
  const obj = await store.openSigned(c.req.param('token') ?? '')
  const etag = `"${obj.sha256}"`
  const headers: Record<string, string> = {
    'content-type': 'application/zip',
    'content-disposition': attachmentDisposition(obj.filename),
    'accept-ranges': 'bytes',
    etag,
    // A signed URL is personal and short-lived: no shared caches.
    'cache-control': 'private, no-store',
  }
  if (c.req.header('if-none-match') === etag) return new Response(null, { status: 304, headers })
  if (accel !== undefined) {
    // nginx keeps Content-Type, Content-Disposition and Cache-Control from this answer, answers Range and
    // If-Range itself, and sets the ETag from `$upstream_http_etag` (the sha256, as without nginx).
    // Object keys are `builds/<id>/<uuid>.zip` (isSafeObjectKey): nothing in them needs escaping.
    // Accept-Ranges too comes from nginx (sent twice otherwise).
    const { 'accept-ranges': _ranges, ...kept } = headers
    return new Response(null, {
      status: 200,
      headers: { ...kept, 'x-accel-redirect': `${accel}${obj.key}` },
    })
  }
  // If-Range with another validator means the client's partial copy is stale: send everything.
  const ifRange = c.req.header('if-range')
  const range =
    ifRange !== undefined && ifRange !== etag
      ? undefined
      : parseRange(c.req.header('range'), obj.sizeBytes)
  if (range === null) {
    return new Response(null, {
      status: 416,
      headers: { ...headers, 'content-range': `bytes */${obj.sizeBytes}` },
    })
  }
  const length = range ? range.end - range.start + 1 : obj.sizeBytes
  headers['content-length'] = String(length)
  if (range) headers['content-range'] = `bytes ${range.start}-${range.end}/${obj.sizeBytes}`
  const status = range ? 206 : 200
  if (head) return new Response(null, { status, headers })
  let stream: Readable
  try {
    stream = await store.openRead(obj.key, range)
  } catch (e) {
    // Deleted between the stat and the open (a revoked build): the object is gone, not a server fault.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      throw new AppError('NOT_FOUND', 'object not found')
    throw e
  }
  // On @hono/node-server, pipe the file straight into the socket: going through a web ReadableStream
  // costs most of the throughput (bench/README.md). Elsewhere (app.request in tests) use a web stream.
  const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing
  if (outgoing) {
    outgoing.writeHead(status, headers)
    pipeline(stream, outgoing).catch(() => stream.destroy()) // a client that goes away is not an error
    return RESPONSE_ALREADY_SENT
  }
  return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, { status, headers })
}

/** Hono routes for the local store's signed URLs; mount at the app root. */
export function blobRoutes(deps: BlobRoutesDeps): OpenAPIHono {
  const app = new OpenAPIHono()
  const token = z.object({ token: z.string() })
  documentPath(app, {
    method: 'put',
    path: '/blobs/upload/{token}',
    tags: ['uploads'],
    summary: 'Local blob store: the signed upload target (the bytes of the build)',
    request: { params: token },
    responses: {
      200: { description: 'stored and verified' },
      ...problems(400, 403, 410, 413, 415, 422),
    },
  })
  documentPath(app, {
    method: 'get',
    path: '/blobs/get/{token}',
    tags: ['downloads'],
    summary: 'Local blob store: a signed, expiring download (ranges allowed)',
    request: { params: token },
    responses: {
      200: { description: 'the bytes' },
      206: { description: 'a range of the bytes' },
      ...problems(400, 403, 410, 416),
    },
  })
  documentPath(app, {
    method: 'head',
    path: '/blobs/get/{token}',
    tags: ['downloads'],
    summary: 'Local blob store: headers of a signed download',
    request: { params: token },
    responses: { 200: { description: 'the headers' }, ...problems(400, 403, 410) },
  })
  app.put('/blobs/upload/:token', async (c) => {
    const body = c.req.raw.body
    if (!body) throw new AppError('UPLOAD_INVALID', 'empty body')
    let stored
    try {
      stored = await deps.store.receive(
        c.req.param('token'),
        body as unknown as AsyncIterable<Uint8Array>,
        c.req.header('content-type'),
      )
    } catch (e) {
      // The uploader went away mid-body: nobody is left to answer and nothing failed on our side
      // (the partial temp file is already removed). Logged and counted as a client abort, not a 5xx.
      if (clientAborted(c)) {
        markClientAbort(c)
        return c.body(null, CLIENT_CLOSED_REQUEST as never)
      }
      throw e
    }
    return c.json({
      size_bytes: stored.sizeBytes,
      sha256: stored.sha256,
      ...(await deps.onStored(stored.key)),
    })
  })
  app.get('/blobs/get/:token', (c) => serve(c, deps.store, false, deps.accelRedirect))
  app.on('HEAD', '/blobs/get/:token', (c) => serve(c, deps.store, true, deps.accelRedirect))
  return app
}
