/**
 * Two fixes to @nostr-relay/common 0.0.40's `EventUtils`, which the library calls through the class
 * (so replacing the static methods changes what every NostrRelay in the process does):
 * - Signatures: the library checks each new event once (`EventUtils.validate`: id, then signature) with
 *   pure-JS noble, ~5x slower than libsecp256k1 in WASM (README "Libraries, and why") and most of the relay's CPU
 *   under NWC traffic. The same single check now runs on shared's event-sig (id on node:crypto, the
 *   signature with tiny-secp256k1); `validate` checks the id before it asks for the signature.
 * - Live subscriptions: `isMatchingFilter` ignores tag filters (`#e`, `#p`, …), so a new event went to
 *   every subscription with matching kinds and authors. NIP-01 requires every tag filter to match; NWC
 *   clients hold one `#e` subscription per request, so each reply went to all of them (and each client
 *   verified every copy before dropping it).
 * Installed once by `startMarketRelay`; both replacements are stateless and correct for any relay.
 */
import {
  EventUtils,
  type Event as RelayEvent,
  type Filter as RelayFilter,
} from '@nostr-relay/common'
import { computeEventId, verifyEventSignature } from '@zapcade/shared/crypto/event-sig'

const HEX64 = /^[0-9a-f]{64}$/

let installed = false
let signatureChecks = 0

/** Signature checks run by the relay so far (tests assert one per new event). */
export function relaySignatureChecks(): number {
  return signatureChecks
}

/** NIP-01: every `#x` filter must name a value of one of the event's `x` tags. */
export function tagFiltersMatch(event: Pick<RelayEvent, 'tags'>, filter: object): boolean {
  for (const [key, values] of Object.entries(filter)) {
    if (key[0] !== '#' || key.length !== 2 || !Array.isArray(values)) continue
    const name = key[1]
    if (
      !event.tags.some(
        (t) => t[0] === name && t[1] !== undefined && (values as unknown[]).includes(t[1]),
      )
    )
      return false
  }
  return true
}

/** Replace the library's id, signature and live-filter checks (idempotent). */
export function installRelayEventChecks(): void {
  if (!installed) {
    installed = true
    const utils = EventUtils as unknown as {
      isIdValid(e: RelayEvent): boolean
      isSigValid(e: RelayEvent): boolean
      isMatchingFilter(e: RelayEvent, f: RelayFilter): boolean
    }
    utils.isIdValid = (e) =>
      typeof e.id === 'string' && HEX64.test(e.id) && computeEventId(e) === e.id
    utils.isSigValid = (e) => {
      signatureChecks += 1
      return verifyEventSignature(e)
    }
    const matches = utils.isMatchingFilter.bind(EventUtils)
    utils.isMatchingFilter = (e, f) => matches(e, f) && tagFiltersMatch(e, f)
  }
}
