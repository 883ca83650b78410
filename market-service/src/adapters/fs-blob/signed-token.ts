/**
 * HMAC-signed tokens for the local blob store's URLs (`/blobs/upload/<token>`, `/blobs/get/<token>`).
 * A token is `base64url(JSON claims) "." base64url(HMAC-SHA256(secret, purpose "|" claims))`: the purpose
 * is inside the MAC so a download token can never be replayed as an upload token. Comparison is
 * constant-time (`timingSafeEqual`) and the expiry is checked against an injected clock.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { AppError } from '@zapcade/shared/errors'

export type TokenPurpose = 'put' | 'get'

/** What an upload token binds: the object, its exact size, sha256 and content type, and the expiry. */
export interface PutClaims {
  k: string
  s: number
  h: string
  ct: string
  exp: number
}

/** What a download token binds: the object, the attachment filename, its sha256 (the ETag), and the expiry. */
export interface GetClaims {
  k: string
  fn: string
  h: string
  exp: number
}

type ClaimsOf<P extends TokenPurpose> = P extends 'put' ? PutClaims : GetClaims

const MAX_TOKEN_CHARS = 2048

function mac(secret: Buffer, purpose: TokenPurpose, body: string): Buffer {
  return createHmac('sha256', secret).update(`${purpose}|${body}`).digest()
}

/** Sign claims for one purpose. */
export function signToken<P extends TokenPurpose>(
  secret: Buffer,
  purpose: P,
  claims: ClaimsOf<P>,
): string {
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url')
  return `${body}.${mac(secret, purpose, body).toString('base64url')}`
}

const SHA256_RE = /^[0-9a-f]{64}$/

/**
 * The claims' shape, checked after the MAC: a token signed with the right secret but not minted by
 * the store (a leaked secret, a test, an older format) must still fail as a client error, never crash
 * a handler on a missing field. The object key itself is checked by the store (`isSafeObjectKey`).
 */
function wellFormed(purpose: TokenPurpose, c: Record<string, unknown>): boolean {
  if (typeof c['k'] !== 'string' || typeof c['h'] !== 'string' || !SHA256_RE.test(c['h']))
    return false
  if (purpose === 'get') return typeof c['fn'] === 'string'
  return typeof c['ct'] === 'string' && Number.isSafeInteger(c['s']) && (c['s'] as number) >= 0
}

/**
 * Verify a token's MAC (constant-time) and expiry; answers its claims or throws AppError
 * `URL_INVALID` (403, tampered or malformed), `URL_EXPIRED` (410), or `VALIDATION_FAILED` (400, a
 * correctly signed token whose claims lack a field or have the wrong type).
 */
export function verifyToken<P extends TokenPurpose>(
  secret: Buffer,
  purpose: P,
  token: string,
  nowSec: number,
): ClaimsOf<P> {
  const dot = token.indexOf('.')
  if (token.length > MAX_TOKEN_CHARS || dot <= 0)
    throw new AppError('URL_INVALID', 'malformed signed URL')
  const body = token.slice(0, dot)
  const given = Buffer.from(token.slice(dot + 1), 'base64url')
  const expected = mac(secret, purpose, body)
  // Length first: timingSafeEqual throws on unequal lengths, and the length of a MAC is no secret.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new AppError('URL_INVALID', 'signature does not match')
  }
  let claims: unknown
  try {
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'))
  } catch {
    throw new AppError('URL_INVALID', 'malformed signed URL')
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims))
    throw new AppError('URL_INVALID', 'malformed signed URL')
  const exp = (claims as { exp?: unknown }).exp
  if (typeof exp !== 'number') throw new AppError('URL_INVALID', 'malformed signed URL')
  if (nowSec >= exp) throw new AppError('URL_EXPIRED', 'this URL has expired')
  if (!wellFormed(purpose, claims as Record<string, unknown>))
    throw new AppError('VALIDATION_FAILED', 'signed URL claims are malformed')
  return claims as ClaimsOf<P>
}
