/**
 * User text → a safe FTS5 MATCH expression. Every word becomes a quoted string, so FTS5 syntax in
 * the input (quotes, AND/OR/NOT/NEAR, column filters, `*`, `^`, parentheses) is only ever literal
 * text; the words are ANDed (FTS5's implicit operator) and the last one matches as a prefix, so a
 * search box finds "lantern" while the user is still typing "lant".
 */

/** Words are what the unicode61 tokenizer keeps: letters, digits and marks (other characters separate). */
const WORD = /[\p{L}\p{N}\p{M}]+/gu
const MAX_WORDS = 8
/** A one- or two-letter prefix expands to a large share of the vocabulary; it is searched as a whole word. */
const MIN_PREFIX_LENGTH = 3

/**
 * Prefix lengths FTS5 keeps a prefix index for (migration 010): such a prefix is one doclist, read
 * lazily; a longer one is answered by merging the doclists of every term it starts, up front.
 */
export const INDEXED_PREFIX_MAX = 4

/**
 * Whether FTS5 can test one row against `match` (an ftsQuery answer) with a seek per word, rather
 * than building the whole match set first: true unless its prefix word is longer than the prefix
 * index covers.
 */
export function probeable(match: string): boolean {
  const prefix = /"((?:[^"]|"")*)"\*$/u.exec(match)
  return prefix === null || [...prefix[1]!.replaceAll('""', '"')].length <= INDEXED_PREFIX_MAX
}

/** The MATCH expression for `q`, or undefined when it holds no searchable word. */
export function ftsQuery(q: string): string | undefined {
  const words = (q.normalize('NFKC').match(WORD) ?? []).slice(0, MAX_WORDS)
  if (words.length === 0) return undefined
  return words
    .map((w, i) => {
      const quoted = `"${w.replaceAll('"', '""')}"`
      return i === words.length - 1 && [...w].length >= MIN_PREFIX_LENGTH ? `${quoted}*` : quoted
    })
    .join(' ')
}
