/**
 * Event signing and signature checks for the wallet service with nostr-wasm (libsecp256k1 in WASM,
 * ~5x nostr-tools' pure-JS noble: deps.md Exp 2). Every NIP-47 request is verified once on receipt,
 * every response and notification signed once; with noble these were most of devnet's CPU per payment.
 */
import { createHash } from 'node:crypto'
import { initNostrWasm, type Nostr } from 'nostr-wasm'
import type { Event, EventTemplate } from 'nostr-tools/pure'
import { isHex64 } from '@zapcade/shared/ids'

const HEX128 = /^[0-9a-f]{128}$/

let ready: Promise<Nostr> | undefined
let wasm: Nostr | undefined

/** Load nostr-wasm once (~30 ms); the other functions need it done. */
export async function initEventCrypto(): Promise<void> {
  ready ??= initNostrWasm()
  wasm = await ready
}

function nw(): Nostr {
  if (!wasm) throw new Error('event crypto used before initEventCrypto()')
  return wasm
}

/** Sign a template with the secret key (sets pubkey, id, sig), as nostr-tools' finalizeEvent. */
export function signEvent(t: EventTemplate, secretKey: Uint8Array): Event {
  const ev = { kind: t.kind, created_at: t.created_at, tags: t.tags, content: t.content, pubkey: '', id: '', sig: '' }
  nw().finalizeEvent(ev, secretKey)
  return ev
}

/** NIP-01 check of a received event: hex shapes, the id recomputed with node:crypto, the BIP-340 signature. */
export function verifyEvent(ev: Event): boolean {
  // nostr-wasm copies hex into fixed scratch buffers: a short string would leave stale bytes there.
  if (!isHex64(ev.id) || !isHex64(ev.pubkey)) return false
  if (typeof ev.sig !== 'string' || !HEX128.test(ev.sig)) return false
  const id = createHash('sha256').update(JSON.stringify([0, ev.pubkey, ev.created_at, ev.kind, ev.tags, ev.content])).digest('hex')
  if (id !== ev.id) return false
  try {
    nw().verifyEvent({ id: ev.id, pubkey: ev.pubkey, sig: ev.sig, kind: ev.kind, created_at: ev.created_at, tags: ev.tags, content: ev.content })
    return true
  } catch {
    return false
  }
}
