/**
 * Thin fetch layer over the market's HTTP API (DESIGN.md section 5). Signed-in calls carry a NIP-98
 * header made by the session's signer: `u` = the absolute request URL, `method`, and `payload` =
 * sha256 of the exact body bytes sent. Errors come back as application/problem+json and are thrown
 * as ApiError with the service's `detail`.
 */
import type { UnsignedEvent } from '@zapcade/shared/events/event'
import { getSession } from './session.ts'
import type { Problem } from './types.ts'

export class ApiError extends Error {
  readonly status: number
  readonly code: string | undefined
  constructor(p: Problem) {
    super(p.detail ?? p.title ?? `HTTP ${p.status}`)
    this.name = 'ApiError'
    this.status = p.status
    this.code = p.code
  }
}

export interface RequestOptions {
  body?: unknown
  /** true: NIP-98 required (throws for guests); 'optional': signed when a session exists; false: never. */
  auth?: boolean | 'optional'
  receiptCode?: string
  signal?: AbortSignal
}

const hex = (buf: ArrayBuffer): string => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('')
const randomHex = (bytes: number): string => hex(crypto.getRandomValues(new Uint8Array(bytes)).buffer)

/** sha256 hex of a UTF-8 string (WebCrypto; the storefront is served from a secure context). */
export async function sha256Hex(text: string): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)))
}

function base64Utf8(text: string): string {
  let bin = ''
  for (const b of new TextEncoder().encode(text)) bin += String.fromCharCode(b)
  return btoa(bin)
}

/** The `Authorization: Nostr …` header for one request (NIP-98, kind 27235). */
export async function nip98Header(url: string, method: string, body: string | undefined): Promise<string> {
  const s = getSession()
  if (!s) throw new ApiError({ status: 401, code: 'AUTH_REQUIRED', detail: 'Sign in first.' })
  const tags = [['u', url], ['method', method]]
  if (body !== undefined) tags.push(['payload', await sha256Hex(body)])
  // The market accepts each auth event id once. Two identical requests in the same second (a poll and
  // a reload, or two tabs) would sign the very same event, so each carries a random nonce (extra tags
  // are allowed by NIP-98 and ignored by the server's checks).
  tags.push(['nonce', randomHex(8)])
  const t: UnsignedEvent = { kind: 27235, created_at: Math.floor(Date.now() / 1000), tags, content: '' }
  const ev = await s.signer.signEvent(t)
  return `Nostr ${base64Utf8(JSON.stringify(ev))}`
}

/** Call the API; answers the parsed JSON body or throws ApiError. */
export async function api<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const url = new URL(path, location.origin).href
  const headers: Record<string, string> = { accept: 'application/json' }
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body)
  if (body !== undefined) headers['content-type'] = 'application/json'
  if (opts.receiptCode) headers['x-receipt-code'] = opts.receiptCode
  if (opts.auth === true || (opts.auth === 'optional' && getSession())) headers.authorization = await nip98Header(url, method, body)
  const init: RequestInit = { method, headers }
  if (body !== undefined) init.body = body
  if (opts.signal) init.signal = opts.signal
  let res: Response
  try {
    res = await fetch(url, init)
  } catch {
    throw new ApiError({ status: 0, code: 'NETWORK', detail: 'The market could not be reached. Check your connection and try again.' })
  }
  const text = await res.text()
  let json: unknown
  try {
    json = text ? JSON.parse(text) : undefined
  } catch {
    json = undefined
  }
  if (!res.ok) {
    const p = (json && typeof json === 'object' ? json : {}) as Partial<Problem>
    throw new ApiError({ ...p, status: res.status, detail: p.detail ?? p.title ?? `The market answered ${res.status}.` })
  }
  return json as T
}

/** `pubkey/slug` path segment for a game. */
export const gamePath = (g: { pubkey: string; slug: string }): string =>
  `${encodeURIComponent(g.pubkey)}/${encodeURIComponent(g.slug)}`
