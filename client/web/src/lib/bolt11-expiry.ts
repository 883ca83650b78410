/**
 * When a Lightning invoice expires, read from the invoice itself (BOLT 11): the timestamp is the first
 * 35 bits of the data part, the `x` tagged field (type 6) the expiry in seconds, 3600 when absent. Used
 * for invoices the market did not give an `expires_at` with (a zap's invoice comes from the LNURL
 * callback). No checksum or signature check: this only drives a countdown, never a decision.
 */

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'
/** The signature (520 bits) and the recovery id: 104 five-bit words at the end of the data part. */
const SIG_WORDS = 104
const DEFAULT_EXPIRY_SEC = 3600

const toInt = (words: number[]): number => words.reduce((n, w) => n * 32 + w, 0)

/** Unix seconds at which `bolt11` expires, or undefined when it cannot be read. */
export function bolt11ExpiresAt(bolt11: string): number | undefined {
  const s = bolt11
    .trim()
    .toLowerCase()
    .replace(/^lightning:/, '')
  const sep = s.lastIndexOf('1')
  if (!s.startsWith('ln') || sep < 3) return undefined
  const words: number[] = []
  for (const c of s.slice(sep + 1, -6)) {
    const w = CHARSET.indexOf(c)
    if (w < 0) return undefined
    words.push(w)
  }
  if (words.length < 7 + SIG_WORDS) return undefined
  const timestamp = toInt(words.slice(0, 7))
  let expiry = DEFAULT_EXPIRY_SEC
  const end = words.length - SIG_WORDS
  for (let i = 7; i + 3 <= end; ) {
    const type = words[i]!
    const len = words[i + 1]! * 32 + words[i + 2]!
    if (i + 3 + len > end) return undefined
    if (type === 6) expiry = toInt(words.slice(i + 3, i + 3 + len))
    i += 3 + len
  }
  return timestamp + expiry
}
