/**
 * The client half of NIP-98 (kind 27235), free of zod so the storefront's first load can use it: the
 * unsigned auth event for a request, the `Authorization: Nostr <base64>` header value, and the body's
 * sha256. The server half (parse, verify) is http-auth.ts, which re-exports all of this.
 */
import type { NostrEvent, UnsignedEvent } from './event.ts'

/** Kind.HttpAuth, written out so the storefront's first load does not pull the whole kinds table (a test holds them equal). */
export const HTTP_AUTH_KIND = 27235

/** Accepted clock skew either way, seconds (NIP-98 suggests 60). */
export const HTTP_AUTH_WINDOW_SEC = 60

export interface HttpAuthInput {
  url: string
  method: string
  /** sha256 hex of the raw body, when the request has one (see `sha256Hex`). */
  payloadSha256?: string
  createdAtSec: number
  /** Random by default: two identical requests in one second would otherwise sign the same event id,
   *  and servers accept each id once (the second would be refused as a replay). */
  nonce?: string
}

/** 16 random bytes as hex (WebCrypto: Node 20 and browsers). */
export function randomNonce(): string {
  return Array.from(globalThis.crypto.getRandomValues(new Uint8Array(16)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('')
}

/** The unsigned kind-27235 event for a request. */
export function buildHttpAuth(a: HttpAuthInput): UnsignedEvent {
  const tags = [
    ['u', a.url],
    ['method', a.method.toUpperCase()],
  ]
  if (a.payloadSha256 !== undefined) tags.push(['payload', a.payloadSha256])
  tags.push(['nonce', a.nonce ?? randomNonce()])
  return { kind: HTTP_AUTH_KIND, created_at: a.createdAtSec, tags, content: '' }
}

/** The Authorization header value for a signed auth event (standard base64). */
export function httpAuthHeader(ev: NostrEvent): string {
  const bytes = new TextEncoder().encode(JSON.stringify(ev))
  let bin = ''
  for (const b of bytes) bin += String.fromCharCode(b)
  return `Nostr ${btoa(bin)}`
}

/** sha256 hex of bytes or a UTF-8 string (WebCrypto: Node 20 and browsers). */
export async function sha256Hex(body: Uint8Array | string): Promise<string> {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('')
}
