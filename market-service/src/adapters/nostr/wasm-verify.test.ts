import { describe, expect, it } from 'vitest'
import { finalizeEvent, generateSecretKey } from 'nostr-tools/pure'
import type { NostrEvent } from '@zapcade/shared/events/event'
import { wasmEventVerifier } from './wasm-verify.ts'

const ev = (content: string): NostrEvent =>
  JSON.parse(JSON.stringify(finalizeEvent({ kind: 1, created_at: 1_800_000_000, tags: [['t', 'x']], content }, generateSecretKey()))) as NostrEvent

describe('wasmEventVerifier', () => {
  it('accepts a valid event and refuses a changed content, a swapped signature, and a wrong id', async () => {
    const verify = await wasmEventVerifier()
    const a = ev('hello')
    const b = ev('other')
    expect(verify(a)).toBe(true)
    expect(verify({ ...a, content: 'hellO' })).toBe(false)
    expect(verify({ ...a, sig: b.sig })).toBe(false)
    expect(verify({ ...a, pubkey: b.pubkey })).toBe(false)
    expect(verify({ ...a, id: b.id })).toBe(false)
  })
})
