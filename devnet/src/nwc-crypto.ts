/**
 * NIP-47 payload encryption: NIP-44 v2 when the request says `["encryption","nip44_v2"]`, NIP-04 when it
 * says `nip04` or carries no encryption tag at all (NIP-47 "Encryption"). Both run on node:crypto; NIP-44
 * through @zapcade/shared/crypto/nip44, byte-for-byte nostr-tools/nip44 without its pure-JS cost.
 */
import { createCipheriv, createDecipheriv, createECDH, randomBytes } from 'node:crypto'
import * as nip44 from '@zapcade/shared/crypto/nip44'

export type NwcEncryption = 'nip44_v2' | 'nip04'
export const SUPPORTED_ENCRYPTIONS: readonly NwcEncryption[] = ['nip44_v2', 'nip04']

/** The scheme a request asks for: absent tag = nip04; an unsupported one = undefined. */
export function requestEncryption(tags: string[][]): NwcEncryption | undefined {
  const tag = tags.find((t) => t[0] === 'encryption')
  if (!tag) return 'nip04'
  // A client names one scheme; be lenient with a space-separated list and take the first we speak.
  const asked = (tag[1] ?? '').split(/\s+/).filter(Boolean)
  return asked.find((a): a is NwcEncryption =>
    (SUPPORTED_ENCRYPTIONS as readonly string[]).includes(a),
  )
}

// An ECDH per message is most of the cost of a request; a connection's conversation key never changes.
const conversationKeys = new WeakMap<Uint8Array, Map<string, Uint8Array>>()
const sharedXs = new WeakMap<Uint8Array, Map<string, Buffer>>()

function cached<T>(
  store: WeakMap<Uint8Array, Map<string, T>>,
  secretKey: Uint8Array,
  peerPubkey: string,
  derive: () => T,
): T {
  let byPeer = store.get(secretKey)
  if (!byPeer) store.set(secretKey, (byPeer = new Map()))
  let key = byPeer.get(peerPubkey)
  if (key === undefined) {
    key = derive()
    if (byPeer.size >= 10_000) byPeer.clear()
    byPeer.set(peerPubkey, key)
  }
  return key
}

function conversationKey(secretKey: Uint8Array, peerPubkey: string): Uint8Array {
  return cached(conversationKeys, secretKey, peerPubkey, () =>
    nip44.getConversationKey(secretKey, peerPubkey),
  )
}

/** NIP-04's key: the x coordinate of the ECDH point with the peer's even-y key (node's ECDH answers exactly x). */
function sharedX(secretKey: Uint8Array, peerPubkey: string): Buffer {
  return cached(sharedXs, secretKey, peerPubkey, () => {
    const ecdh = createECDH('secp256k1')
    ecdh.setPrivateKey(secretKey)
    return ecdh.computeSecret(Buffer.from(`02${peerPubkey}`, 'hex'))
  })
}

/** NIP-04: AES-256-CBC (PKCS#7) under the shared x, `base64(ciphertext)?iv=base64(iv)`. */
function nip04Encrypt(secretKey: Uint8Array, peerPubkey: string, text: string): string {
  const iv = randomBytes(16)
  const c = createCipheriv('aes-256-cbc', sharedX(secretKey, peerPubkey), iv)
  const ct = Buffer.concat([c.update(text, 'utf8'), c.final()])
  return `${ct.toString('base64')}?iv=${iv.toString('base64')}`
}

function nip04Decrypt(secretKey: Uint8Array, peerPubkey: string, payload: string): string {
  const [ct, iv] = payload.split('?iv=')
  if (!ct || !iv) throw new Error('not a NIP-04 payload')
  const d = createDecipheriv(
    'aes-256-cbc',
    sharedX(secretKey, peerPubkey),
    Buffer.from(iv, 'base64'),
  )
  return Buffer.concat([d.update(Buffer.from(ct, 'base64')), d.final()]).toString('utf8')
}

export function encryptFor(
  scheme: NwcEncryption,
  secretKey: Uint8Array,
  peerPubkey: string,
  text: string,
): string {
  return scheme === 'nip44_v2'
    ? nip44.encrypt(text, conversationKey(secretKey, peerPubkey))
    : nip04Encrypt(secretKey, peerPubkey, text)
}

export function decryptFrom(
  scheme: NwcEncryption,
  secretKey: Uint8Array,
  peerPubkey: string,
  payload: string,
): string {
  return scheme === 'nip44_v2'
    ? nip44.decrypt(payload, conversationKey(secretKey, peerPubkey))
    : nip04Decrypt(secretKey, peerPubkey, payload)
}
