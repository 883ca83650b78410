/**
 * Check a Lightning address (LUD-16) before payouts rely on it: `https://<domain>/.well-known/lnurlp/<name>`
 * must answer a LUD-06 payRequest. http is allowed only for loopback hosts outside production. When the
 * endpoint cannot be reached at all the address is kept unverified; a wrong answer is refused.
 */
import { AppError } from '@zapcade/shared/errors'
import { lud16Url } from './lnurl-pay-client.ts'

export type LnAddressCheck = { reachable: true } | { reachable: false; reason: string }

/** The LUD-16 well-known URL for `name@domain` (the payout client's rule: http only for loopback outside production). */
export function lnurlpUrl(address: string, production: boolean): string {
  return lud16Url(address, production).href
}

const PRIVATE_IP = /^(10\.|127\.|169\.254\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|0\.|\[(::1?|f[cd][0-9a-f]{2}:.*|fe80:.*)\]$)/i

/** In production the service never probes loopback, private or link-local literal hosts (SSRF). */
export function isForbiddenHost(domain: string, production: boolean): boolean {
  const host = domain.replace(/:\d+$/, '').toLowerCase()
  return production && (host === 'localhost' || host.endsWith('.localhost') || PRIVATE_IP.test(host))
}

/** Fetch and check the payRequest; throws LNURL_INVALID when the endpoint answers wrongly. */
export async function checkLnAddress(address: string, o: { fetch: typeof fetch; production: boolean; timeoutMs?: number }): Promise<LnAddressCheck> {
  if (isForbiddenHost(address.split('@')[1] ?? '', o.production)) throw new AppError('LNURL_INVALID', 'a payout address must be on a public host')
  const url = lnurlpUrl(address, o.production)
  let res: Response
  try {
    res = await o.fetch(url, { headers: { accept: 'application/json' }, redirect: 'error', signal: AbortSignal.timeout(o.timeoutMs ?? 3000) })
  } catch (e) {
    return { reachable: false, reason: e instanceof Error ? e.message : String(e) }
  }
  let body: unknown
  try {
    body = await res.json()
  } catch {
    throw new AppError('LNURL_INVALID', `${url} answered ${res.status} without JSON`)
  }
  const b = body as { tag?: unknown; callback?: unknown; minSendable?: unknown; maxSendable?: unknown; status?: unknown; reason?: unknown }
  if (!res.ok || b.status === 'ERROR') throw new AppError('LNURL_INVALID', `${url} answered ${res.status}${typeof b.reason === 'string' ? `: ${b.reason}` : ''}`)
  if (b.tag !== 'payRequest') throw new AppError('LNURL_INVALID', `${url} is not a LUD-06 payRequest`)
  if (typeof b.callback !== 'string' || typeof b.minSendable !== 'number' || typeof b.maxSendable !== 'number' || b.minSendable > b.maxSendable) {
    throw new AppError('LNURL_INVALID', `${url}: payRequest without a valid callback/minSendable/maxSendable`)
  }
  return { reachable: true }
}
