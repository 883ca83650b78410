/**
 * Check a Lightning address (LUD-16) before payouts rely on it: `https://<domain>/.well-known/lnurlp/<name>`
 * must answer a LUD-06 payRequest. http is allowed only for loopback hosts outside production. The host
 * must pass host-policy.ts (public addresses only in production, the name resolved and each address
 * checked). When the endpoint cannot be reached at all the address is kept unverified; a wrong answer
 * is refused, with our own summary of what was wrong (never the remote body's text).
 */
import { AppError } from '@zapcade/shared/errors'
import { checkResolvedHost, hostRefusal, systemResolve, type Resolve } from './host-policy.ts'
import { lud16Url } from './lnurl-pay-client.ts'

export type LnAddressCheck = { reachable: true } | { reachable: false; reason: string }

/** The LUD-16 well-known URL for `name@domain` (the payout client's rule: http only for loopback outside production). */
export function lnurlpUrl(address: string, production: boolean): string {
  return lud16Url(address, production).href
}

/** True when the service must not probe this literal host (`host` or `host:port`) in this mode (SSRF). */
export function isForbiddenHost(domain: string, production: boolean): boolean {
  return hostRefusal(domain.toLowerCase(), production) !== undefined
}

/** Fetch and check the payRequest; throws LNURL_INVALID when the endpoint answers wrongly. */
export async function checkLnAddress(
  address: string,
  o: { fetch: typeof fetch; production: boolean; timeoutMs?: number; resolve?: Resolve },
): Promise<LnAddressCheck> {
  const refused = hostRefusal((address.split('@')[1] ?? '').toLowerCase(), o.production)
  if (refused)
    throw new AppError('LNURL_INVALID', `a payout address must be on a public host: ${refused}`)
  const url = lnurlpUrl(address, o.production)
  const timeoutMs = o.timeoutMs ?? 3000
  const host = await checkResolvedHost(new URL(url).hostname, {
    production: o.production,
    resolve: o.resolve ?? systemResolve,
    timeoutMs,
  })
  if (!host.ok && 'refused' in host)
    throw new AppError(
      'LNURL_INVALID',
      `a payout address must be on a public host: ${host.refused}`,
    )
  if (!host.ok) return { reachable: false, reason: host.unresolved }
  let res: Response
  try {
    res = await o.fetch(url, {
      headers: { accept: 'application/json' },
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    })
  } catch (e) {
    return { reachable: false, reason: e instanceof Error ? e.message : String(e) }
  }
  let body: unknown
  try {
    body = await res.json()
  } catch {
    throw new AppError('LNURL_INVALID', `${url} answered ${res.status} without JSON`)
  }
  const b = body as {
    tag?: unknown
    callback?: unknown
    minSendable?: unknown
    maxSendable?: unknown
    status?: unknown
    reason?: unknown
  }
  // The remote `reason` is not repeated to the developer: only our summary of the answer.
  if (!res.ok || b.status === 'ERROR')
    throw new AppError(
      'LNURL_INVALID',
      `${url} answered ${res.status}${b.status === 'ERROR' ? ' with status ERROR' : ''}`,
    )
  if (b.tag !== 'payRequest')
    throw new AppError('LNURL_INVALID', `${url} is not a LUD-06 payRequest`)
  if (
    typeof b.callback !== 'string' ||
    typeof b.minSendable !== 'number' ||
    typeof b.maxSendable !== 'number' ||
    b.minSendable > b.maxSendable
  ) {
    throw new AppError(
      'LNURL_INVALID',
      `${url}: payRequest without a valid callback/minSendable/maxSendable`,
    )
  }
  return { reachable: true }
}
