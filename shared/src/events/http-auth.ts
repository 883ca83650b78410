/**
 * NIP-98 HTTP auth, kind 27235: `Authorization: Nostr <base64(event JSON)>` with `u` (absolute URL incl.
 * query), `method` and, with a body, `payload` = sha256 hex of the raw body bytes. Servers verify the
 * signature first, then `verifyHttpAuth` (each refusal names the rule), then accept each id once.
 * Header decoding takes standard and url-safe base64, padded or not (BUD-11 style).
 */
import { verifyEvent } from 'nostr-tools/pure'
import { fail, ok, type Parsed } from '../result.ts'
import { parseEventShape, singleTag, type NostrEvent } from './event.ts'
import { HTTP_AUTH_KIND, HTTP_AUTH_WINDOW_SEC } from './http-auth-header.ts'

export {
  HTTP_AUTH_KIND,
  HTTP_AUTH_WINDOW_SEC,
  buildHttpAuth,
  httpAuthHeader,
  randomNonce,
  sha256Hex,
  type HttpAuthInput,
} from './http-auth-header.ts'

/** Decode standard or url-safe base64, with or without padding; undefined when it is not base64. */
export function decodeBase64(text: string): Uint8Array | undefined {
  const s = text.trim().replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '')
  if (!/^[A-Za-z0-9+/]*$/.test(s) || s.length % 4 === 1) return undefined
  try {
    const bin = atob(s + '='.repeat((4 - (s.length % 4)) % 4))
    return Uint8Array.from(bin, (ch) => ch.charCodeAt(0))
  } catch {
    return undefined
  }
}

/** Parse an Authorization header into an event shape (signature NOT yet checked). */
export function parseHttpAuth(header: string | undefined): Parsed<NostrEvent> {
  if (header === undefined || header.trim() === '') return fail('authorization: missing')
  const m = /^Nostr\s+(\S+)\s*$/i.exec(header.trim())
  if (!m) return fail('authorization: scheme must be "Nostr <base64 event>"')
  const bytes = decodeBase64(m[1]!)
  if (!bytes) return fail('authorization: not base64')
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch {
    return fail('authorization: not a JSON event')
  }
  return parseEventShape(json)
}

export interface HttpAuthExpect {
  /** The absolute URL the server rebuilt from its configured public URL (never from Host). */
  url: string
  method: string
  /** sha256 hex of the raw body when the request carries one; undefined for no body. */
  bodySha256?: string | undefined
  nowSec: number
  windowSec?: number
  /** Id + signature check; default nostr-tools' verifyEvent (servers may pass a faster one). */
  verifySignature?: (ev: NostrEvent) => boolean
}

/** Check a parsed auth event against the request; id/signature first. Answers the signer's pubkey. */
export function verifyHttpAuth(ev: NostrEvent, x: HttpAuthExpect): Parsed<string> {
  if (ev.kind !== HTTP_AUTH_KIND) return fail(`kind: must be ${HTTP_AUTH_KIND}`)
  // A fresh copy: nostr-tools caches the verdict on the object it verified.
  if (!(x.verifySignature ?? ((e) => verifyEvent({ ...e })))(ev))
    return fail('signature: invalid id or signature')
  const window = x.windowSec ?? HTTP_AUTH_WINDOW_SEC
  if (ev.created_at > x.nowSec + window) return fail('created_at: in the future')
  if (ev.created_at < x.nowSec - window) return fail('created_at: expired')
  const u = singleTag(ev, 'u', true)
  if (!u.ok) return u
  // A bare trailing `?` is the same URL: clients sign the string they were given (`…/games?`) while
  // fetch sends it without the empty query, and the server sees the request without it.
  const bare = (s: string): string => (s.endsWith('?') ? s.slice(0, -1) : s)
  if (bare(u.value!) !== bare(x.url)) return fail('u: does not match the request URL')
  const method = singleTag(ev, 'method', true)
  if (!method.ok) return method
  if ((method.value ?? '').toUpperCase() !== x.method.toUpperCase())
    return fail('method: does not match the request method')
  const payload = singleTag(ev, 'payload', false)
  if (!payload.ok) return payload
  if (x.bodySha256 !== undefined) {
    if (payload.value === undefined) return fail('payload: missing for a request with a body')
    if (payload.value.toLowerCase() !== x.bodySha256)
      return fail('payload: does not match the body')
  } else if (payload.value !== undefined && payload.value.toLowerCase() !== EMPTY_SHA256) {
    return fail('payload: present but the request has no body')
  }
  return ok(ev.pubkey)
}

/** sha256 of zero bytes. */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
