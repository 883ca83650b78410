/**
 * Guest receipt codes: 160 random bits shown as Crockford base32 in groups (`ZC-XXXX-XXXX-…`), easy to
 * read aloud and copy. Only sha256 hex of the exact code is stored (purchases.guest_receipt_code_hash),
 * which is also what the download route compares.
 */
import { createHash } from 'node:crypto'

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/** Format ≥ 16 bytes of randomness as a receipt code (the first 20 bytes are used). */
export function formatReceiptCode(bytes: Uint8Array): string {
  if (bytes.length < 16) throw new RangeError('a receipt code needs at least 128 bits')
  const use = bytes.subarray(0, 20)
  let bits = 0,
    value = 0,
    out = ''
  for (const b of use) {
    value = (value << 8) | b
    bits += 8
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
    value &= (1 << bits) - 1
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31]
  return `ZC-${out.match(/.{1,4}/g)!.join('-')}`
}

/** sha256 hex of the code exactly as given (surrounding whitespace ignored). */
export function hashReceiptCode(code: string): string {
  return createHash('sha256').update(code.trim()).digest('hex')
}
