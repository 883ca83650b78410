/**
 * The embedded market relay: a real NIP-01 relay over WebSocket on 127.0.0.1, built on @nostr-relay/*
 * (README "Libraries, and why") with our own better-sqlite3 12.x handle. `npm start` runs it; tests start one per suite.
 */
import { createServer, type IncomingMessage } from 'node:http'
import Database from 'better-sqlite3'
import { WebSocketServer, type WebSocket } from 'ws'
import { EventUtils, type Event } from '@nostr-relay/common'
import { NostrRelay } from '@nostr-relay/core'
import { EventRepositorySqlite } from '@nostr-relay/event-repository-sqlite'
import { EVENT_LIMITS } from '@zapcade/shared/events/event'
import { frameText, parseClientMessage } from './client-message.ts'
import { installRelayEventChecks } from './event-checks.ts'
import { createEventStore } from './event-store.ts'
import { deletedReason, restore, versionsToKeep } from './nip09.ts'
import { createNegentropyHandler } from './negentropy.ts'
import {
  answerHttp,
  DEFAULT_RELAY_LIMITS,
  relayInformation,
  type RelayInfoOptions,
  type RelayLimits,
} from './nip11.ts'
import { authEventReason, newChallenge, relayHost } from './nip42.ts'
import { RateLimiter, type RateLimitOptions, type TokenBucket } from './rate-limit.ts'
import { clampLimits, readableSubId, reqLimitReason } from './req-checks.ts'

export interface MarketRelayOptions {
  /** 0 = any free port. */
  port?: number
  host?: string
  /** SQLite file for the relay's own event store; ':memory:' by default. */
  file?: string
  /** Answer NIP-77 NEG-OPEN/NEG-MSG/NEG-CLOSE (default true; false to act as a relay without negentropy). */
  negentropy?: boolean
  /** NIP-11 document fields (name, description, pubkey, contact, icon, software, version). */
  info?: RelayInfoOptions
  /** Limits enforced and advertised in NIP-11 (defaults: DEFAULT_RELAY_LIMITS in nip11.ts). */
  limits?: Partial<RelayLimits>
  /** Token buckets per connection and per IP (defaults: DEFAULT_RATE_LIMIT in rate-limit.ts); false = none. */
  rateLimit?: RateLimitOptions | false
  /** NIP-42: refuse EVENT and REQ (`auth-required:`) until the connection has authenticated. Default false. */
  authRequired?: boolean
  /** NIP-42: when the challenge is sent. 'on-connect' (default): to every new connection, so any client
   * may authenticate. 'on-demand': only right before an `auth-required:` refusal, for clients whose
   * library treats any AUTH as a request to leave (NDK's `disconnect` auth policy does). */
  authChallenge?: 'on-connect' | 'on-demand'
  /** The relay's public URL (`wss://relay.example.com`): a NIP-42 `relay` tag naming its host is accepted,
   * as is one naming the Host header the client connected with. */
  publicUrl?: string
  /**
   * Store regular, replaceable and addressable events with group commit (event-store.ts; default true).
   * false sends them through the library's own write path, one transaction per event (kept to measure).
   */
  groupCommit?: boolean
  /** Clock in milliseconds (rate limits, created_at bounds, AUTH window); Date.now by default. */
  now?: () => number
}

const utf8 = new TextEncoder()
const isEphemeralKind = (kind: number) => kind >= 20000 && kind < 30000
/** Events our own write path stores (event-store.ts); deletions and ephemeral events go through the library. */
const isGroupCommitted = (kind: number) => kind !== 5 && !isEphemeralKind(kind)

/**
 * strfry's default limits (reliability catalogue A2): content over 64 KiB or more than 2,000 tags is
 * refused with `OK false "invalid: …"` (NIP-01 prefixes) before the library sees it.
 */
export function oversizedReason(ev: { content?: unknown; tags?: unknown }): string | undefined {
  if (Array.isArray(ev.tags) && ev.tags.length > EVENT_LIMITS.maxTags)
    return `invalid: more than ${EVENT_LIMITS.maxTags} tags`
  if (
    typeof ev.content === 'string' &&
    utf8.encode(ev.content).length > EVENT_LIMITS.maxContentBytes
  )
    return 'invalid: content over 64 KiB'
  return undefined
}

