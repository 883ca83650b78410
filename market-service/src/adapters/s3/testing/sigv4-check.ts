/**
 * s3rver does not validate SigV4 (README "Libraries, and why"), so tests that must prove a tampered or foreign URL
 * fails recompute the presigned signature here with @smithy/signature-v4, exactly as S3 would.
 */
import { createHash, createHmac } from 'node:crypto'
import { SignatureV4 } from '@smithy/signature-v4'

/** node:crypto stand-in for @aws-crypto/sha256-js (not installed). */
class Sha256 {
  readonly #h: ReturnType<typeof createHash> | ReturnType<typeof createHmac>
  constructor(secret?: unknown) {
    this.#h = secret
      ? createHmac('sha256', Buffer.from(secret as Uint8Array))
      : createHash('sha256')
  }
  update(data: Uint8Array | string): void {
    this.#h.update(typeof data === 'string' ? Buffer.from(data) : Buffer.from(data))
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#h.digest())
  }
}

const AUTH_PARAMS = new Set([
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
  'X-Amz-Content-Sha256',
])

/** Parse `20261124T010203Z`. */
function amzDate(s: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s)
  if (!m) throw new Error(`bad X-Amz-Date ${s}`)
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!))
}

/**
 * True when `url` carries a valid, unexpired SigV4 query signature for `method` under these credentials
 * (`extraHeaders` = the signed headers the caller would send, e.g. content-length on a PUT).
 */
export async function isValidPresignedUrl(
  url: string,
  method: string,
  creds: { accessKeyId: string; secretAccessKey: string; region: string },
  nowMs: number,
  extraHeaders: Record<string, string> = {},
): Promise<boolean> {
  const u = new URL(url)
  const q = u.searchParams
  const date = q.get('X-Amz-Date'),
    expires = Number(q.get('X-Amz-Expires')),
    given = q.get('X-Amz-Signature')
  if (!date || !given || !Number.isFinite(expires)) return false
  const signingDate = amzDate(date)
  if (nowMs >= signingDate.getTime() + expires * 1000) return false
  const query: Record<string, string> = {}
  for (const [k, v] of q) if (!AUTH_PARAMS.has(k)) query[k] = v
  const signed = new Set((q.get('X-Amz-SignedHeaders') ?? '').split(';'))
  const headers: Record<string, string> = {
    host: u.host,
    'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD',
  }
  for (const [k, v] of Object.entries(extraHeaders))
    if (signed.has(k.toLowerCase())) headers[k.toLowerCase()] = v
  const signer = new SignatureV4({
    credentials: creds,
    region: creds.region,
    service: 's3',
    sha256: Sha256,
    uriEscapePath: false,
  })
  const again = await signer.presign(
    {
      method,
      protocol: u.protocol,
      hostname: u.hostname,
      port: Number(u.port),
      path: u.pathname,
      query,
      headers,
    },
    {
      signingDate,
      expiresIn: expires,
      unsignableHeaders: new Set(['content-type']),
      unhoistableHeaders: new Set(['x-amz-meta-sha256', 'x-amz-checksum-sha256']),
    },
  )
  const recomputed = (again.query as Record<string, string>)['X-Amz-Signature']
  return recomputed === given
}
