import WebSocket from 'ws'
import { describe, expect, it } from 'vitest'
import { NWCClient } from '@getalby/sdk/nwc'
import * as nip44 from 'nostr-tools/nip44'
import { finalizeEvent, generateSecretKey, getPublicKey, verifyEvent } from 'nostr-tools/pure'
import { bytesToHex } from 'nostr-tools/utils'
import { startMarketRelay } from '@zapcade/relay-indexer'
import type { NostrEvent } from '@zapcade/shared/events/event'
import { useFastCrypto } from './sdk-crypto.ts'

;(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket

type Internals = {
  _encryptionType?: string
  signEvent(t: object): Promise<NostrEvent>
  encrypt(pk: string, s: string): Promise<string>
  decrypt(pk: string, s: string): Promise<string>
  pool: { ensureRelay(url: string): Promise<{ verifyEvent(ev: NostrEvent): boolean; close(): void }> }
}

describe('NWC client crypto (shared event-sig, cached NIP-44 key)', () => {
  it('signs what nostr-tools verifies, encrypts what the wallet decrypts, and its relay still refuses forged events', async () => {
    const relay = await startMarketRelay({ port: 0 })
    const walletSk = generateSecretKey()
    const secret = generateSecretKey()
    const client = new NWCClient({ nostrWalletConnectUrl: `nostr+walletconnect://${getPublicKey(walletSk)}?relay=${relay.url}&secret=${bytesToHex(secret)}` })
    useFastCrypto(client)
    const c = client as unknown as Internals
    c._encryptionType = 'nip44_v2'

    const signed = await c.signEvent({ kind: 23194, created_at: 1_700_000_000, tags: [['p', getPublicKey(walletSk)]], content: 'x' })
    expect(signed.pubkey).toBe(getPublicKey(secret))
    expect(verifyEvent({ ...signed })).toBe(true)

    const key = nip44.getConversationKey(walletSk, getPublicKey(secret))
    expect(nip44.decrypt(await c.encrypt(getPublicKey(walletSk), 'request'), key)).toBe('request')
    expect(await c.decrypt(getPublicKey(walletSk), nip44.encrypt('reply', key))).toBe('reply')

    const conn = await c.pool.ensureRelay(relay.url)
    const reply = finalizeEvent({ kind: 23195, created_at: 1_700_000_000, tags: [['e', signed.id]], content: 'r' }, walletSk) as NostrEvent
    expect(conn.verifyEvent({ ...reply })).toBe(true)
    expect(conn.verifyEvent({ ...reply, content: 'forged' })).toBe(false)
    expect(conn.verifyEvent({ ...reply, sig: reply.sig.slice(0, -1) + (reply.sig.endsWith('0') ? '1' : '0') })).toBe(false)
    expect(conn.verifyEvent({ ...reply, sig: reply.sig.slice(0, 64) })).toBe(false)
    client.close()
    await relay.stop()
  })
})
