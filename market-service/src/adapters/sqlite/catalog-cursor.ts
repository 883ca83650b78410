/**
 * The opaque cursor of the catalog's keyset pagination: base64url of a JSON array
 * `[sort, phase, key, id]`, the sort key and id of the last game of a page. Phase is 0 except for
 * `featured`, whose first phase walks FEATURED games by rank and the second LISTED games by `new`.
 */
import type { CatalogSort } from '@zapcade/shared/api/catalog'
import {
  cursorError,
  decodeCursor as decodeParts,
  encodeCursor as encodeParts,
} from '../../http/page.ts'

export type Cursor = { sort: CatalogSort; phase: 0 | 1; key: number | string; id: number }

/** The cursor's wire form (http/page.ts, like every list's). */
export function encodeCursor(c: Cursor): string {
  return encodeParts([c.sort, c.phase, c.key, c.id])
}

/** Parse a cursor for `sort`; anything else (malformed, or made for another sort) is VALIDATION_FAILED. */
export function decodeCursor(s: string, sort: CatalogSort): Cursor {
  const v = decodeParts(s)
  if (v.length !== 4) throw cursorError()
  const [cs, phase, key, id] = v
  if (cs !== sort) throw cursorError(`made for sort=${String(cs)}, not sort=${sort}`)
  if ((phase !== 0 && phase !== 1) || (phase === 1 && sort !== 'featured')) throw cursorError()
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) throw cursorError()
  const keyIsText = sort === 'title'
  if (keyIsText ? typeof key !== 'string' : typeof key !== 'number' || !Number.isFinite(key))
    throw cursorError()
  return { sort, phase, key: key as number | string, id }
}
