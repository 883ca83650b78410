import { beforeAll, describe, expect, it } from 'vitest'
import { finalizeEvent, generateSecretKey, getPublicKey, verifyEvent as nobleVerify } from 'nostr-tools/pure'
import { initEventCrypto, signEvent, verifyEvent } from './event-crypto.ts'

const template = { kind: 23195, created_at: 1_700_000_000, tags: [['p', 'a'.repeat(64)], ['e', 'b'.repeat(64)]], content: 'payload?iv=x' }

describe('wallet service event crypto (nostr-wasm)', () => {
  beforeAll(initEventCrypto)

  it('signs events that nostr-tools verifies, with the key’s pubkey', () => {
    const sk = generateSecretKey()
    const ev = signEvent(template, sk)
    expect(ev.pubkey).toBe(getPublicKey(sk))
    expect(nobleVerify({ ...ev })).toBe(true)
    expect(verifyEvent(ev)).toBe(true)
  })

  it('accepts events signed by nostr-tools and refuses any edited field, forged or malformed signature', () => {
    const ev = finalizeEvent({ ...template }, generateSecretKey())
    const plain = { id: ev.id, pubkey: ev.pubkey, sig: ev.sig, kind: ev.kind, created_at: ev.created_at, tags: ev.tags, content: ev.content }
    expect(verifyEvent(plain)).toBe(true)
    const flip = (h: string) => h.slice(0, -1) + (h.endsWith('0') ? '1' : '0')
    expect(verifyEvent({ ...plain, content: 'other' })).toBe(false)
    expect(verifyEvent({ ...plain, tags: [] })).toBe(false)
    expect(verifyEvent({ ...plain, sig: flip(plain.sig) })).toBe(false)
    expect(verifyEvent({ ...plain, sig: plain.sig.slice(0, 64) })).toBe(false)
    expect(verifyEvent({ ...plain, id: flip(plain.id) })).toBe(false)
    expect(verifyEvent({ ...plain, pubkey: getPublicKey(generateSecretKey()) })).toBe(false)
    expect(verifyEvent({ ...plain, sig: plain.sig.toUpperCase() })).toBe(false)
  })
})
