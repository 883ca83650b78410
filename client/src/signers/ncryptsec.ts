/**
 * NIP-49 encrypted secret keys (`ncryptsec1…`): scrypt + XChaCha20-Poly1305, through nostr-tools.
 * Browser-safe. A wrong password fails the AEAD check; we answer that as WrongPasswordError.
 */
import * as nip49 from 'nostr-tools/nip49'

/** scrypt cost 2^16 (NIP-49's example, ~64 MiB): slow enough to resist guessing, a second at most here. */
export const DEFAULT_LOGN = 16

export class WrongPasswordError extends Error {
  constructor() {
    super('wrong password for this encrypted key')
    this.name = 'WrongPasswordError'
  }
}

/** True when the string looks like a NIP-49 encrypted key. */
export function isNcryptsec(s: string): boolean {
  return /^ncryptsec1[023456789acdefghjklmnpqrstuvwxyz]+$/.test(s.trim())
}

/**
 * Encrypt a secret key with a password. Key security byte 0x02 = "the client does not track" (NIP-49),
 * the honest answer for a key we generated or imported ourselves.
 */
export function encryptSecretKey(sk: Uint8Array, password: string, logn = DEFAULT_LOGN): string {
  if (password.length === 0) throw new Error('the password must not be empty')
  return nip49.encrypt(sk, password.normalize('NFKC'), logn, 0x02)
}

/** Decrypt an ncryptsec; throws WrongPasswordError when the password does not open it. */
export function decryptSecretKey(ncryptsec: string, password: string): Uint8Array {
  if (!isNcryptsec(ncryptsec)) throw new Error('not an ncryptsec1 string')
  try {
    return nip49.decrypt(ncryptsec.trim(), password.normalize('NFKC'))
  } catch (e) {
    // A malformed string fails in bech32 or the header; anything after that is the AEAD tag, i.e. the password.
    if (
      e instanceof Error &&
      /prefix|version|checksum|bech32|length|letter|character/i.test(e.message)
    ) {
      throw new Error(`malformed ncryptsec: ${e.message}`)
    }
    throw new WrongPasswordError()
  }
}
