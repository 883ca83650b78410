/** The market's key as a MarketSigner (zap receipts, featured list, ban labels, its kind 0). */
import { finalizeEvent, getPublicKey } from 'nostr-tools/pure'
import { hexToBytes } from 'nostr-tools/utils'
import type { NostrEvent, UnsignedEvent } from '@zapcade/shared/events/event'
import type { MarketSigner } from '../../ports/market-signer.ts'

/** A signer over a 64-hex secret key. */
export function keySigner(secretKeyHex: string): MarketSigner {
  const sk = hexToBytes(secretKeyHex)
  const pubkey = getPublicKey(sk)
  return {
    pubkey,
    sign(event: UnsignedEvent): NostrEvent {
      const ev = finalizeEvent({ kind: event.kind, created_at: event.created_at, tags: event.tags, content: event.content }, sk)
      return { id: ev.id, pubkey: ev.pubkey, created_at: ev.created_at, kind: ev.kind, tags: ev.tags, content: ev.content, sig: ev.sig }
    },
  }
}
