/**
 * Thin fetch layer over the market's HTTP API (docs/architecture.md "HTTP API rules"). Signed-in calls carry a NIP-98
 * header made by the session's signer: `u` = the absolute request URL, `method`, and `payload` =
 * sha256 of the exact body bytes sent. Errors come back as application/problem+json and are thrown
 * as ApiError with the service's `detail`.
 */
import { buildHttpAuth, httpAuthHeader, sha256Hex } from '@zapcade/shared/events/http-auth-header'
import { getSession } from './session.ts'
import type { Problem } from './types.ts'

/**
 * What a buyer reads for a problem, by its stable `code`: the server's own `detail` is kept only for
 * codes whose detail is written for people (validation, amounts); a 5xx never shows its internals
 * ("database is locked"), only what happened and what to do.
 */
const HUMAN: Record<string, string> = {
  AUTH_REQUIRED: 'Sign in first.',
  AUTH_INVALID: 'Your sign-in could not be checked. Sign in again and retry.',
  AUTH_REPLAYED: 'That request was already sent once. Try again.',
  FORBIDDEN: 'Your account is not allowed to do this.',
  NOT_ENTITLED: 'You do not own this game yet. Buy it, or sign in with the account that bought it.',
  GAME_NOT_FOUND: 'This game is no longer in the catalog.',
  PURCHASE_NOT_FOUND: 'The market does not know this purchase. Check the receipt code.',
  GAME_NOT_PURCHASABLE: 'This game cannot be bought right now.',
  NO_BUILD: 'This game has no downloadable build yet, so it cannot be bought. Check back soon.',
  RECEIPT_INVALID: 'That receipt code is not valid. Check it and try again.',
  ALREADY_CLAIMED: 'This receipt was already claimed into an account.',
  KEY_INVALID: 'No game has this key. Check it and try again.',
  KEY_REVOKED: 'This key was revoked by the game’s developer.',
  KEY_REDEEMED: 'This key was already redeemed.',
  RATE_LIMITED: 'Too many requests just now. Wait a minute and try again.',
  IDEMPOTENCY_IN_FLIGHT: 'The same request is still being handled. Wait a moment and try again.',
  WALLET_UNAVAILABLE:
    'The market cannot make Lightning invoices right now. Nothing was charged; try again in a few minutes.',
  RELAY_UNAVAILABLE:
    'The market cannot reach its Nostr relays right now. Try again in a few minutes.',
  SERVICE_UNAVAILABLE:
    'The market is busy or being updated. Nothing was charged; try again in a minute.',
  INTERNAL:
    "Something went wrong on the market's side. Nothing was charged; try again in a minute.",
}

/** The text shown for a problem answer (see HUMAN); `detail` only for codes not listed and below 500. */
export function problemText(p: {
  status: number
  code?: string | undefined
  detail?: string | undefined
  title?: string | undefined
}): string {
  const known = p.code ? HUMAN[p.code] : undefined
  if (known) return known
  if (p.status >= 500) return p.status === 503 ? HUMAN.SERVICE_UNAVAILABLE! : HUMAN.INTERNAL!
  return p.detail ?? p.title ?? `The market answered ${p.status}.`
}

export class ApiError extends Error {
  readonly status: number
  readonly code: string | undefined
  /** The server's own detail, for logs and tests; never shown when it is a 5xx. */
  readonly detail: string | undefined
  constructor(p: Problem) {
    super(problemText(p))
    this.detail = p.detail
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
export async function nip98Header(
  url: string,
  method: string,
  body: string | undefined,
): Promise<string> {
  const s = getSession()
  if (!s) throw new ApiError({ status: 401, code: 'AUTH_REQUIRED', detail: 'Sign in first.' })
  // The market accepts each auth event id once; buildHttpAuth adds a random nonce so two identical
  // requests in the same second (a poll and a reload, or two tabs) still sign different events.
  const t = buildHttpAuth({
    url,
    method,
    createdAtSec: Math.floor(Date.now() / 1000),
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
  if (opts.auth === true || (opts.auth === 'optional' && getSession()))
    headers.authorization = await nip98Header(url, method, body)
  const init: RequestInit = { method, headers }
  if (body !== undefined) init.body = body
  if (opts.signal) init.signal = opts.signal
  let res: Response
  try {
    res = await fetch(url, init)
  } catch {
    throw new ApiError({
      status: 0,
      code: 'NETWORK',
      detail: 'The market could not be reached. Check your connection and try again.',
    })
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
    throw new ApiError({
      ...p,
      status: res.status,
      detail: p.detail ?? p.title ?? `The market answered ${res.status}.`,
    })
  }
  return json as T
}

/** `pubkey/slug` path segment for a game. */
export const gamePath = (g: { pubkey: string; slug: string }): string =>
  `${encodeURIComponent(g.pubkey)}/${encodeURIComponent(g.slug)}`
