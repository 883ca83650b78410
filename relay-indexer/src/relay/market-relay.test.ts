import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { Relay, useWebSocketImplementation } from 'nostr-tools/relay'
import { finalizeEvent, generateSecretKey } from 'nostr-tools/pure'
import { startMarketRelay, type MarketRelay } from './market-relay.ts'

useWebSocketImplementation(WebSocket)

describe('market relay', () => {
  let relay: MarketRelay
  beforeAll(async () => {
    relay = await startMarketRelay()
  })
  afterAll(async () => {
    await relay.stop()
  })

  it('stores an event and serves it to a REQ, then sends EOSE', async () => {
    const sk = generateSecretKey()
    const ev = finalizeEvent({ kind: 32267, created_at: Math.floor(Date.now() / 1000), tags: [['d', 'x']], content: '' }, sk)
    const r = await Relay.connect(relay.url)
    await r.publish(ev)
    const got: string[] = []
    await new Promise<void>((resolve) => {
      r.subscribe([{ kinds: [32267], '#d': ['x'] }], { onevent: (e) => got.push(e.id), oneose: resolve })
    })
    r.close()
    expect(got).toEqual([ev.id])
  })
})
