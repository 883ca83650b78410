/**
 * NIP-44 v2 encrypted payloads on node:crypto (OpenSSL ChaCha20, HMAC-SHA256, ECDH, base64).
 *
 * Why: nostr-tools/nip44 does the same work in pure JS (@noble ChaCha20/HMAC/HKDF, @scure base64), and
 * NIP-47 traffic made that ~7% of all CPU in the payments benchmark. This module is a drop-in for
 * `nostr-tools/nip44` (same names, same arguments) and gives byte-for-byte the same payloads, the same
 * plaintexts and throws on the same inputs as nostr-tools 2.25.x. That includes the current spec's
 * extended length prefix (plaintexts of 65,536 bytes or more carry `00 00` + a u32 length), which
 * nostr-tools has implemented since 2.23.4; payloads have no upper length bound, as in nostr-tools.
 */
import { createCipheriv, createECDH, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

const VERSION = 2
const SALT = Buffer.from('nip44-v2', 'utf8')
const MIN_PLAINTEXT_SIZE = 1
const MAX_PLAINTEXT_SIZE = 0xffffffff
const EXTENDED_PREFIX_THRESHOLD = 0x10000
const MIN_PAYLOAD_CHARS = 132
const MIN_DATA_BYTES = 99
const NONCE_BYTES = 32
const MAC_BYTES = 32
const HEX_PUBKEY = /^[0-9a-fA-F]{64}$/
// OpenSSL's chacha20 IV is a 4-byte little-endian block counter followed by the 12-byte IETF nonce.
const COUNTER_ZERO = Buffer.alloc(4)
// nostr-tools decodes with TextDecoder (replacement characters, a leading BOM dropped); so do we.
const utf8Decoder = new TextDecoder('utf-8')

export interface MessageKeys {
  chachaKey: Buffer
  /** The 12-byte IETF nonce (not OpenSSL's 16-byte counter || nonce IV). */
  chachaNonce: Buffer
  hmacKey: Buffer
}

function hmacSha256(key: Uint8Array, ...parts: Uint8Array[]): Buffer {
  const h = createHmac('sha256', key)
  for (const part of parts) h.update(part)
  return h.digest()
}

/** ECDH x coordinate with the peer's even-y point, then HKDF-extract(salt = "nip44-v2"). */
export function getConversationKey(secretKey: Uint8Array, peerPubkeyHex: string): Uint8Array {
  if (!(secretKey instanceof Uint8Array) || secretKey.length !== 32)
    throw new Error('invalid secret key: expected 32 bytes')
  if (typeof peerPubkeyHex !== 'string' || !HEX_PUBKEY.test(peerPubkeyHex))
    throw new Error('invalid public key: expected 64 hex characters')
  const ecdh = createECDH('secp256k1')
  try {
    ecdh.setPrivateKey(secretKey)
  } catch {
    throw new Error('invalid secret key: not in [1, n)')
  }
  let sharedX: Buffer
  try {
    sharedX = ecdh.computeSecret(Buffer.from(`02${peerPubkeyHex}`, 'hex'))
  } catch {
    throw new Error('invalid public key: not a point on secp256k1')
  }
  return new Uint8Array(hmacSha256(SALT, sharedX))
}

/** HKDF-expand(PRK = conversation key, info = nonce, L = 76): T(1) || T(2) || T(3), cut 32 / 12 / 32. */
export function getMessageKeys(conversationKey: Uint8Array, nonce: Uint8Array): MessageKeys {
  const t1 = hmacSha256(conversationKey, nonce, Uint8Array.of(1))
  const t2 = hmacSha256(conversationKey, t1, nonce, Uint8Array.of(2))
  const t3 = hmacSha256(conversationKey, t2, nonce, Uint8Array.of(3))
  return {
    chachaKey: t1,
    chachaNonce: t2.subarray(0, 12),
    hmacKey: Buffer.concat([t2.subarray(12, 32), t3.subarray(0, 12)]),
  }
}

/** The spec's calc_padded_len: 32 bytes minimum, then chunks of max(32, next power of two / 8). */
export function calcPaddedLen(len: number): number {
  if (!Number.isSafeInteger(len) || len < 1) throw new Error('expected positive integer')
  if (len <= 32) return 32
  const nextPower = 2 ** (Math.floor(Math.log2(len - 1)) + 1)
  const chunk = nextPower <= 256 ? 32 : nextPower / 8
  return chunk * (Math.floor((len - 1) / chunk) + 1)
}

/** [u16 length | 00 00 u32 length][plaintext][zeros] */
function pad(plaintext: string): Buffer {
  const unpadded = Buffer.from(plaintext, 'utf8')
  const len = unpadded.length
  if (len < MIN_PLAINTEXT_SIZE || len > MAX_PLAINTEXT_SIZE) {
    throw new Error(
      `invalid plaintext size: must be between ${MIN_PLAINTEXT_SIZE} and ${MAX_PLAINTEXT_SIZE} bytes`,
    )
  }
  const extended = len >= EXTENDED_PREFIX_THRESHOLD
  const prefixLen = extended ? 6 : 2
  const padded = Buffer.alloc(prefixLen + calcPaddedLen(len))
  if (extended) padded.writeUInt32BE(len, 2)
  else padded.writeUInt16BE(len, 0)
  unpadded.copy(padded, prefixLen)
  return padded
}

function unpad(padded: Buffer): string {
  const firstTwo = padded.readUInt16BE(0)
  const extended = firstTwo === 0
  const len = extended ? padded.readUInt32BE(2) : firstTwo
  if (extended && len < EXTENDED_PREFIX_THRESHOLD) throw new Error('invalid padding')
  const prefixLen = extended ? 6 : 2
  if (
    len < MIN_PLAINTEXT_SIZE ||
    prefixLen + len > padded.length ||
    padded.length !== prefixLen + calcPaddedLen(len)
  ) {
    throw new Error('invalid padding')
  }
  return utf8Decoder.decode(padded.subarray(prefixLen, prefixLen + len))
}

function chacha20(keys: MessageKeys, data: Uint8Array): Buffer {
  const cipher = createCipheriv(
    'chacha20',
    keys.chachaKey,
    Buffer.concat([COUNTER_ZERO, keys.chachaNonce]),
  )
  return Buffer.concat([cipher.update(data), cipher.final()])
}

/** Strict RFC 4648 base64 as @scure/base decodes it: padded, standard alphabet, zero trailing bits. */
function decodeBase64Strict(payload: string): Buffer {
  const data = Buffer.from(payload, 'base64')
  // Node's decoder skips junk and accepts missing padding or base64url; only canonical input re-encodes to itself.
  if (data.toString('base64') !== payload) throw new Error('invalid base64')
  return data
}

/** version 0x02 || nonce (32) || ciphertext || mac (32), all checked before any decryption. */
function decodePayload(payload: string): {
  data: Buffer
  nonce: Buffer
  ciphertext: Buffer
  mac: Buffer
} {
  if (typeof payload !== 'string') throw new Error('payload must be a valid string')
  if (payload.length > 0 && payload[0] === '#') throw new Error('unknown encryption version')
  if (payload.length < MIN_PAYLOAD_CHARS)
    throw new Error(`invalid payload length: ${payload.length}`)
  const data = decodeBase64Strict(payload)
  if (data.length < MIN_DATA_BYTES) throw new Error(`invalid data length: ${data.length}`)
  if (data[0] !== VERSION) throw new Error(`unknown encryption version ${data[0]}`)
  return {
    data,
    nonce: data.subarray(1, 1 + NONCE_BYTES),
    ciphertext: data.subarray(1 + NONCE_BYTES, data.length - MAC_BYTES),
    mac: data.subarray(data.length - MAC_BYTES),
  }
}

export function encrypt(
  plaintext: string,
  conversationKey: Uint8Array,
  nonce: Uint8Array = randomBytes(NONCE_BYTES),
): string {
  if (!(nonce instanceof Uint8Array) || nonce.length !== NONCE_BYTES)
    throw new Error('nonce must be 32 bytes')
  const keys = getMessageKeys(conversationKey, nonce)
  const ciphertext = chacha20(keys, pad(plaintext))
  const out = Buffer.allocUnsafe(1 + NONCE_BYTES + ciphertext.length + MAC_BYTES)
  out[0] = VERSION
  out.set(nonce, 1)
  ciphertext.copy(out, 1 + NONCE_BYTES)
  // The MAC covers nonce || ciphertext, which already sit side by side in `out`.
  const macStart = 1 + NONCE_BYTES + ciphertext.length
  hmacSha256(keys.hmacKey, out.subarray(1, macStart)).copy(out, macStart)
  return out.toString('base64')
}

export function decrypt(payload: string, conversationKey: Uint8Array): string {
  const { data, nonce, ciphertext, mac } = decodePayload(payload)
  const keys = getMessageKeys(conversationKey, nonce)
  const expected = hmacSha256(keys.hmacKey, data.subarray(1, data.length - MAC_BYTES))
  if (!timingSafeEqual(expected, mac)) throw new Error('invalid MAC')
  return unpad(chacha20(keys, ciphertext))
}

/** Same shape as nostr-tools' `v2` export, for callers that use it. */
export const v2 = { utils: { getConversationKey, getMessageKeys, calcPaddedLen }, encrypt, decrypt }
