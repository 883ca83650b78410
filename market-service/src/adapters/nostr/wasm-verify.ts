/**
 * Event signature checks with nostr-wasm (libsecp256k1 in WASM, about 5x noble: deps.md Exp 2), for
 * NIP-98 headers and submitted events. The id is recomputed with node:crypto first, as the indexer does.
 */
import { createHash } from 'node:crypto'
import { initNostrWasm } from 'nostr-wasm'
import type { NostrEvent } from '@zapcade/shared/events/event'

const HEX64 = /^[0-9a-f]{64}$/
const HEX128 = /^[0-9a-f]{128}$/

export type EventVerifier = (ev: NostrEvent) => boolean

/** A verifier over an initialised nostr-wasm instance (init takes about 30 ms, once). */
export async function wasmEventVerifier(): Promise<EventVerifier> {
  const nw = await initNostrWasm()
  return (ev) => {
    // nostr-wasm copies hex into fixed scratch buffers: a short string would leave stale bytes there.
    if (typeof ev.id !== 'string' || !HEX64.test(ev.id) || typeof ev.pubkey !== 'string' || !HEX64.test(ev.pubkey)) return false
    if (typeof ev.sig !== 'string' || !HEX128.test(ev.sig)) return false
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
