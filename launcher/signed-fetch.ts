/** NIP-98 signed requests the launcher makes as the demo developer (payout address, demo uploads). */
import { finalizeEvent } from 'nostr-tools/pure'
import { buildHttpAuth, httpAuthHeader, sha256Hex } from '@zapcade/shared/events/http-auth'
import type { NostrEvent } from '@zapcade/shared/events/event'
import type { KeyPair } from './dev-keys.ts'

/** fetch `url` with a NIP-98 Authorization header signed by `key`; JSON bodies are hashed as sent. */
export async function signedFetch(
  key: KeyPair,
  url: string,
  init: { method: string; json?: unknown; body?: Uint8Array; headers?: Record<string, string> },
): Promise<Response> {
  const body =
    init.json !== undefined ? new TextEncoder().encode(JSON.stringify(init.json)) : init.body
  const auth = finalizeEvent(
    buildHttpAuth({
      url,
      method: init.method,
      createdAtSec: Math.floor(Date.now() / 1000),
      ...(body ? { payloadSha256: await sha256Hex(body) } : {}),
    }),
    key.secretKey,
  ) as NostrEvent
  const headers: Record<string, string> = { authorization: httpAuthHeader(auth), ...init.headers }
  if (init.json !== undefined) headers['content-type'] = 'application/json'
  return fetch(url, {
    method: init.method,
    headers,
    ...(body ? { body: new Blob([body as Uint8Array<ArrayBuffer>]) } : {}),
  })
}

/** Throw with the problem detail when a response is not 2xx. */
export async function expectOk(res: Response, what: string): Promise<Response> {
  if (res.ok) return res
  const text = await res.text()
  let detail = text
  try {
    detail = (JSON.parse(text) as { detail?: string }).detail ?? text
  } catch {
    /* not JSON */
  }
  throw new Error(`${what}: HTTP ${res.status}: ${detail}`)
}
