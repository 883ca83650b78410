/** Market identity port: the market's key signs zap receipts, the featured list, ban labels, its kind 0. */
import type { NostrEvent, UnsignedEvent } from '@zapcade/shared/events/event'

export interface MarketSigner {
  /** Hex x-only pubkey of the market key. */
  readonly pubkey: string
  /** Sign an unsigned event with the market key (sets pubkey, id, sig). */
  sign(event: UnsignedEvent): NostrEvent
  /**
   * A NIP-17 direct message from the market key: a kind-14 rumor sealed (kind 13, NIP-44) and
   * gift-wrapped (kind 1059, a one-time key) to `recipientPubkey`. Absent on signers that cannot encrypt.
   */
  giftWrapDm?(recipientPubkey: string, message: string): NostrEvent
}
