/**
 * The opaque cursor of the catalog's keyset pagination: base64url of a JSON array
 * `[sort, phase, key, id]`, the sort key and id of the last game of a page. Phase is 0 except for
 * `featured`, whose first phase walks FEATURED games by rank and the second LISTED games by `new`.
 */
import { AppError } from '@zapcade/shared/errors'
import type { CatalogSort } from '@zapcade/shared/api/catalog'

export type Cursor = { sort: CatalogSort; phase: 0 | 1; key: number | string; id: number }

/** The cursor's wire form. */
export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.sort, c.phase, c.key, c.id])).toString('base64url')
}

/** Parse a cursor for `sort`; anything else (malformed, or made for another sort) is VALIDATION_FAILED. */
export function decodeCursor(s: string, sort: CatalogSort): Cursor {
  const bad = (why: string) =>
    new AppError('VALIDATION_FAILED', `cursor: ${why}`, {
      issues: [{ path: 'cursor', message: why }],
    })
  let v: unknown
  try {
    v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'))
  } catch {
    throw bad('not a cursor from next_cursor')
  }
  if (!Array.isArray(v) || v.length !== 4) throw bad('not a cursor from next_cursor')
  const [cs, phase, key, id] = v as unknown[]
  if (cs !== sort) throw bad(`made for sort=${String(cs)}, not sort=${sort}`)
  if ((phase !== 0 && phase !== 1) || (phase === 1 && sort !== 'featured'))
    throw bad('not a cursor from next_cursor')
  if (typeof id !== 'number' || !Number.isSafeInteger(id))
    throw bad('not a cursor from next_cursor')
  const keyIsText = sort === 'title'
  if (keyIsText ? typeof key !== 'string' : typeof key !== 'number' || !Number.isFinite(key))
    throw bad('not a cursor from next_cursor')
  return { sort, phase, key: key as number | string, id }
}
