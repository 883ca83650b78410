/**
 * One signer interface for every way a user holds a key: a local secret key (nsec, file, NIP-49
 * ncryptsec), a NIP-46 remote bunker, or a NIP-07 browser extension. The market never sees a key:
 * it only receives signed events and NIP-98 headers.
 */
import type { NostrEvent, UnsignedEvent } from '@zapcade/shared/events/event'

export type { NostrEvent, UnsignedEvent }

export interface Signer {
  /** The hex pubkey events are signed as. */
  getPublicKey(): Promise<string>
  /** Sign an event template; the answer carries id, pubkey and sig. */
  signEvent(t: UnsignedEvent): Promise<NostrEvent>
  /** Release connections (a bunker's relay subscription); optional. */
  close?(): Promise<void>
}
