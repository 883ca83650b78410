/**
 * The three ways to sign in from the browser, over the client SDK's signers (client/src/signers):
 * - NIP-07: a browser extension holds the key;
 * - NIP-46: a remote bunker holds the key (bunker:// URI); our local client key is only a session key;
 * - embedded: a key made here, stored only NIP-49 encrypted (ncryptsec) in localStorage, opened with a
 *   password for this tab, exportable as ncryptsec or nsec.
 * Loaded on demand (nostr-tools' crypto is not in the catalog's first bundle).
 */
import { nip07Signer, findNip07 } from '@zapcade/client/signers/nip07'
import { bunkerSigner } from '@zapcade/client/signers/nip46'
import { decryptSecretKey, encryptSecretKey, isNcryptsec } from '@zapcade/client/signers/ncryptsec'
import {
  newSecretKey,
  parseSecretKey,
  secretKeySigner,
  toNsec,
} from '@zapcade/client/signers/secret-key'
import { bytesToHex, hexToBytes } from 'nostr-tools/utils'
import { setSession } from './session.ts'

const NCRYPTSEC_KEY = 'zapcade.ncryptsec'
const BUNKER_KEY = 'zapcade.bunker'

/** The stored encrypted key, when this browser has one. */
export function storedNcryptsec(): string | undefined {
  return localStorage.getItem(NCRYPTSEC_KEY) ?? undefined
}

/** True when an extension exposes window.nostr. */
export function hasNip07(): boolean {
  return findNip07() !== undefined
}

async function useKey(sk: Uint8Array): Promise<string> {
  const signer = secretKeySigner(sk)
  const pubkey = await signer.getPublicKey()
  setSession({ kind: 'embedded', pubkey, signer })
  return pubkey
}

/** Make a new key, keep it encrypted under `password`, and sign in with it. */
export async function createEmbedded(password: string): Promise<string> {
  const sk = newSecretKey()
  localStorage.setItem(NCRYPTSEC_KEY, encryptSecretKey(sk, password))
  return useKey(sk)
}

/** Import an nsec/hex key (encrypted under `password`) or an ncryptsec (opened with `password`). */
export async function importEmbedded(input: string, password: string): Promise<string> {
  const s = input.trim()
  if (isNcryptsec(s)) {
    const sk = decryptSecretKey(s, password)
    localStorage.setItem(NCRYPTSEC_KEY, s)
    return useKey(sk)
  }
  const sk = parseSecretKey(s)
  if (!sk) throw new Error('That is neither an nsec1…, a 64-hex key nor an ncryptsec1… string.')
  localStorage.setItem(NCRYPTSEC_KEY, encryptSecretKey(sk, password))
  return useKey(sk)
}

/** Open the stored encrypted key with its password (throws WrongPasswordError). */
export async function unlockEmbedded(password: string): Promise<string> {
  const enc = storedNcryptsec()
  if (!enc) throw new Error('No key is stored in this browser.')
  return useKey(decryptSecretKey(enc, password))
}

/** The stored key as nsec, after checking the password (for export; shown, never sent). */
export function exportNsec(password: string): string {
  const enc = storedNcryptsec()
  if (!enc) throw new Error('No key is stored in this browser.')
  return toNsec(decryptSecretKey(enc, password))
}

/** Forget the stored key (the user should have exported it first). */
export function forgetEmbedded(): void {
  localStorage.removeItem(NCRYPTSEC_KEY)
}

/** Sign in through the NIP-07 extension. */
export async function connectNip07(): Promise<string> {
  const signer = nip07Signer()
  const pubkey = await signer.getPublicKey()
  setSession({ kind: 'nip07', pubkey, signer })
  return pubkey
}

/** Sign in through a NIP-46 bunker; `onAuthUrl` shows the bunker's approval link when it sends one. */
export async function connectBunker(
  uri: string,
  onAuthUrl?: (url: string) => void,
): Promise<string> {
  const clientSecretKey = newSecretKey()
  const signer = await bunkerSigner(
    uri,
    onAuthUrl ? { clientSecretKey, onAuthUrl } : { clientSecretKey },
  )
  const pubkey = await signer.getPublicKey()
  // The session key is not the user's key; keeping it lets a reload reconnect without a new approval.
  localStorage.setItem(BUNKER_KEY, JSON.stringify({ uri, client: bytesToHex(clientSecretKey) }))
  setSession({ kind: 'nip46', pubkey, signer })
  return pubkey
}

/** Restore a NIP-07 or NIP-46 session after a reload; forgets it silently when that fails. */
export async function restoreSession(): Promise<void> {
  const kind = localStorage.getItem('zapcade.signer')
  try {
    if (kind === 'nip07' && hasNip07()) await connectNip07()
    if (kind === 'nip46') {
      const saved = JSON.parse(localStorage.getItem(BUNKER_KEY) ?? 'null') as {
        uri: string
        client: string
      } | null
      if (!saved) return
      const signer = await bunkerSigner(saved.uri, {
        clientSecretKey: hexToBytes(saved.client),
        timeoutMs: 10_000,
      })
      setSession({ kind: 'nip46', pubkey: await signer.getPublicKey(), signer })
    }
  } catch {
    localStorage.removeItem('zapcade.signer')
  }
}
