/**
 * RelayPublisher over nostr-tools' SimplePool (with `ws`, Node 20 has no global WebSocket): publishes
 * to the given relays (default: the configured ones) and reports each relay's OK or its reason,
 * including connection failures and timeouts, under the relay URL as configured.
 */
import { SimplePool } from 'nostr-tools/pool'
import WebSocket from 'ws'
import type { NostrEvent } from '@zapcade/shared/events/event'
import type { RelayAnswer, RelayPublisher } from '../../ports/relay-publisher.ts'

/**
 * nostr-tools closes a socket still CONNECTING when its connection timeout fires and then drops its
 * error handler; `ws` emits the abort as an 'error' event a tick later, which with no listener would
 * crash the process (a relay that accepts TCP but never answers the handshake). Keep one listener.
 */
export class SafeWebSocket extends WebSocket {
  constructor(...args: ConstructorParameters<typeof WebSocket>) {
    super(...args)
    this.on('error', () => {})
  }
}

export interface PoolPublisherOptions {
  relays: readonly string[]
  /** Per-relay wait for connection + OK, ms. */
  timeoutMs?: number
}

const reasonOf = (e: unknown): string => (e instanceof Error ? e.message : String(e))

/** The publisher the service runs with. */
export function poolRelayPublisher(o: PoolPublisherOptions): RelayPublisher {
  const timeoutMs = o.timeoutMs ?? 5000
  // Per pool, not the module-global default (other code in the process may set a plain ws there).
  const pool = new SimplePool({
    enablePing: false,
    enableReconnect: false,
    maxWaitForConnection: timeoutMs,
    websocketImplementation: SafeWebSocket as unknown as typeof globalThis.WebSocket,
  } as ConstructorParameters<typeof SimplePool>[0])
  let closed = false
  return {
    async publish(event: NostrEvent, relays?: readonly string[]): Promise<RelayAnswer[]> {
      if (closed) throw new Error('relay publisher closed')
      const targets = [...new Set(relays ?? o.relays)]
      if (targets.length === 0) return []
      const settled = await Promise.allSettled(
        pool
          .publish(targets, event, { maxWait: timeoutMs })
          .map((p) =>
            Promise.race([
              p,
              new Promise<never>((_, reject) =>
                setTimeout(() => reject(new Error('publish timed out')), timeoutMs).unref(),
              ),
            ]),
          ),
      )
      return settled.map((s, i) => ({
        relay: targets[i]!,
        ok: s.status === 'fulfilled',
        reason: s.status === 'fulfilled' ? String(s.value ?? '') : reasonOf(s.reason),
      }))
    },
    async close() {
      closed = true
      pool.destroy()
    },
  }
}
