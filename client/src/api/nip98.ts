/**
 * NIP-98 Authorization headers: kind 27235 with `u` = the full request URL (query included), `method`,
 * and `payload` = sha256 hex of the exact body bytes sent. Signed by whichever Signer the user holds.
 */
import { buildHttpAuth, httpAuthHeader, sha256Hex } from '@zapcade/shared/events/http-auth'
import type { Signer } from '../signers/signer.ts'

/** `Nostr <base64 of the signed event>` for one request. */
export async function nip98Header(
  signer: Signer,
  url: string,
  method: string,
  body?: Uint8Array,
  nowMs: number = Date.now(),
): Promise<string> {
  const input: Parameters<typeof buildHttpAuth>[0] = {
    url,
    method,
    createdAtSec: Math.floor(nowMs / 1000),
  }
  if (body !== undefined) input.payloadSha256 = await sha256Hex(body)
  return httpAuthHeader(await signer.signEvent(buildHttpAuth(input)))
}
