/** Reading the library answer, whatever its envelope (`{items}` or a bare array) and item shape. */
import type { LibraryItem } from '../lib/types.ts'

/** Items of a library response. */
export function libraryItems(lib: { items: LibraryItem[] } | LibraryItem[]): LibraryItem[] {
  return Array.isArray(lib) ? lib : lib.items
}

/** `pubkey/slug` of a library item. */
export function itemRef(i: LibraryItem): { pubkey: string; slug: string } | undefined {
  if (i.pubkey && i.slug) return { pubkey: i.pubkey, slug: i.slug }
  if (typeof i.game === 'string') {
    const [pubkey, slug] = i.game.split('/')
    return pubkey && slug ? { pubkey, slug } : undefined
  }
  if (i.game && typeof i.game === 'object') return { pubkey: i.game.pubkey, slug: i.game.slug }
  return undefined
}

/** Does the library hold this game? */
export function ownsGame(lib: { items: LibraryItem[] } | LibraryItem[], g: { pubkey: string; slug: string }): boolean {
  return libraryItems(lib).some((i) => {
    const r = itemRef(i)
    return r?.pubkey === g.pubkey && r.slug === g.slug
  })
}
