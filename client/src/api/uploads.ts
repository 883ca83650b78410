/**
 * Developer uploads (docs/architecture.md "Downloads and blobs"): ask for a ticket bound to sha256, size and content type,
 * PUT the bytes to its URL (a presigned S3 PUT or the market's signed local URL), then follow the
 * upload's status until the service has re-verified what arrived. Browser-safe: the body is bytes, a
 * Blob or a ReadableStream (Node reads a file into one with `fileBody` in node-file.ts).
 */
import {
  UploadCompleteResponse,
  UploadStatusResponse,
  UploadTicket,
  type CreateUploadRequest,
} from '@zapcade/shared/api/uploads'
import { problemFrom } from './errors.ts'
import { request, send, type HttpContext } from './http.ts'

export type UploadBody = Uint8Array | Blob | ReadableStream<Uint8Array>

export interface PutOptions {
  /** Total bytes; required for a stream (S3 refuses chunked uploads). */
  sizeBytes: number
  /** Called as bytes leave (streams) or once at the end (bytes, Blob). */
  onProgress?: (sentBytes: number, totalBytes: number) => void
  signal?: AbortSignal
}

/** Count bytes as they pass through a stream. */
function counted(
  body: ReadableStream<Uint8Array>,
  total: number,
  onProgress: (n: number, t: number) => void,
): ReadableStream<Uint8Array> {
  let sent = 0
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, c) {
        sent += chunk.byteLength
        onProgress(sent, total)
        c.enqueue(chunk)
      },
    }),
  )
}

export function uploadApi(ctx: HttpContext) {
  return {
    create: (body: CreateUploadRequest) =>
      request(ctx, {
        method: 'POST',
        path: 'api/v1/developer/uploads',
        body,
        auth: 'required',
        schema: UploadTicket,
      }),
    status: (id: string) =>
      request(ctx, {
        method: 'GET',
        path: `api/v1/developer/uploads/${encodeURIComponent(id)}`,
        auth: 'required',
        schema: UploadStatusResponse,
      }),
    /** Ask the service to verify what arrived (S3 path; the local PUT verifies by itself). */
    complete: (id: string) =>
      request(ctx, {
        method: 'POST',
        path: `api/v1/developer/uploads/${encodeURIComponent(id)}/complete`,
        auth: 'required',
        schema: UploadCompleteResponse,
      }),
    /** PUT the bytes to the ticket's URL with the ticket's headers; throws ZapcadeApiError on refusal. */
    put: async (ticket: UploadTicket, body: UploadBody, o: PutOptions): Promise<void> => {
      const headers: Record<string, string> = { ...ticket.headers }
      let payload: BodyInit
      const isStream = typeof ReadableStream !== 'undefined' && body instanceof ReadableStream
      if (isStream) {
        headers['content-length'] = String(o.sizeBytes)
        payload = o.onProgress ? counted(body, o.sizeBytes, o.onProgress) : body
      } else payload = body as BodyInit
      const init: RequestInit & { duplex?: 'half' } = {
        method: ticket.method,
        headers,
        body: payload,
      }
      if (isStream) init.duplex = 'half'
      if (o.signal) init.signal = o.signal
      const res = await send(ctx, ticket.upload_url, init)
      if (!res.ok) throw await problemFrom(res)
      await res.body?.cancel()
      if (!isStream) o.onProgress?.(o.sizeBytes, o.sizeBytes)
    },
  }
}
