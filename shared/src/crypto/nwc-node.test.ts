import { describe, expect, it } from 'vitest'
import * as nip44 from 'nostr-tools/nip44'
import * as nip04 from 'nostr-tools/nip04'
import { finalizeEvent, generateSecretKey, getPublicKey, verifyEvent } from 'nostr-tools/pure'
import type { NostrEvent } from '../events/event.ts'
import { nodeNwcCrypto as c } from './nwc-node.ts'

describe('NWC client cryptography on the server (shared event-sig, node:crypto NIP-44)', () => {
  const wallet = generateSecretKey()
  const client = generateSecretKey()

  it('signs what nostr-tools verifies, with the pubkey nostr-tools derives', () => {
    const ev = c.sign(
      { kind: 23194, created_at: 1_700_000_000, tags: [['p', getPublicKey(wallet)]], content: 'x' },
      client,
    )
    expect(c.publicKey(client)).toBe(getPublicKey(client))
    expect(ev.pubkey).toBe(getPublicKey(client))
    expect(verifyEvent({ ...ev })).toBe(true)
  })

  it('encrypts what the wallet (nostr-tools) decrypts and decrypts its answers, in NIP-44 v2 and NIP-04', () => {
    const key = c.nip44.conversationKey(client, getPublicKey(wallet))
    const walletKey = nip44.getConversationKey(wallet, getPublicKey(client))
    expect(nip44.decrypt(c.nip44.encrypt('request', key), walletKey)).toBe('request')
    expect(c.nip44.decrypt(nip44.encrypt('reply', walletKey), key)).toBe('reply')
    expect(
      nip04.decrypt(
        wallet,
        getPublicKey(client),
        c.nip04.encrypt(client, getPublicKey(wallet), 'old request'),
      ),
    ).toBe('old request')
    expect(
      c.nip04.decrypt(
        client,
        getPublicKey(wallet),
        nip04.encrypt(wallet, getPublicKey(client), 'old reply'),
      ),
    ).toBe('old reply')
  })

  it('accepts a wallet reply and refuses a forged one (content, signature, truncated signature)', () => {
    const reply = finalizeEvent(
      { kind: 23195, created_at: 1_700_000_000, tags: [['e', 'ab'.repeat(32)]], content: 'r' },
      wallet,
    ) as NostrEvent
    const flip = reply.sig.slice(0, -1) + (reply.sig.endsWith('0') ? '1' : '0')
    expect(c.verify({ ...reply })).toBe(true)
    expect(c.verify({ ...reply, content: 'forged' })).toBe(false)
    expect(c.verify({ ...reply, sig: flip })).toBe(false)
    expect(c.verify({ ...reply, sig: reply.sig.slice(0, 64) })).toBe(false)
  })
})
