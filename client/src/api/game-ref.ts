/** How callers name a game in the SDK. */
import { parseGameRef, type GameAddress } from '@zapcade/shared/ids'

/** `{game}` accepts `<pubkey>/<slug>`, an naddr, a coordinate or an address object. */
export type GameRef = string | GameAddress

/** Resolve a game reference to pubkey + slug; throws on a malformed reference. */
export function gameAddressOf(ref: GameRef): GameAddress {
  if (typeof ref !== 'string') return ref
  const a = parseGameRef(ref)
  if (!a) throw new TypeError(`not a game reference (expected <pubkey>/<slug> or naddr1…): ${ref}`)
  return a
}
