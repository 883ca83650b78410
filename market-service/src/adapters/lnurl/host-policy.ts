/**
 * Which hosts the service may fetch on a developer's say-so (their payout Lightning address and the
 * callback its server names): in production only public addresses; in development also loopback and
 * private networks (devnet, a LAN wallet), never link-local (cloud metadata), unspecified, multicast or
 * reserved ones. A name is resolved and every address it resolves to must pass. IPv4 must be written in
 * dotted decimal (`0x7f000001`, `2130706433`, `127.1`, `[::ffff:127.0.0.1]` are refused in every mode). The classification
 * itself is shared's `classifyHost`.
 *
 * Left open: the fetch resolves the name again, so a name that answers a public address here and a
 * private one a moment later (DNS rebinding) is only caught by the next check.
 */
import { lookup } from 'node:dns/promises'
import { classifyHost, type AddressClass } from '@zapcade/shared/net/public-address'

/** Resolve a host name to its addresses (injected: tests answer without DNS). */
export type Resolve = (hostname: string) => Promise<string[]>

/** The system resolver (getaddrinfo, as fetch itself would use), every address of both families. */
export const systemResolve: Resolve = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address)

const DEV_ALLOWED: ReadonlySet<AddressClass> = new Set(['public', 'loopback', 'private'])

const allowed = (cls: AddressClass, production: boolean): boolean =>
  cls === 'public' || (!production && DEV_ALLOWED.has(cls))

/** `host`, `host:port`, `[v6]` or `[v6]:port` → the host without the port. */
const bareHost = (host: string): string =>
  host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '')

/**
 * Why a literal host (a URL's hostname, or the host part of `name@host[:port]`) may not be contacted,
 * or undefined when it may (a name may still resolve somewhere it may not: see `checkResolvedHost`).
 */
export function hostRefusal(host: string, production: boolean): string | undefined {
  const h = classifyHost(bareHost(host))
  if (h.type === 'ipv4' && !h.canonical && h.class !== 'invalid')
    return 'an IPv4 host must be written in dotted decimal'
  if (h.type === 'ipv6' && h.address.startsWith('0:0:0:0:0:ffff:'))
    return 'an IPv4 host must be written in dotted decimal, not IPv6-mapped'
  if (!allowed(h.class, production)) return `the host is not a public address (${h.class})`
  return undefined
}

export type HostCheck =
  | { ok: true }
  | { ok: false; refused: string }
  | { ok: false; unresolved: string }

/**
 * `hostRefusal`, then for a name: resolve it (within `timeoutMs`) and refuse it when any address it
 * resolves to is not allowed. A name that does not resolve is `unresolved` (the caller decides whether
 * that is a refusal or an unreachable endpoint).
 */
export async function checkResolvedHost(
  host: string,
  o: { production: boolean; resolve: Resolve; timeoutMs: number },
): Promise<HostCheck> {
  const refused = hostRefusal(host, o.production)
  if (refused) return { ok: false, refused }
  const h = classifyHost(bareHost(host))
  if (h.type !== 'name') return { ok: true }
  let addresses: string[]
  let timer: ReturnType<typeof setTimeout> | undefined
  try {
    addresses = await Promise.race([
      o.resolve(h.address),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('DNS lookup timed out')), o.timeoutMs)
      }),
    ])
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    return { ok: false, unresolved: `${h.address} does not resolve${code ? ` (${code})` : ''}` }
  } finally {
    clearTimeout(timer)
  }
  if (addresses.length === 0) return { ok: false, unresolved: `${h.address} does not resolve` }
  for (const a of addresses) {
    const cls = classifyHost(a).class
    if (!allowed(cls, o.production))
      return {
        ok: false,
        refused: `${h.address} resolves to an address that is not public (${cls})`,
      }
  }
  return { ok: true }
}
