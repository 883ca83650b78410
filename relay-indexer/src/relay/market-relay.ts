/**
 * The embedded market relay: a real NIP-01 relay over WebSocket on 127.0.0.1, built on @nostr-relay/*
 * (deps.md Exp 3) with our own better-sqlite3 12.x handle. `npm start` runs it; tests start one per suite.
 */
import Database from 'better-sqlite3'
import { WebSocketServer, type WebSocket } from 'ws'
import { NostrRelay } from '@nostr-relay/core'
import { EventRepositorySqlite } from '@nostr-relay/event-repository-sqlite'
import { EVENT_LIMITS } from '@zapcade/shared/events/event'
import { frameText, parseClientMessage } from './client-message.ts'
import { installRelayEventChecks } from './event-checks.ts'
import { deletedReason, restore, versionsToKeep } from './nip09.ts'
import { createNegentropyHandler } from './negentropy.ts'

export interface MarketRelayOptions {
  /** 0 = any free port. */
  port?: number
  host?: string
  /** SQLite file for the relay's own event store; ':memory:' by default. */
  file?: string
  /** Answer NIP-77 NEG-OPEN/NEG-MSG/NEG-CLOSE (default true; false to act as a relay without negentropy). */
  negentropy?: boolean
}

const utf8 = new TextEncoder()
const isEphemeralKind = (kind: number) => kind >= 20000 && kind < 30000

/**
 * strfry's default limits (reliability catalogue A2): content over 64 KiB or more than 2,000 tags is
 * refused with `OK false "invalid: …"` (NIP-01 prefixes) before the library sees it.
 */
export function oversizedReason(ev: { content?: unknown; tags?: unknown }): string | undefined {
  if (Array.isArray(ev.tags) && ev.tags.length > EVENT_LIMITS.maxTags) return `invalid: more than ${EVENT_LIMITS.maxTags} tags`
  if (typeof ev.content === 'string' && utf8.encode(ev.content).length > EVENT_LIMITS.maxContentBytes)
    return 'invalid: content over 64 KiB'
  return undefined
}

/** The EVENT payload of a frame as sent (before validation): an EVENT always gets an OK (NIP-01) naming it. */
function sentEvent(frame: unknown): { id?: unknown; content?: unknown; tags?: unknown } | undefined {
  return Array.isArray(frame) && frame[0] === 'EVENT' && typeof frame[1] === 'object' && frame[1] ? frame[1] : undefined
}

export interface MarketRelay {
  url: string
  port: number
  stop(): Promise<void>
}

/** Start a relay; resolves once it listens. */
export async function startMarketRelay(opts: MarketRelayOptions = {}): Promise<MarketRelay> {
  // shared's event-sig for the library's one signature check per event, and NIP-01 tag filters on live events.
  installRelayEventChecks()
  const db = new Database(opts.file ?? ':memory:')
  db.pragma('journal_mode = WAL')
  const repo = new EventRepositorySqlite(db)
  await repo.init()
  // Ephemeral kinds (NIP-01: 20000–29999) are broadcast, never stored: a filter asking only for them
  // (every NWC request opens one for its reply) has no history to scan, so skip the store query.
  const find = repo.find.bind(repo)
  repo.find = (filter) => (filter.kinds?.length && filter.kinds.every(isEphemeralKind) ? Promise.resolve([]) : find(filter))
  // No result caches: the filter cache serves a REQ stale results for 1 s after a write, and the
  // per-id handling cache answers a republished deleted event with its first OK for 10 minutes.
  const relay = new NostrRelay(repo, { logLevel: 3 as never, filterResultCacheTtl: 0, eventHandlingResultCacheTtl: 0 })
  // Tombstones (NIP-09): a deleted event, or an older version at a deleted address, is refused.
  relay.register({
    beforeHandleEvent: async (event) => {
      const reason = await deletedReason(repo, event as never)
      return reason ? { canHandle: false, message: reason } : { canHandle: true }
    },
  })
  const neg = opts.negentropy === false ? undefined : createNegentropyHandler(db)
  const wss = new WebSocketServer({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 0, maxPayload: 512 * 1024 })
  wss.on('connection', (ws: WebSocket) => {
    relay.handleConnection(ws as never)
    ws.on('message', async (data) => {
      // Each frame is JSON.parsed once; the size limits and the message checks (client-message.ts, which
      // replaced @nostr-relay/validator's zod schemas) both read that one value.
      let sent: ReturnType<typeof sentEvent>
      const okFalse = (reason: string) => ws.send(JSON.stringify(['OK', typeof sent?.id === 'string' ? sent.id : '', false, reason]))
      try {
        const frame: unknown = JSON.parse(frameText(data))
        sent = sentEvent(frame)
        if (neg?.handle(ws, frame, (m) => ws.send(JSON.stringify(m)))) return
        const tooBig = sent ? oversizedReason(sent) : undefined
        if (tooBig) return void okFalse(tooBig)
        const msg = parseClientMessage(frame)
        const ev = msg[0] === 'EVENT' && msg[1].kind === 5 ? msg[1] : undefined
        const wasStored = ev ? await repo.findOne({ ids: [ev.id] }) : undefined
        const keep = ev && !wasStored ? await versionsToKeep(repo, ev) : []
        const result = (await relay.handleMessage(ws as never, msg)) as { success?: boolean } | undefined
        await restore(repo, keep)
        // @nostr-relay 0.0.40 applies a kind-5 request but neither stores nor broadcasts the request
        // itself, so no indexer could ever learn of it. NIP-09: relays SHOULD keep and serve it.
        if (ev && !wasStored && result?.success) {
          await repo.upsert(ev)
          await relay.broadcast(ev)
        }
      } catch (e) {
        // NIP-01 machine-readable prefix, once (client-message.ts errors already carry it).
        const text = e instanceof Error ? e.message : String(e)
        const reason = text.startsWith('invalid: ') ? text : `invalid: ${text}`
        if (sent) okFalse(reason)
        else ws.send(JSON.stringify(['NOTICE', reason]))
      }
    })
    ws.on('close', () => relay.handleDisconnect(ws as never))
    ws.on('error', () => {})
  })
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve)
    wss.once('error', reject)
  })
  const address = wss.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `ws://127.0.0.1:${port}`,
    port,
    async stop() {
      for (const c of wss.clients) c.terminate()
      await new Promise<void>((r) => wss.close(() => r()))
      await relay.destroy()
      await repo.destroy()
    },
  }
}
