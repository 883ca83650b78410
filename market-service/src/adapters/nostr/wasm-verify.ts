/**
 * Event signature checks with nostr-wasm (libsecp256k1 in WASM, about 5x noble: deps.md Exp 2), for
 * NIP-98 headers and submitted events. The id is recomputed with node:crypto first, as the indexer does.
 */
import { createHash } from 'node:crypto'
import { initNostrWasm } from 'nostr-wasm'
import type { NostrEvent } from '@zapcade/shared/events/event'

export type EventVerifier = (ev: NostrEvent) => boolean

/** A verifier over an initialised nostr-wasm instance (init takes about 30 ms, once). */
export async function wasmEventVerifier(): Promise<EventVerifier> {
  const nw = await initNostrWasm()
  return (ev) => {
    const id = createHash('sha256').update(JSON.stringify([0, ev.pubkey, ev.created_at, ev.kind, ev.tags, ev.content])).digest('hex')
    if (id !== ev.id) return false
    try {
      nw.verifyEvent({ ...ev })
      return true
    } catch {
      return false
    }
  }
}
