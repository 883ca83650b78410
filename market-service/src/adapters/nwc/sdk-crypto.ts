/**
 * Cheaper cryptography for @getalby/sdk 8.0.3's NWCClient, same results: the sdk bundles pure-JS noble
 * and, per request, signs the 23194 (a scalar multiplication for the pubkey plus a BIP-340 signature),
 * verifies every event its relay connection receives and derives the NIP-44 key (an ECDH) for each
 * encrypt and decrypt. Under 50 concurrent buyers these were most of the client side's CPU.
 * - NIP-44: shared/src/crypto/nip44 (node:crypto, 2.5-6x the pure-JS code), the conversation key
 *   derived once per wallet pubkey (the key never changes for a connection).
 * - Signing and received events: shared's event-sig (libsecp256k1 in WASM, the pubkey derived once);
 *   still one full check (id recomputed, then the signature) per received event, as the sdk did.
 */
import * as nip44 from '@zapcade/shared/crypto/nip44'
import { hexToBytes } from 'nostr-tools/utils'
import type { NWCClient } from '@getalby/sdk/nwc'
import { signEvent, verifyEvent } from '@zapcade/shared/crypto/event-sig'
import type { NostrEvent } from '@zapcade/shared/events/event'

interface EventTemplate { kind: number; created_at: number; tags: string[][]; content: string }
interface SdkRelay { verifyEvent: (ev: NostrEvent) => boolean }
interface SdkClient {
  secret?: string
  encryptionType: string
  encrypt(pubkey: string, content: string): Promise<string>
  decrypt(pubkey: string, content: string): Promise<string>
  signEvent(t: EventTemplate): Promise<NostrEvent>
  pool: { ensureRelay(url: string, params?: unknown): Promise<SdkRelay> }
}

/** Install the cheaper paths on one client (its methods and its pool's relays). */
export function useFastCrypto(client: NWCClient): void {
  const c = client as unknown as SdkClient
  if (typeof c.pool?.ensureRelay !== 'function' || typeof c.signEvent !== 'function') {
    throw new Error('@getalby/sdk NWCClient internals changed: pin 8.0.3')
  }
  const keys = new Map<string, Uint8Array>()
  const keyFor = (pubkey: string): Uint8Array => {
    let k = keys.get(pubkey)
    if (!k) { k = nip44.getConversationKey(hexToBytes(c.secret!), pubkey); keys.set(pubkey, k) }
    return k
  }
  const { encrypt, decrypt } = { encrypt: c.encrypt.bind(client), decrypt: c.decrypt.bind(client) }
  // NIP-04 keeps the sdk's own path.
  c.encrypt = async (pubkey, content) => c.encryptionType === 'nip44_v2' && c.secret ? nip44.encrypt(content, keyFor(pubkey)) : encrypt(pubkey, content)
  c.decrypt = async (pubkey, content) => c.encryptionType === 'nip44_v2' && c.secret ? nip44.decrypt(content, keyFor(pubkey)) : decrypt(pubkey, content)

  const secretKey = c.secret ? hexToBytes(c.secret) : undefined
  const sdkSign = c.signEvent.bind(client)
  c.signEvent = async (t) => secretKey ? signEvent(t, secretKey) : sdkSign(t)

  // The sdk subscribes only after ensureRelay resolves, so no event reaches a relay before this is set.
  const ensureRelay = c.pool.ensureRelay.bind(c.pool)
  c.pool.ensureRelay = async (url, params) => {
    const relay = await ensureRelay(url, params)
    relay.verifyEvent = verifyEvent
    return relay
  }
}
