/**
 * The NWC client's cryptography on a server: shared's event-sig (libsecp256k1: sign, and the full check
 * of every received event) and node:crypto NIP-44 v2 (2.5-6x nostr-tools' pure JS, bench/README.md
 * "Payments"); NIP-04 (the fallback for wallets without nip44_v2) from nostr-tools. Node only.
 * The WebSocket class is still the caller's to pass (`ws` on Node 20).
 */
import * as nip04 from 'nostr-tools/nip04'
import { publicKeyOf, signEvent, verifyEvent } from './event-sig.ts'
import * as nip44 from './nip44.ts'
import { NwcClient, type NwcClientOptions, type NwcCrypto } from '../nwc/client.ts'
import type { SocketClass } from '../nwc/relay-link.ts'

export const nodeNwcCrypto: NwcCrypto = {
  publicKey: publicKeyOf,
  sign: signEvent,
  verify: verifyEvent,
  nip44: {
    conversationKey: nip44.getConversationKey,
    encrypt: (t, k) => nip44.encrypt(t, k),
    decrypt: nip44.decrypt,
  },
  nip04: { encrypt: nip04.encrypt, decrypt: nip04.decrypt },
}

/** A NIP-47 client with the server's cryptography; `WebSocket` is `ws` on Node 20 (no global one). */
export function nodeNwcClient(
  uri: string,
  WebSocket: unknown,
  o: Omit<NwcClientOptions, 'crypto' | 'WebSocket'> = {},
): NwcClient {
  return new NwcClient(uri, { ...o, crypto: nodeNwcCrypto, WebSocket: WebSocket as SocketClass })
}
