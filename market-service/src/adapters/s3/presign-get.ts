/**
 * A presigned S3 GET (SigV4 query signing, AWS "Authenticating Requests: Using Query Parameters") made
 * with node:crypto alone: the same URL `getSignedUrl(client, new GetObjectCommand(…))` makes, without
 * the SDK's per-call middleware stack, endpoint rules and serializers, which cost ~0.5 ms of every
 * download authorisation (bench/README.md, "Downloads"). Used only when the keys are static and the
 * bucket name is one the SDK would also put in the host; otherwise the store keeps the SDK's presigner.
 * s3-blob-store.test.ts checks it against the SDK's output and the SigV4 verifier.
 */
import { createHash, createHmac } from 'node:crypto'

export interface GetPresignConfig {
  bucket: string
  region: string
  endpoint?: string | undefined
  forcePathStyle: boolean
  accessKeyId: string
  secretAccessKey: string
}

/** RFC 3986 unreserved characters stay; everything else is %XX (as the SDK's escapeUri). */
function escape(s: string): string {
  return encodeURIComponent(s).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
}

const DNS_BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/

/** undefined when the fast path does not apply to this configuration (then use the SDK). */
export function getPresigner(
  c: GetPresignConfig,
):
  | ((key: string, query: Record<string, string>, signingSec: number, expiresIn: number) => string)
  | undefined {
  const base = c.endpoint ? new URL(c.endpoint) : new URL(`https://s3.${c.region}.amazonaws.com`)
  if (base.pathname !== '/' || base.search !== '' || !DNS_BUCKET.test(c.bucket)) return undefined
  if (!c.forcePathStyle && base.protocol === 'https:' && c.bucket.includes('.')) return undefined
  const host = c.forcePathStyle ? base.host : `${c.bucket}.${base.host}`
  const origin = `${base.protocol}//${host}`
  const prefix = c.forcePathStyle ? `/${escape(c.bucket)}/` : '/'
  let cached: { day: string; key: Buffer } | undefined
  const signingKey = (day: string): Buffer => {
    if (cached?.day !== day) {
      const k = [day, c.region, 's3', 'aws4_request'].reduce<Buffer>(
        (k, part) => createHmac('sha256', k).update(part).digest(),
        Buffer.from(`AWS4${c.secretAccessKey}`),
      )
      cached = { day, key: k }
    }
    return cached.key
  }
  return (key, query, signingSec, expiresIn) => {
    const amzDate = new Date(signingSec * 1000)
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '')
    const day = amzDate.slice(0, 8)
    const scope = `${day}/${c.region}/s3/aws4_request`
    const params: Record<string, string> = {
      ...query,
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD',
      'X-Amz-Credential': `${c.accessKeyId}/${scope}`,
      'X-Amz-Date': amzDate,
      'X-Amz-Expires': String(expiresIn),
      'X-Amz-SignedHeaders': 'host',
      'x-id': 'GetObject',
    }
    const path = prefix + key.split('/').map(escape).join('/')
    const pairs = Object.keys(params)
      .sort()
      .map((k) => `${escape(k)}=${escape(params[k]!)}`)
    const canonical = `GET\n${path}\n${pairs.join('&')}\nhost:${host}\n\nhost\nUNSIGNED-PAYLOAD`
    const toSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${createHash('sha256').update(canonical).digest('hex')}`
    const signature = createHmac('sha256', signingKey(day)).update(toSign).digest('hex')
    const all = { ...params, 'X-Amz-Signature': signature }
    return `${origin}${path}?${Object.keys(all)
      .sort()
      .map((k) => `${escape(k)}=${escape(all[k as keyof typeof all]!)}`)
      .join('&')}`
  }
}
