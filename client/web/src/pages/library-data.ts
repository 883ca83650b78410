/** Reading the library answer (shared/src/api/purchases.ts libraryResponseSchema). */
import type { LibraryItem, LibraryResponse } from '../lib/types.ts'

/** `pubkey/slug` of a library item. */
export function itemRef(i: LibraryItem): { pubkey: string; slug: string } {
  return { pubkey: i.game.pubkey, slug: i.game.slug }
}

/** Does the library hold this game (with an entitlement not revoked)? */
export function ownsGame(lib: LibraryResponse, g: { pubkey: string; slug: string }): boolean {
  return lib.items.some(
    (i) => i.revoked_at === null && i.game.pubkey === g.pubkey && i.game.slug === g.slug,
  )
}
