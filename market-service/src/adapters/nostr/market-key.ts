/** The market's key as a MarketSigner (zap receipts, featured list, ban labels, its kind 0). */
import { wrapEvent } from 'nostr-tools/nip17'
import { hexToBytes } from 'nostr-tools/utils'
import { publicKeyOf, signEvent } from '@zapcade/shared/crypto/event-sig'
import type { NostrEvent, UnsignedEvent } from '@zapcade/shared/events/event'
import type { MarketSigner } from '../../ports/market-signer.ts'

/** A signer over a 64-hex secret key. */
export function keySigner(secretKeyHex: string): MarketSigner {
  const sk = hexToBytes(secretKeyHex)
  return {
    pubkey: publicKeyOf(sk),
    sign: (event: UnsignedEvent): NostrEvent => signEvent(event, sk),
    // nostr-tools' NIP-17: rumor kind 14 with a p tag, seal kind 13 signed by this key, wrap kind 1059.
    giftWrapDm: (recipientPubkey: string, message: string): NostrEvent =>
      wrapEvent(sk, { publicKey: recipientPubkey }, message) as NostrEvent,
  }
}
