/**
 * Cheaper cryptography for @getalby/sdk 8.0.3's NWCClient, same results: the sdk bundles pure-JS noble
 * and, per request, signs the 23194 (a scalar multiplication for the pubkey plus a BIP-340 signature),
 * verifies every event its relay connection receives and derives the NIP-44 key (an ECDH) for each
 * encrypt and decrypt. Under 50 concurrent buyers these were most of the client side's CPU.
 * - NIP-44 conversation keys: derived once per wallet pubkey (the key never changes for a connection).
 * - Signing: nostr-wasm (libsecp256k1, ~5x noble: deps.md Exp 2).
 * - Received events: the relay connection's `verifyEvent` is our nostr-wasm verifier (id recomputed
 *   with node:crypto, then the signature): still one check per received event, as the sdk did.
 */
import { initNostrWasm } from 'nostr-wasm'
import * as nip44 from 'nostr-tools/nip44'
import { hexToBytes } from 'nostr-tools/utils'
import type { NWCClient } from '@getalby/sdk/nwc'
import { wasmEventVerifier, type EventVerifier } from '../nostr/wasm-verify.ts'
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

let wasm: Promise<{ verify: EventVerifier; sign: (t: EventTemplate, sk: Uint8Array) => NostrEvent }> | undefined
function wasmCrypto(): NonNullable<typeof wasm> {
  wasm ??= Promise.all([wasmEventVerifier(), initNostrWasm()]).then(([verify, nw]) => ({
    verify,
    sign(t, sk) {
      const ev = { kind: t.kind, created_at: t.created_at, tags: t.tags, content: t.content, pubkey: '', id: '', sig: '' }
      nw.finalizeEvent(ev, sk)
      return ev
    },
  }))
  return wasm
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
  const signEvent = c.signEvent.bind(client)
  c.signEvent = async (t) => secretKey ? (await wasmCrypto()).sign(t, secretKey) : signEvent(t)

  // The sdk subscribes only after ensureRelay resolves, so no event reaches a relay before this is set.
  const ensureRelay = c.pool.ensureRelay.bind(c.pool)
  c.pool.ensureRelay = async (url, params) => {
    const [relay, { verify }] = await Promise.all([ensureRelay(url, params), wasmCrypto()])
    relay.verifyEvent = verify
    return relay
  }
}
