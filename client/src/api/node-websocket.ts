/**
 * Node-only: give nostr-tools and the NWC client a WebSocket (Node 20 has none). The `ws` socket gets a
 * permanent no-op 'error' listener: closing a pool while a socket is still connecting makes `ws` emit
 * an error after nostr-tools has detached its handlers, and an EventEmitter error with no listener
 * would crash the CLI with a stack trace. nostr-tools still sees failures through `onerror`/`onclose`.
 */
import { useWebSocketImplementation } from 'nostr-tools/pool'
import WebSocket from 'ws'
import { useNwcWebSocket } from './nwc.ts'

class QuietWebSocket extends WebSocket {
  constructor(address: string | URL, protocols?: string | string[]) {
    super(address, protocols)
    this.on('error', () => {})
  }
}

let installed = false

/** Idempotent; call before any relay, bunker or NWC connection in Node. */
export function installNodeWebSocket(): void {
  if (installed) return
  useWebSocketImplementation(QuietWebSocket)
  useNwcWebSocket(QuietWebSocket)
  installed = true
}