/** An event as sent, before validation. */
interface SentEvent {
  id?: unknown
  kind?: unknown
  created_at?: unknown
  content?: unknown
  tags?: unknown
}

/** The EVENT payload of a frame as sent (before validation): an EVENT always gets an OK (NIP-01) naming it. */
function sentEvent(frame: unknown): SentEvent | undefined {
  return Array.isArray(frame) && frame[0] === 'EVENT' && typeof frame[1] === 'object' && frame[1]
    ? frame[1]
    : undefined
}

/** The event of a client AUTH frame (NIP-42 answers it with an OK too). */
function authEvent(frame: unknown): SentEvent | undefined {
  return Array.isArray(frame) && frame[0] === 'AUTH' && typeof frame[1] === 'object' && frame[1]
    ? frame[1]
    : undefined
}

/** The store's own ceiling on a filter's `limit` (@nostr-relay/event-repository-sqlite: 10 x its default of 100). */
const STORE_MAX_LIMIT = 1000

/** The frame types a relay answers (NIP-01, NIP-42); anything else gets a NOTICE. */
type Verb = 'EVENT' | 'REQ' | 'CLOSE' | 'AUTH'

/** What the relay keeps per connection beyond the library's context. */
interface Connection {
  ip: string
  /** Hosts a NIP-42 `relay` tag may name. */
  hosts: string[]
  challenge: string
  /** Set by a valid AUTH. */
  pubkey?: string
  bucket: TokenBucket | undefined
  /** Subscription ids open or being opened (the library's own map is a 20-entry LRU that would
   * silently drop the oldest; we refuse the one too many instead). */
  subs: Set<string>
}

