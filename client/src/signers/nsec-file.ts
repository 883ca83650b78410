/**
 * Node-only: a signer from the environment or a key file. `ZAPCADE_NSEC` holds an nsec or hex key
 * (for scripts and CI; prefer an encrypted file for people). A file may hold an nsec, hex, or a NIP-49
 * ncryptsec, which needs a password.
 */
import { readFile } from 'node:fs/promises'
import { decryptSecretKey, isNcryptsec } from './ncryptsec.ts'
import { parseSecretKey, secretKeySigner } from './secret-key.ts'
import type { Signer } from './signer.ts'

/** The signer named by ZAPCADE_NSEC, or undefined when it is unset; throws when it is set but malformed. */
export function signerFromEnv(env: NodeJS.ProcessEnv = process.env): Signer | undefined {
  const v = env.ZAPCADE_NSEC
  if (v === undefined || v.trim() === '') return undefined
  const sk = parseSecretKey(v)
  if (!sk) throw new Error('ZAPCADE_NSEC is not an nsec1… or 64-hex secret key')
  return secretKeySigner(sk)
}

/** Read the secret key in a file (nsec, hex, or ncryptsec opened with `password()`). */
export async function secretKeyFromFile(
  path: string,
  password: () => Promise<string>,
): Promise<Uint8Array> {
  const text = (await readFile(path, 'utf8')).trim()
  if (isNcryptsec(text)) return decryptSecretKey(text, await password())
  const sk = parseSecretKey(text)
  if (!sk) throw new Error(`${path} holds no nsec, hex or ncryptsec key`)
  return sk
}

/** A signer from a key file. */
export async function signerFromFile(
  path: string,
  password: () => Promise<string>,
): Promise<Signer> {
  return secretKeySigner(await secretKeyFromFile(path, password))
}
