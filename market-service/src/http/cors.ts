/**
 * CORS for `/api/*`: browser Nostr apps on any origin may call the public GETs and the NIP-98 routes.
 * NIP-98 authorises each request with a signed event in `Authorization`, never with cookies, so a
 * cross-origin caller gains nothing a direct caller lacks: `Access-Control-Allow-Origin: *` and never
 * `Access-Control-Allow-Credentials` (a browser then sends no cookies and reads no credentialed answer).
 *
 * A preflight (OPTIONS) is answered here with 204 before routing. Every other answer, errors included
 * (the problem+json of onError and notFound), gets the origin and exposed headers after the handler ran.
 */
import type { MiddlewareHandler } from 'hono'

export const CORS_ALLOW_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'] as const
/** What our routes read: NIP-98, JSON bodies, purchase idempotency, guest receipts. */
export const CORS_ALLOW_HEADERS = [
  'Authorization',
  'Content-Type',
  'Idempotency-Key',
  'X-Receipt-Code',
] as const
/** Answer headers a script may read beyond the safelisted ones: where a created resource or a redirect
 * points, when to retry after RATE_LIMITED, and the request id a problem names. */
export const CORS_EXPOSE_HEADERS = ['Location', 'Retry-After', 'X-Request-Id'] as const

export function apiCors(): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method === 'OPTIONS') {
      return c.body(null, 204, {
        'Access-Control-Allow-Origin': '*',
        'Access-Control-Allow-Methods': CORS_ALLOW_METHODS.join(', '),
        'Access-Control-Allow-Headers': CORS_ALLOW_HEADERS.join(', '),
        'Access-Control-Max-Age': '86400',
      })
    }
    await next()
    c.header('Access-Control-Allow-Origin', '*')
    c.header('Access-Control-Expose-Headers', CORS_EXPOSE_HEADERS.join(', '))
  }
}