export interface MarketRelay {
  url: string
  port: number
  /** The NIP-11 document served at the relay's address. */
  info: ReturnType<typeof relayInformation>
  /** Messages this relay refused itself so far, by NIP-01 prefix (`invalid`, `rate-limited`, `error`,
   * `auth-required`); refusals by the library (bad signature, deleted) are not counted. */
  refusals(): Record<string, number>
  /** Group commit so far: transactions committed and events they stored. */
  storeStats(): { batches: number; events: number }
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
  const store = createEventStore(db)
  const groupCommit = opts.groupCommit ?? true
  // Ephemeral kinds (NIP-01: 20000–29999) are broadcast, never stored: a filter asking only for them
  // (every NWC request opens one for its reply) has no history to scan, so skip the store query.
  const find = repo.find.bind(repo)
  repo.find = (filter) =>
    filter.kinds?.length && filter.kinds.every(isEphemeralKind) ? Promise.resolve([]) : find(filter)
  const limits: RelayLimits = { ...DEFAULT_RELAY_LIMITS, ...opts.limits }
  limits.maxLimit = Math.min(limits.maxLimit, STORE_MAX_LIMIT)
  const now = opts.now ?? Date.now
  const authRequired = opts.authRequired ?? false
  const info = relayInformation(opts.info ?? {}, limits, { authRequired })
  const limiter = opts.rateLimit === false ? undefined : new RateLimiter(opts.rateLimit ?? {}, now)
  const publicHost = opts.publicUrl ? relayHost(opts.publicUrl) : undefined
  const refusals: Record<string, number> = {}
  const counted = (reason: string) => {
    const prefix = reason.slice(0, Math.max(0, reason.indexOf(':')))
    refusals[prefix] = (refusals[prefix] ?? 0) + 1
    return reason
  }
  // No result caches: the filter cache serves a REQ stale results for 1 s after a write, and the
  // per-id handling cache answers a republished deleted event with its first OK for 10 minutes.
  // Connection.subs gate REQs before the library sees them; its LRU gets room to spare so it never
  // evicts (a CLOSE racing a REQ still in its store query can leave it one entry it no longer needs).
  const relay = new NostrRelay(repo, {
    logLevel: 3 as never,
    filterResultCacheTtl: 0,
    eventHandlingResultCacheTtl: 0,
    maxSubscriptionsPerClient: limits.maxSubscriptions * 2,
  })
  // Tombstones (NIP-09): a deleted event, or an older version at a deleted address, is refused.
  relay.register({
    beforeHandleEvent: async (event) => {
      const reason = await deletedReason(repo, event as never)
      return reason ? { canHandle: false, message: reason } : { canHandle: true }
    },
  })
  const neg = opts.negentropy === false ? undefined : createNegentropyHandler(db)
  // Plain HTTP on the relay's port: NIP-11 document, CORS preflight, a short text (nip11.ts).
  const server = createServer((req, res) => answerHttp(req, res, info))
  const wss = new WebSocketServer({ server, maxPayload: limits.maxMessageLength })
  wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    const hostHeader = req.headers.host?.toLowerCase()
    const conn: Connection = {
      ip: req.socket.remoteAddress ?? '',
      hosts: [hostHeader, publicHost].filter((h): h is string => !!h),
      challenge: newChallenge(),
      bucket: limiter?.connectionBucket(),
      subs: new Set(),
    }
    const notice = (reason: string) => ws.send(JSON.stringify(['NOTICE', counted(reason)]))
    relay.handleConnection(ws as never)
    // NIP-42: the challenge goes out at once (unless on demand), so a client may authenticate at any time.
    let challengeSent = false
    const sendChallenge = () => {
      if (!challengeSent) ws.send(JSON.stringify(['AUTH', conn.challenge]))
      challengeSent = true
    }
    if (opts.authChallenge !== 'on-demand') sendChallenge()
    ws.on('message', async (data) => {
      // Each frame is JSON.parsed once; the size limits and the message checks (client-message.ts, which
      // replaced @nostr-relay/validator's zod schemas) both read that one value.
      let sent: ReturnType<typeof sentEvent>
      let subId: string | undefined
      const okFalse = (reason: string) =>
        ws.send(
          JSON.stringify([
            'OK',
            typeof sent?.id === 'string' ? sent.id : '',
            false,
            counted(reason),
          ]),
        )
      const closed = (reason: string) => ws.send(JSON.stringify(['CLOSED', subId, counted(reason)]))
      try {
        const frame: unknown = JSON.parse(frameText(data))
        sent = sentEvent(frame) ?? authEvent(frame)
        subId = readableSubId(frame)
        if (neg?.handle(ws, frame, (m) => ws.send(JSON.stringify(m)))) return
        const verb = Array.isArray(frame) ? (frame[0] as Verb) : undefined
        const refused = admissionReason(frame, verb, sent, conn)
        // NIP-42: the client must hold a challenge when it reads an auth-required refusal.
        if (refused?.startsWith('auth-required:')) sendChallenge()
        if (refused)
          return void (verb === 'REQ' && subId !== undefined
            ? closed(refused)
            : sent
              ? okFalse(refused)
              : notice(refused))
        const msg = parseClientMessage(frame)
        if (msg[0] === 'AUTH') return void answerAuth(msg[1])
        if (msg[0] === 'CLOSE') conn.subs.delete(msg[1])
        if (msg[0] === 'REQ') {
          // A REQ reusing an open id replaces that subscription (NIP-01), so it needs no new slot.
          if (!conn.subs.has(msg[1]) && conn.subs.size >= limits.maxSubscriptions)
            return void closed(
              `error: too many subscriptions (at most ${limits.maxSubscriptions} per connection)`,
            )
          conn.subs.add(msg[1])
          const [, , ...filters] = msg
          clampLimits(filters, limits.maxLimit)
        }
        if (groupCommit && msg[0] === 'EVENT' && isGroupCommitted(msg[1].kind))
          return void (await storeEvent(msg[1]))
        const ev = msg[0] === 'EVENT' && msg[1].kind === 5 ? msg[1] : undefined
        const wasStored = ev ? await repo.findOne({ ids: [ev.id] }) : undefined
        const keep = ev && !wasStored ? await versionsToKeep(repo, ev) : []
        const result = (await relay.handleMessage(ws as never, msg)) as
          | { success?: boolean }
          | undefined
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
        // NIP-01: a refused REQ is CLOSED with its id; a NOTICE only when no id can be read.
        if (subId !== undefined) closed(reason)
        else if (sent) okFalse(reason)
        else notice(reason)
      }
    })

