/**
 * Keyset pagination, one way for every list (docs/architecture.md "HTTP API rules"): a page of `limit`
 * items is cut from `limit + 1` rows read after the cursor, and `next_cursor` is the key of its last
 * item, opaque to clients (base64url of a JSON array). A cursor that is not one we made is
 * VALIDATION_FAILED, never a 500 and never a silently wrong page.
 */
import { AppError } from '@zapcade/shared/errors'

export type CursorPart = string | number

/** The wire form of a key. */
export function encodeCursor(parts: readonly CursorPart[]): string {
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url')
}

/** VALIDATION_FAILED on `cursor`, with the reason. */
export function cursorError(why = 'not a cursor from next_cursor'): AppError {
  return new AppError('VALIDATION_FAILED', `cursor: ${why}`, {
    issues: [{ path: 'cursor', message: why }],
  })
}

/** The parts of a cursor from `encodeCursor` (unchecked beyond being an array of strings and numbers). */
export function decodeCursor(cursor: string): CursorPart[] {
  let v: unknown
  try {
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    throw cursorError()
  }
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' || typeof x === 'number'))
    throw cursorError()
  return v
}

type Shape = readonly ('int' | 'text')[]
type Parts<S extends Shape> = { [K in keyof S]: S[K] extends 'int' ? number : string }

/** Decode a cursor whose parts are safe integers and short strings, in this order. */
export function decodeKey<const S extends Shape>(cursor: string, shape: S): Parts<S> {
  const parts = decodeCursor(cursor)
  if (parts.length !== shape.length) throw cursorError()
  shape.forEach((kind, i) => {
    const p = parts[i]
    const ok =
      kind === 'int'
        ? typeof p === 'number' && Number.isSafeInteger(p)
        : typeof p === 'string' && p.length > 0 && p.length <= 100
    if (!ok) throw cursorError()
  })
  return parts as Parts<S>
}

/** A list query's page size (default 50) and the decoded key to read after (undefined: the first page). */
export function pageRequest<const S extends Shape>(
  q: { limit?: number | undefined; cursor?: string | undefined },
  shape: S,
): { limit: number; after: Parts<S> | undefined } {
  return {
    limit: q.limit ?? 50,
    after: q.cursor === undefined ? undefined : decodeKey(q.cursor, shape),
  }
}

/** Cut a page from `rows` (read with `limit + 1`): the items and the cursor after the last one. */
export function keysetPage<T>(
  rows: readonly T[],
  limit: number,
  keyOf: (last: T) => readonly CursorPart[],
): { items: T[]; next_cursor: string | null } {
  const items = rows.slice(0, limit)
  const last = items[items.length - 1]
  return {
    items,
    next_cursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null,
  }
}
