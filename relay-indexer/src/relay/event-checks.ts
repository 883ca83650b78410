/**
 * Two fixes to @nostr-relay/common 0.0.40's `EventUtils`, which the library calls through the class
 * (so replacing the static methods changes what every NostrRelay in the process does):
 * - Signatures: the library checks each new event once (`EventUtils.validate`: id, then signature) with
 *   pure-JS noble, ~5x slower than nostr-wasm (deps.md Exp 2) and most of the relay's CPU under NWC
 *   traffic. The same single check now runs on node:crypto (id) and nostr-wasm (signature).
 * - Live subscriptions: `isMatchingFilter` ignores tag filters (`#e`, `#p`, …), so a new event went to
 *   every subscription with matching kinds and authors. NIP-01 requires every tag filter to match; NWC
 *   clients hold one `#e` subscription per request, so each reply went to all of them (and each client
 *   verified every copy before dropping it).
 * Installed once by `startMarketRelay`; both replacements are stateless and correct for any relay.
 */
import { initNostrWasm } from 'nostr-wasm'
import { EventUtils, type Event as RelayEvent, type Filter as RelayFilter } from '@nostr-relay/common'
import { computeEventId } from '../pipeline/verify.ts'

const HEX64 = /^[0-9a-f]{64}$/
const HEX128 = /^[0-9a-f]{128}$/

let installed: Promise<void> | undefined
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
    if (!event.tags.some((t) => t[0] === name && t[1] !== undefined && (values as unknown[]).includes(t[1]))) return false
  }
  return true
}

/** Replace the library's id, signature and live-filter checks (idempotent). */
export function installRelayEventChecks(): Promise<void> {
  installed ??= (async () => {
    const nw = await initNostrWasm()
    const utils = EventUtils as unknown as {
      isIdValid(e: RelayEvent): boolean
      isSigValid(e: RelayEvent): boolean
      isMatchingFilter(e: RelayEvent, f: RelayFilter): boolean
    }
    utils.isIdValid = (e) => typeof e.id === 'string' && HEX64.test(e.id) && computeEventId(e) === e.id
    utils.isSigValid = (e) => {
      signatureChecks += 1
      // nostr-wasm copies hex into fixed scratch buffers: a short string would leave stale bytes there.
      if (!HEX64.test(e.id) || !HEX64.test(e.pubkey) || typeof e.sig !== 'string' || !HEX128.test(e.sig)) return false
      try {
        nw.verifyEvent({ id: e.id, pubkey: e.pubkey, sig: e.sig, kind: e.kind, created_at: e.created_at, tags: e.tags, content: e.content })
        return true
      } catch {
        return false
      }
    }
    const matches = utils.isMatchingFilter.bind(EventUtils)
    utils.isMatchingFilter = (e, f) => matches(e, f) && tagFiltersMatch(e, f)
  })()
  return installed
}
