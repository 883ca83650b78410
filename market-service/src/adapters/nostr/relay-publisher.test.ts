/** The relay publisher against a real relay, a closed port, and a black hole that never handshakes. */
import { createServer, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { finalizeEvent, generateSecretKey } from 'nostr-tools/pure'
import { startMarketRelay } from '@zapcade/relay'
import type { NostrEvent } from '@zapcade/shared/events/event'
import { useWebSocketImplementation } from 'nostr-tools/pool'
import WebSocket from 'ws'
import { poolRelayPublisher } from './relay-publisher.ts'

// Another part of the process may install a plain ws as nostr-tools' default; the publisher must not care.
useWebSocketImplementation(WebSocket)

const note = (): NostrEvent =>
  JSON.parse(
    JSON.stringify(
      finalizeEvent(
        { kind: 1, created_at: Math.floor(Date.now() / 1000), tags: [], content: 'hi' },
        generateSecretKey(),
      ),
    ),
  ) as NostrEvent

describe('poolRelayPublisher', () => {
  it('reports each relay: OK from a live relay, a reason from a closed port', async () => {
    const relay = await startMarketRelay({ port: 0 })
    const pub = poolRelayPublisher({ relays: [relay.url, 'ws://127.0.0.1:9'], timeoutMs: 2000 })
    try {
      const answers = await pub.publish(note())
      expect(answers).toEqual([
        { relay: relay.url, ok: true, reason: expect.any(String) },
        { relay: 'ws://127.0.0.1:9', ok: false, reason: expect.stringContaining('connection') },
      ])
    } finally {
      await pub.close()
      await relay.stop()
    }
  })

  it('survives a relay that accepts TCP but never completes the handshake (answers a timeout, no crash)', async () => {
    const sockets: Socket[] = []
    const hole = createServer((s) => {
      sockets.push(s)
    })
    await new Promise<void>((r) => hole.listen(0, '127.0.0.1', r))
    const url = `ws://127.0.0.1:${(hole.address() as AddressInfo).port}`
    const pub = poolRelayPublisher({ relays: [url], timeoutMs: 200 })
    try {
      const [answer] = await pub.publish(note())
      expect(answer).toMatchObject({ relay: url, ok: false })
      // Let the pool's own connection timeout fire and abort the socket: this used to throw
      // an unhandled 'error' event from ws and kill the process.
      await new Promise((r) => setTimeout(r, 500))
      const [again] = await pub.publish(note())
      expect(again!.ok).toBe(false)
      await new Promise((r) => setTimeout(r, 500))
    } finally {
      await pub.close()
      for (const s of sockets) s.destroy()
      await new Promise<void>((r) => hole.close(() => r()))
    }
  })
})
