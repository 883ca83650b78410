/**
 * Thin fetch layer over the market's HTTP API (DESIGN.md section 5). Signed-in calls carry a NIP-98
 * header made by the session's signer: `u` = the absolute request URL, `method`, and `payload` =
 * sha256 of the exact body bytes sent. Errors come back as application/problem+json and are thrown
 * as ApiError with the service's `detail`.
 */
import { buildHttpAuth, httpAuthHeader, sha256Hex } from '@zapcade/shared/events/http-auth-header'
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

/** The `Authorization: Nostr …` header for one request (NIP-98, kind 27235; shared's zod-free builder). */
export async function nip98Header(url: string, method: string, body: string | undefined): Promise<string> {
  const s = getSession()
  if (!s) throw new ApiError({ status: 401, code: 'AUTH_REQUIRED', detail: 'Sign in first.' })
  // The market accepts each auth event id once; buildHttpAuth adds a random nonce so two identical
  // requests in the same second (a poll and a reload, or two tabs) still sign different events.
  const t = buildHttpAuth({
    url, method, createdAtSec: Math.floor(Date.now() / 1000),
    ...(body !== undefined ? { payloadSha256: await sha256Hex(body) } : {}),
  })
  return httpAuthHeader(await s.signer.signEvent(t))
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
