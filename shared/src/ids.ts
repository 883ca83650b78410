/** Pubkeys, event ids and NIP-19 encodings. Hex is canonical everywhere; bech32 is for people only (NIP-19). */
import { nip19 } from 'nostr-tools'
import { Kind } from './kinds.ts'

declare const hexBrand: unique symbol
export type Pubkey = string & { readonly [hexBrand]: 'Pubkey' }
export type EventId = string & { readonly [hexBrand]: 'EventId' }

const HEX64 = /^[0-9a-f]{64}$/

/** True for 32-byte lowercase hex. */
export function isHex64(s: unknown): s is string {
  return typeof s === 'string' && HEX64.test(s)
}

/** Accept a hex pubkey or an npub; answer the hex pubkey or undefined. */
export function parsePubkey(input: string): Pubkey | undefined {
  if (HEX64.test(input)) return input as Pubkey
  if (input.startsWith('npub1')) {
    try {
      const d = nip19.decode(input)
      if (d.type === 'npub') return d.data as Pubkey
    } catch {
      return undefined
    }
  }
  return undefined
}

/** Hex pubkey to npub. */
export function toNpub(pubkey: string): string {
  return nip19.npubEncode(pubkey)
}

/** A game's address: `32267:<pubkey>:<slug>`. */
export interface GameAddress {
  pubkey: Pubkey
  slug: string
}

/**
 * A game's address (`d` of 32267, `i` of releases and assets): NIP-82 app ids such as `com.Example.app`
 * keep their case, so the check is case-sensitive and accepts capitals (our tools suggest lowercase).
 */
export const SLUG_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/
/** SLUG_RE as text, for reasons and help. */
export const SLUG_RULE = '[A-Za-z0-9][A-Za-z0-9._-]{0,63}'

/** The `a` coordinate of a game. */
export function gameCoordinate(a: GameAddress): string {
  return `${Kind.Game}:${a.pubkey}:${a.slug}`
}

/** Parse `<kind>:<pubkey>:<d>` into its parts (NIP-01 `a` tag); undefined when malformed. */
export function parseCoordinate(
  a: string,
): { kind: number; pubkey: Pubkey; d: string } | undefined {
  const m = /^([0-9]{1,5}):([0-9a-f]{64}):(.*)$/s.exec(a)
  if (!m) return undefined
  const kind = Number(m[1])
  if (kind > 65535) return undefined
  return { kind, pubkey: m[2] as Pubkey, d: m[3]! }
}

/** Parse a game coordinate (`32267:<pubkey>:<slug>`) with slug syntax checked. */
export function parseGameCoordinate(a: string): GameAddress | undefined {
  const c = parseCoordinate(a)
  if (!c || c.kind !== Kind.Game || !SLUG_RE.test(c.d)) return undefined
  return { pubkey: c.pubkey, slug: c.d }
}

/** Encode a game as naddr (for share links). */
export function gameNaddr(a: GameAddress, relays: string[] = []): string {
  return nip19.naddrEncode({ kind: Kind.Game, pubkey: a.pubkey, identifier: a.slug, relays })
}

/**
 * Parse how people name a game: `<pubkey|npub>/<slug>`, `naddr1…`, or a `32267:` coordinate.
 */
export function parseGameRef(ref: string): GameAddress | undefined {
  const trimmed = ref.trim()
  if (trimmed.startsWith('naddr1')) {
    try {
      const d = nip19.decode(trimmed)
      if (d.type !== 'naddr' || d.data.kind !== Kind.Game || !SLUG_RE.test(d.data.identifier))
        return undefined
      return { pubkey: d.data.pubkey as Pubkey, slug: d.data.identifier }
    } catch {
      return undefined
    }
  }
  if (trimmed.startsWith(`${Kind.Game}:`)) return parseGameCoordinate(trimmed)
  const slash = trimmed.indexOf('/')
  if (slash < 0) return undefined
  const pubkey = parsePubkey(trimmed.slice(0, slash))
  const slug = trimmed.slice(slash + 1)
  if (!pubkey || !SLUG_RE.test(slug)) return undefined
  return { pubkey, slug }
}
