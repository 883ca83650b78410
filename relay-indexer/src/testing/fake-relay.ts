/**
 * A protocol-level relay for tests (as nostr-tools' test-helpers): a real WebSocket server on 127.0.0.1
 * whose REQ handling is scripted by the test, so it can send events in any order, forged events,
 * malformed frames, CLOSED, or never send EOSE.
 */
import { WebSocketServer, type WebSocket } from 'ws'
import { matchFilters, type Filter } from 'nostr-tools/filter'
import type { NostrEvent } from '@zapcade/shared/events/event'

export interface FakeConn {
  /** Which connection this is on the server (1 = first). */
  n: number
  raw(frame: string): void
  send(msg: unknown[]): void
  terminate(): void
}

export type ReqHandler = (conn: FakeConn, subId: string, filters: Filter[]) => void

export interface FakeRelay {
  url: string
  reqs: { n: number; subId: string; filters: Filter[] }[]
  setHandler(h: ReqHandler): void
  stop(): Promise<void>
}

/**
 * Serve `events` that match the filters, in the given order, then EOSE. A filter whose matches exceed
 * its `limit` gets its newest `limit` events instead, as real relays do (NIP-01).
 */
export function serve(
  events: NostrEvent[] | (() => NostrEvent[]),
  opts: { eose?: boolean } = {},
): ReqHandler {
  return (conn, subId, filters) => {
    const list = typeof events === 'function' ? events() : events
    const chosen = new Set<NostrEvent>()
    for (const f of filters) {
      let hits = list.filter((ev) => matchFilters([f], ev))
      if (f.limit !== undefined && hits.length > f.limit)
        hits = [...hits]
          .sort((x, y) => y.created_at - x.created_at || (x.id < y.id ? -1 : 1))
          .slice(0, f.limit)
      for (const ev of hits) chosen.add(ev)
    }
    for (const ev of list) if (chosen.has(ev)) conn.send(['EVENT', subId, ev])
    if (opts.eose !== false) conn.send(['EOSE', subId])
  }
}

/** Start a scripted relay on a free loopback port (or `port`). */
export async function startFakeRelay(handler: ReqHandler, port = 0): Promise<FakeRelay> {
  let h = handler
  let count = 0
  const reqs: FakeRelay['reqs'] = []
  const wss = new WebSocketServer({ host: '127.0.0.1', port })
  wss.on('connection', (ws: WebSocket) => {
    const conn: FakeConn = {
      n: ++count,
      raw: (f) => ws.readyState === ws.OPEN && ws.send(f),
      send: (m) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(m)),
      terminate: () => ws.terminate(),
    }
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as unknown[]
      if (msg[0] === 'REQ') {
        const filters = msg.slice(2) as Filter[]
        reqs.push({ n: conn.n, subId: String(msg[1]), filters })
        h(conn, String(msg[1]), filters)
      }
    })
    ws.on('error', () => {})
  })
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()))
  const addr = wss.address()
  const p = typeof addr === 'object' && addr ? addr.port : 0
  return {
    url: `ws://127.0.0.1:${p}`,
    reqs,
    setHandler: (nh) => (h = nh),
    async stop() {
      for (const c of wss.clients) c.terminate()
      await new Promise<void>((r) => wss.close(() => r()))
    },
  }
}
