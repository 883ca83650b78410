/**
 * The NWC client's cryptography in a browser: nostr-tools (noble) for signing, the signature check,
 * NIP-44 v2 and NIP-04. The WebSocket is the browser's own.
 */
import { finalizeEvent, getPublicKey, verifyEvent } from 'nostr-tools/pure'
import * as nip44 from 'nostr-tools/nip44'
import * as nip04 from 'nostr-tools/nip04'
import type { NostrEvent } from '../events/event.ts'
import type { NwcCrypto } from './client.ts'

export const browserNwcCrypto: NwcCrypto = {
  publicKey: getPublicKey,
  sign: (t, secret) => finalizeEvent(t, secret) as NostrEvent,
  verify: (ev) => verifyEvent(ev),
  nip44: {
    conversationKey: nip44.getConversationKey,
    encrypt: (t, k) => nip44.encrypt(t, k),
    decrypt: nip44.decrypt,
  },
  nip04: { encrypt: nip04.encrypt, decrypt: nip04.decrypt },
}
