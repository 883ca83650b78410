/**
 * NIP-05 check of a developer's profile from the browser: `name@domain` is verified when
 * `https://<domain>/.well-known/nostr.json?name=<name>` maps the name to the developer's pubkey
 * (redirects refused, as NIP-05 asks). The market's own domain is asked same-origin, so a local
 * market over http works too. Anything else (unreachable, another key, no CORS) is "unverified".
 */

export type Nip05State = 'checking' | 'verified' | 'unverified'

/** `name@domain` split, lower-cased; undefined when it is not one. */
export function parseNip05(id: string): { name: string; domain: string } | undefined {
  const m = /^([a-z0-9._+-]+)@([a-z0-9.-]+(?::[0-9]{1,5})?)$/.exec(id.trim().toLowerCase())
  return m ? { name: m[1]!, domain: m[2]! } : undefined
}

/** How an identifier is shown: `_@domain` as just the domain (NIP-05's root name). */
export function nip05Text(id: string): string {
  const p = parseNip05(id)
  return p && p.name === '_' ? p.domain : id.trim().toLowerCase()
}

/** True when the identifier's domain maps its name to `pubkey`; `here` is the page's own location. */
export async function verifyNip05(
  id: string,
  pubkey: string,
  here: { host: string; origin: string } = location,
): Promise<boolean> {
  const p = parseNip05(id)
  if (!p) return false
  const base = p.domain === here.host ? here.origin : `https://${p.domain}`
  try {
    const r = await fetch(`${base}/.well-known/nostr.json?name=${encodeURIComponent(p.name)}`, {
      redirect: 'error',
      signal: AbortSignal.timeout(8000),
      headers: { accept: 'application/json' },
    })
    if (!r.ok) return false
    const body = (await r.json()) as { names?: Record<string, unknown> }
    const found = body.names?.[p.name]
    return typeof found === 'string' && found.toLowerCase() === pubkey.toLowerCase()
  } catch {
    return false
  }
}
