/**
 * NIP-98 as the app's RouteAuth: the URL is rebuilt from the configured public URL + path + query
 * (never Host or X-Forwarded-* headers), method and raw-body sha256 bound, created_at within 60 s
 * either way, each signed token accepted once (SQLite replay cache, keyed on the signature: two tokens a
 * client makes for the same URL in the same second share an id but not a signature), admins from configuration.
 * The verified pubkey is memoised per request, so calling `required` twice is harmless.
 */
import { createHash } from 'node:crypto'
import type { Context, MiddlewareHandler } from 'hono'
import { AppError } from '@zapcade/shared/errors'
import type { NostrEvent } from '@zapcade/shared/events/event'
import {
  HTTP_AUTH_WINDOW_SEC,
  parseHttpAuth,
  verifyHttpAuth,
} from '@zapcade/shared/events/http-auth'
import type { Clock } from '../ports/clock.ts'
import type { ReplayCache } from '../adapters/sqlite/nip98-replay.ts'
import type { RouteAuth } from '../routes/route-auth.ts'

export interface Nip98Options {
  /** Configured public URL (origin + optional base path), no trailing slash. */
  publicUrl: string
  adminPubkeys: readonly string[]
  clock: Clock
  replay: ReplayCache
  /** Id + signature check (the service passes shared's event-sig); default nostr-tools. */
  verifySignature?: ((ev: NostrEvent) => boolean) | undefined
}

const VERIFIED = 'nip98Pubkey'

/**
 * The absolute URL a client must have signed: public URL + the request's path and query, verbatim as
 * the client sent them (a bare trailing `?` included, which URL parsing would drop).
 */
export function canonicalUrl(publicUrl: string, requestUrl: string): string {
  const u = new URL(requestUrl)
  const rest = requestUrl.startsWith(u.origin)
    ? requestUrl.slice(u.origin.length)
    : `${u.pathname}${u.search}`
  const hash = rest.indexOf('#')
  return `${publicUrl}${hash < 0 ? rest : rest.slice(0, hash)}`
}

async function bodySha256(c: Context): Promise<string | undefined> {
  if (c.req.method === 'GET' || c.req.method === 'HEAD') return undefined
  // Hono caches the body, so c.req.json()/text() still work afterwards; handlers that read
  // c.req.raw directly get a fresh Request over the same bytes.
  const buf = new Uint8Array(await c.req.arrayBuffer())
  const raw = c.req.raw
  c.req.raw = new Request(raw.url, {
    method: raw.method,
    headers: raw.headers,
    body: buf,
    signal: raw.signal,
  })
  if (buf.length === 0) return undefined
  return createHash('sha256').update(buf).digest('hex')
}

/** Verify the request's Authorization header; answers the pubkey or throws AUTH_*. */
async function verifyRequest(c: Context, o: Nip98Options): Promise<string> {
  const cached = c.get(VERIFIED as never) as string | undefined
  if (cached) return cached
  const header = c.req.header('authorization')
  if (!header)
    throw new AppError(
      'AUTH_REQUIRED',
      'sign the request with NIP-98: Authorization: Nostr <base64 kind-27235 event>',
    )
  const parsed = parseHttpAuth(header)
  if (!parsed.ok) throw new AppError('AUTH_INVALID', parsed.reason)
  const nowSec = o.clock.nowSec()
  const checked = verifyHttpAuth(parsed.value, {
    url: canonicalUrl(o.publicUrl, c.req.url),
    method: c.req.method,
    bodySha256: await bodySha256(c),
    nowSec,
    ...(o.verifySignature ? { verifySignature: o.verifySignature } : {}),
  })
  if (!checked.ok) throw new AppError('AUTH_INVALID', checked.reason)
  // Kept past the whole window the event could be valid in, whatever clock skew it used.
  if (
    !o.replay.accept(parsed.value.sig, parsed.value.created_at + HTTP_AUTH_WINDOW_SEC + 1, nowSec)
  ) {
    throw new AppError(
      'AUTH_REPLAYED',
      'this auth event was already used; sign a fresh one per request',
    )
  }
  c.set(VERIFIED as never, checked.value as never)
  return checked.value
}

/** The RouteAuth every feature's routes receive. */
export function nip98Auth(o: Nip98Options): RouteAuth {
  const admins = new Set(o.adminPubkeys)
  return {
    required: (c) => verifyRequest(c, o),
    optional: async (c) => (c.req.header('authorization') ? verifyRequest(c, o) : undefined),
    async admin(c) {
      const pubkey = await verifyRequest(c, o)
      if (!admins.has(pubkey)) throw new AppError('FORBIDDEN', 'admins only')
      return pubkey
    },
  }
}

/**
 * Route middleware for OpenAPI routes: verify before the body validator runs (so the payload hash is
 * taken over the raw bytes), then `callerOf(c)` answers the pubkey.
 */
export function authMiddleware(
  auth: RouteAuth,
  level: 'required' | 'admin' | 'optional',
): MiddlewareHandler {
  return async (c, next) => {
    c.set(CALLER as never, (await auth[level](c)) as never)
    await next()
  }
}

const CALLER = 'callerPubkey'

/** The pubkey `authMiddleware` verified. */
export function callerOf(c: Context): string {
  const p = c.get(CALLER as never) as string | undefined
  if (!p) throw new AppError('AUTH_REQUIRED', 'sign the request with NIP-98')
  return p
}

/** The pubkey an `optional` authMiddleware verified, or undefined for an unsigned request. */
export function optionalCallerOf(c: Context): string | undefined {
  return c.get(CALLER as never) as string | undefined
}
