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
