/**
 * NIP-47 payload encryption: NIP-44 v2 when the request says `["encryption","nip44_v2"]`, NIP-04 when it
 * says `nip04` or carries no encryption tag at all (NIP-47 "Encryption").
 */
import * as nip04 from 'nostr-tools/nip04'
import * as nip44 from 'nostr-tools/nip44'

export type NwcEncryption = 'nip44_v2' | 'nip04'
export const SUPPORTED_ENCRYPTIONS: readonly NwcEncryption[] = ['nip44_v2', 'nip04']

/** The scheme a request asks for: absent tag = nip04; an unsupported one = undefined. */
export function requestEncryption(tags: string[][]): NwcEncryption | undefined {
  const tag = tags.find((t) => t[0] === 'encryption')
  if (!tag) return 'nip04'
  // A client names one scheme; be lenient with a space-separated list and take the first we speak.
  const asked = (tag[1] ?? '').split(/\s+/).filter(Boolean)
  return asked.find((a): a is NwcEncryption => (SUPPORTED_ENCRYPTIONS as readonly string[]).includes(a))
}

// An ECDH per message is most of the cost of a request; a connection's conversation key never changes.
const conversationKeys = new WeakMap<Uint8Array, Map<string, Uint8Array>>()
function conversationKey(secretKey: Uint8Array, peerPubkey: string): Uint8Array {
  let byPeer = conversationKeys.get(secretKey)
  if (!byPeer) conversationKeys.set(secretKey, (byPeer = new Map()))
  let key = byPeer.get(peerPubkey)
  if (!key) {
    key = nip44.getConversationKey(secretKey, peerPubkey)
    if (byPeer.size >= 10_000) byPeer.clear()
    byPeer.set(peerPubkey, key)
  }
  return key
}

export function encryptFor(scheme: NwcEncryption, secretKey: Uint8Array, peerPubkey: string, text: string): string {
  return scheme === 'nip44_v2' ? nip44.encrypt(text, conversationKey(secretKey, peerPubkey)) : nip04.encrypt(secretKey, peerPubkey, text)
}

export function decryptFrom(scheme: NwcEncryption, secretKey: Uint8Array, peerPubkey: string, payload: string): string {
  return scheme === 'nip44_v2' ? nip44.decrypt(payload, conversationKey(secretKey, peerPubkey)) : nip04.decrypt(secretKey, peerPubkey, payload)
}