    /**
     * A regular, replaceable or addressable event: the library's checks in its order (tombstones, duplicate,
     * id and signature), then the group-committed write (event-store.ts); OK once its batch committed.
     */
    async function storeEvent(ev: Event): Promise<void> {
      const ok = (accepted: boolean, message = '') =>
        ws.send(JSON.stringify(['OK', ev.id, accepted, message]))
      const deleted = store.deletedReason(ev)
      if (deleted) return ok(false, deleted)
      if (store.has(ev.id)) return ok(true, 'duplicate: the event already exists')
      const invalid = EventUtils.validate(ev)
      if (invalid) return ok(false, invalid)
      let stored: boolean
      try {
        stored = await store.write(ev)
      } catch (e) {
        return ok(false, `error: ${e instanceof Error ? e.message : String(e)}`)
      }
      if (stored) await relay.broadcast(ev)
      ok(true, stored ? '' : 'duplicate: the event already exists')
    }

    /** NIP-42: check a kind-22242 event against this connection's challenge and answer OK. */
    function answerAuth(ev: Parameters<typeof authEventReason>[0]): void {
      const reason = authEventReason(ev, conn.challenge, conn.hosts, Math.floor(now() / 1000))
      if (!reason) conn.pubkey = ev.pubkey
      ws.send(JSON.stringify(['OK', ev.id, !reason, reason ? counted(reason) : '']))
    }

    ws.on('close', () => relay.handleDisconnect(ws as never))
    ws.on('error', () => {})
  })

  /**
   * Why a frame is refused before it is parsed or handled (a reason with its NIP-01 prefix), or
   * undefined: the token buckets, AUTH when required, the REQ limits, the event size and created_at.
   */
  function admissionReason(
    frame: unknown,
    verb: Verb | undefined,
    sent: SentEvent | undefined,
    conn: Connection,
  ): string | undefined {
    if (!Array.isArray(frame)) return undefined
    if (limiter && conn.bucket && (verb === 'EVENT' || verb === 'REQ' || verb === 'AUTH')) {
      const stored =
        verb === 'EVENT' && !(typeof sent?.kind === 'number' && isEphemeralKind(sent.kind))
      const over = limiter.take(conn.bucket, conn.ip, stored ? 1 : limiter.lightCost)
      if (over === 'connection')
        return 'rate-limited: slow down, too many messages on this connection'
      if (over === 'ip') return 'rate-limited: slow down, too many messages from this address'
    }
    if (authRequired && !conn.pubkey && (verb === 'EVENT' || verb === 'REQ'))
      return 'auth-required: this relay serves authenticated clients only (NIP-42)'
    if (verb === 'REQ') return reqLimitReason(frame, limits)
    if (verb !== 'EVENT' || !sent) return undefined
    const tooBig = oversizedReason(sent)
    if (tooBig) return tooBig
    if (typeof sent.created_at !== 'number') return undefined
    const nowSec = Math.floor(now() / 1000)
    if (sent.created_at > nowSec + limits.createdAtUpperLimit)
      return `invalid: created_at more than ${limits.createdAtUpperLimit} s in the future`
    if (
      limits.createdAtLowerLimit !== undefined &&
      sent.created_at < nowSec - limits.createdAtLowerLimit
    )
      return `invalid: created_at more than ${limits.createdAtLowerLimit} s in the past`
    return undefined
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `ws://127.0.0.1:${port}`,
    port,
    info,
    refusals: () => ({ ...refusals }),
    storeStats: () => store.stats(),
    async stop() {
      for (const c of wss.clients) c.terminate()
      await new Promise<void>((r) => wss.close(() => r()))
      server.closeAllConnections()
      await new Promise<void>((r) => server.close(() => r()))
      await relay.destroy()
      await repo.destroy()
    },
  }
}
