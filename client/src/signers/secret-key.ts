/**
 * A signer from a secret key held in memory, and the parsing of how people write one (nsec or hex).
 * Browser-safe: no node: imports.
 */
import { finalizeEvent, generateSecretKey, getPublicKey } from 'nostr-tools/pure'
import { nip19 } from 'nostr-tools'
import { bytesToHex, hexToBytes } from 'nostr-tools/utils'
import type { Signer } from './signer.ts'

/** Parse an `nsec1…` or 64-hex secret key; undefined when it is neither. */
export function parseSecretKey(input: string): Uint8Array | undefined {
  const s = input.trim()
  if (/^[0-9a-fA-F]{64}$/.test(s)) return hexToBytes(s.toLowerCase())
  if (s.startsWith('nsec1')) {
    try {
      const d = nip19.decode(s)
      if (d.type === 'nsec') return d.data
    } catch {
      return undefined
    }
  }
  return undefined
}

/** A fresh random secret key. */
export function newSecretKey(): Uint8Array {
  return generateSecretKey()
}

/** Secret key to nsec (for export only; never log it). */
export function toNsec(sk: Uint8Array): string {
  return nip19.nsecEncode(sk)
}

/** Hex pubkey of a secret key. */
export function pubkeyOf(sk: Uint8Array): string {
  return getPublicKey(sk)
}

export { bytesToHex }

/** Sign with a key held in memory. */
export function secretKeySigner(sk: Uint8Array): Signer {
  const pubkey = getPublicKey(sk)
  return {
    getPublicKey: () => Promise.resolve(pubkey),
    signEvent: (t) =>
      Promise.resolve(
        finalizeEvent(
          { kind: t.kind, created_at: t.created_at, tags: t.tags, content: t.content },
          sk,
        ),
      ),
  }
}
