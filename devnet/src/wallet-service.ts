/**
 * The devnet NWC wallet service: real NIP-47 over a relay for every wallet of the node. One service key
 * (the URI's pubkey) answers all connections; a connection is a client key with a wallet and a
 * permission set. It publishes the 13194 info event, answers 23194 requests with 23195 responses
 * (signed by the service key, `p` = client, `e` = request), and sends payment_received / payment_sent
 * both as 23197 (NIP-44) and 23196 (NIP-04), as NIP-47 asks of a wallet that speaks both.
 * Fault knobs: drop notifications, answer slowly, go offline (stop reading the subscription).
 */
import { randomBytes } from 'node:crypto'
import WebSocket from 'ws'
import { getPublicKey, type Event } from 'nostr-tools/pure'
import { AbstractRelay, type Subscription } from 'nostr-tools/abstract-relay'
import { bytesToHex, hexToBytes } from 'nostr-tools/utils'
import { Kind } from '@zapcade/shared/kinds'
import { signEvent, verifyEvent } from '@zapcade/shared/crypto/event-sig'
import type { LightningNode, NwcTransaction, Settlement } from './lightning.ts'
import { decryptFrom, encryptFor, requestEncryption, type NwcEncryption } from './nwc-crypto.ts'
import {
  ALL_PERMISSIONS,
  NOTIFICATION_TYPES,
  NWC_METHODS,
  NwcError,
  type NwcErrorCode,
  isNwcMethod,
  runMethod,
  toNwcError,
  type NwcPermission,
} from './nwc-methods.ts'

export interface Connection {
  clientPubkey: string
  walletId: number
  label: string
  permissions: NwcPermission[]
  nwcUrl: string
}

export interface ServiceFaults {
  /** Notifications still to drop; Infinity = all until cleared. */
  dropNotifications: number
  /** Extra delay before each response is published. */
  delayMs: number
  offline: boolean
  /** The next `count` requests for `method` (any method when absent) are refused with this NIP-47 code. */
  refuse: { count: number; code: NwcErrorCode; method?: string | undefined }
}

/** The `refuse` knob at rest: no request is refused. */
export const NO_REFUSAL: ServiceFaults['refuse'] = Object.freeze({ count: 0, code: 'OTHER' })

export interface WalletServiceOptions {
  relayUrl: string
  /** Lightning address of a wallet, if it has one (shown in get_info and the URI). */
  lud16For?: (walletId: number) => string | undefined
}

interface ConnectionRow {
  client_pubkey: string
  wallet_id: number
  label: string
  client_secret: string
  permissions: string
}

const nowSec = () => Math.floor(Date.now() / 1000)

export class WalletService {
  readonly servicePubkey: string
  readonly faults: ServiceFaults = {
    dropNotifications: 0,
    delayMs: 0,
    offline: false,
    refuse: NO_REFUSAL,
  }
  /** Requests answered (for tests and the control API). */
  answered = 0
  /** Successful relay connections so far (1 after start; more after reconnects). */
  relayConnects = 0
  private readonly serviceKey: Uint8Array
  private relay: AbstractRelay | undefined
  private sub: Subscription | undefined
  private stopped = false
  private reconnectTimer: NodeJS.Timeout | undefined
  private readonly seen = new Set<string>()
  private readonly pending = new Set<Promise<unknown>>()
  private readonly unsubscribeNode: () => void

  constructor(
    readonly node: LightningNode,
    private readonly opts: WalletServiceOptions,
  ) {
    this.serviceKey = hexToBytes(node.metaOr('nwc_service_key', () => bytesToHex(randomBytes(32))))
    this.servicePubkey = getPublicKey(this.serviceKey)
    this.unsubscribeNode = node.onSettled((s) => this.track(this.notifySettlement(s)))
  }

  get relayUrl(): string {
    return this.opts.relayUrl
  }

  // ---- connections ----

  /** The NWC URI of a client secret: `nostr+walletconnect://<service>?relay=…&secret=…[&lud16=…]`. */
  uriFor(clientSecretHex: string, walletId: number): string {
    const lud16 = this.opts.lud16For?.(walletId)
    const q = new URLSearchParams({ relay: this.opts.relayUrl, secret: clientSecretHex })
    if (lud16) q.set('lud16', lud16)
    return `nostr+walletconnect://${this.servicePubkey}?${q.toString()}`
  }

  /** A new connection to a wallet with its own client secret. */
  createConnection(
    walletId: number,
    opts: { label?: string; permissions?: readonly NwcPermission[] } = {},
  ): Connection {
    this.node.wallet(walletId)
    const secret = bytesToHex(randomBytes(32))
    const clientPubkey = getPublicKey(hexToBytes(secret))
    const permissions = [...(opts.permissions ?? ALL_PERMISSIONS)]
    for (const p of permissions)
      if (p !== 'notifications' && !isNwcMethod(p))
        throw new NwcError('OTHER', `unknown permission ${p}`)
    this.node.db
      .prepare(
        'INSERT INTO connections (client_pubkey, wallet_id, label, client_secret, permissions, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(
        clientPubkey,
        walletId,
        opts.label ?? `conn-${clientPubkey.slice(0, 12)}`,
        secret,
        permissions.join(' '),
        nowSec(),
      )
    return {
      clientPubkey,
      walletId,
      label: opts.label ?? `conn-${clientPubkey.slice(0, 12)}`,
      permissions,
      nwcUrl: this.uriFor(secret, walletId),
    }
  }

  /** The connection with this label on the wallet, created once (idempotent across restarts). */
  ensureConnection(
    walletId: number,
    label: string,
    permissions: readonly NwcPermission[] = ALL_PERMISSIONS,
  ): Connection {
    const row = this.node.db
      .prepare('SELECT * FROM connections WHERE wallet_id = ? AND label = ?')
      .get(walletId, label) as ConnectionRow | undefined
    return row ? this.toConnection(row) : this.createConnection(walletId, { label, permissions })
  }

  connection(clientPubkey: string): Connection | undefined {
    const row = this.node.db
      .prepare('SELECT * FROM connections WHERE client_pubkey = ?')
      .get(clientPubkey) as ConnectionRow | undefined
    return row ? this.toConnection(row) : undefined
  }

  /** Revoke a connection: its requests get UNAUTHORIZED from then on. */
  revokeConnection(clientPubkey: string): void {
    this.node.db.prepare('DELETE FROM connections WHERE client_pubkey = ?').run(clientPubkey)
  }

  private toConnection(r: ConnectionRow): Connection {
    return {
      clientPubkey: r.client_pubkey,
      walletId: r.wallet_id,
      label: r.label,
      permissions: r.permissions.split(' ').filter(Boolean) as NwcPermission[],
      nwcUrl: this.uriFor(r.client_secret, r.wallet_id),
    }
  }

  private connectionsOf(walletId: number): Connection[] {
    const rows = this.node.db
      .prepare('SELECT * FROM connections WHERE wallet_id = ?')
      .all(walletId) as ConnectionRow[]
    return rows.map((r) => this.toConnection(r))
  }

  // ---- relay ----

  /** Connect, publish the info event and start answering; resolves once subscribed. */
  async start(): Promise<void> {
    this.stopped = false
    await this.connect()
  }

  private async connect(): Promise<void> {
    // Pings detect a silently dead connection; onclose then reconnects with our own short backoff.
    // Received requests are verified with shared's event-sig (libsecp256k1 in WASM), not nostr-tools' noble.
    const relay = await AbstractRelay.connect(this.opts.relayUrl, {
      enablePing: true,
      verifyEvent,
      websocketImplementation: WebSocket as never,
    })
    if (this.stopped) return relay.close() // stop() came while a reconnect was under way
    this.relay = relay
    relay.onclose = () => {
      this.sub = undefined
      if (!this.stopped) this.scheduleReconnect()
    }
    await this.publish(this.infoEvent())
    if (!this.faults.offline) this.subscribe()
    this.relayConnects += 1
  }

  /** Connected and reading requests. */
  get listening(): boolean {
    return !!this.relay?.connected && !!this.sub && !this.faults.offline
  }

  private scheduleReconnect(delayMs = 250): void {
    if (this.reconnectTimer || this.stopped) return
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined
      this.connect().catch(() => this.scheduleReconnect(Math.min(delayMs * 2, 5000)))
    }, delayMs)
  }

  private subscribe(): void {
    if (!this.relay || this.sub) return
    this.sub = this.relay.subscribe([{ kinds: [Kind.NwcRequest], '#p': [this.servicePubkey] }], {
      onevent: (ev) => this.track(this.handle(ev)),
      onclose: () => {
        this.sub = undefined
        // A relay may CLOSE the subscription alone; come back unless we closed it (offline, stop).
        if (!this.stopped && !this.faults.offline && this.relay?.connected)
          setTimeout(() => this.subscribe(), 250)
      },
    })
  }

  /** NIP-47 info event: capabilities in content, encryption and notification tags. */
  private infoEvent(): Event {
    return signEvent(
      {
        kind: Kind.NwcInfo,
        created_at: nowSec(),
        tags: [
          ['encryption', 'nip44_v2 nip04'],
          ['notifications', NOTIFICATION_TYPES.join(' ')],
        ],
        content: [...NWC_METHODS, 'notifications'].join(' '),
      },
      this.serviceKey,
    )
  }

  private async publish(ev: Event): Promise<void> {
    if (!this.relay) return
    try {
      await this.relay.publish(ev)
    } catch {
      // Ephemeral events on a lost connection are lost, as on a real relay; clients reconcile.
    }
  }

  /** Keep a background task for idle()/stop(); its failure is already answered or irrelevant. */
  private track<T>(p: Promise<T>): void {
    const settled = p.then(
      () => undefined,
      () => undefined,
    )
    this.pending.add(settled)
    void settled.then(() => this.pending.delete(settled))
  }

  // ---- requests ----

  private async handle(ev: Event): Promise<void> {
    if (this.faults.offline || this.seen.has(ev.id)) return
    this.seen.add(ev.id)
    if (this.seen.size > 10_000) this.seen.delete(this.seen.values().next().value as string)
    // NIP-47: a request past its `expiration` tag is not processed.
    const expiration = Number(ev.tags.find((t) => t[0] === 'expiration')?.[1])
    if (Number.isFinite(expiration) && expiration <= nowSec()) return
    const scheme = requestEncryption(ev.tags)
    if (!scheme)
      return this.respond(ev, 'nip04', '', {
        error: { code: 'UNSUPPORTED_ENCRYPTION', message: 'devnet speaks nip44_v2 and nip04' },
      })
    let method = ''
    let plaintext: string
    try {
      plaintext = decryptFrom(scheme, this.serviceKey, ev.pubkey, ev.content)
    } catch {
      return this.respond(ev, scheme, '', {
        error: { code: 'OTHER', message: `cannot decrypt the request as ${scheme}` },
      })
    }
    try {
      const body = JSON.parse(plaintext) as { method?: unknown; params?: unknown }
      method = typeof body.method === 'string' ? body.method : ''
      const conn = this.connection(ev.pubkey)
      if (!conn) throw new NwcError('UNAUTHORIZED', 'no wallet is connected to this client key')
      if (!isNwcMethod(method))
        throw new NwcError('NOT_IMPLEMENTED', `method ${method || '(none)'} is not implemented`)
      if (!conn.permissions.includes(method))
        throw new NwcError('RESTRICTED', `this connection may not ${method}`)
      const refuse = this.faults.refuse
      if (refuse.count > 0 && (refuse.method === undefined || refuse.method === method)) {
        refuse.count -= 1
        throw new NwcError(refuse.code, `devnet refuses this ${method} (fault knob)`)
      }
      const lud16 = this.opts.lud16For?.(conn.walletId)
      const result = await runMethod(
        {
          node: this.node,
          walletId: conn.walletId,
          permissions: conn.permissions,
          ...(lud16 ? { lud16 } : {}),
        },
        method,
        body.params,
      )
      await this.respond(ev, scheme, method, { result })
    } catch (e) {
      const error =
        e instanceof SyntaxError
          ? { code: 'OTHER' as const, message: 'request content is not JSON' }
          : toNwcError(e)
      await this.respond(ev, scheme, method, { error })
    }
  }

  private async respond(
    req: Event,
    scheme: NwcEncryption,
    method: string,
    body: { result?: unknown; error?: { code: string; message: string } },
  ) {
    if (this.faults.delayMs > 0) await new Promise((r) => setTimeout(r, this.faults.delayMs))
    if (this.faults.offline) return
    const content = JSON.stringify({
      result_type: method,
      error: body.error ?? null,
      result: body.result ?? null,
    })
    const ev = signEvent(
      {
        kind: Kind.NwcResponse,
        created_at: nowSec(),
        tags: [
          ['p', req.pubkey],
          ['e', req.id],
          ['encryption', scheme],
        ],
        content: encryptFor(scheme, this.serviceKey, req.pubkey, content),
      },
      this.serviceKey,
    )
    this.answered += 1
    await this.publish(ev)
  }

  // ---- notifications ----

  private async notifySettlement(s: Settlement): Promise<void> {
    await this.notify(s.payeeWalletId, 'payment_received', s.incoming)
    await this.notify(s.payerWalletId, 'payment_sent', s.outgoing)
  }

  private async notify(
    walletId: number,
    type: (typeof NOTIFICATION_TYPES)[number],
    tx: NwcTransaction,
  ): Promise<void> {
    if (this.faults.offline) return
    if (this.faults.dropNotifications > 0) {
      this.faults.dropNotifications -= 1
      return
    }
    const content = JSON.stringify({ notification_type: type, notification: tx })
    for (const conn of this.connectionsOf(walletId)) {
      if (!conn.permissions.includes('notifications')) continue
      for (const [kind, scheme] of [
        [Kind.NwcNotification, 'nip44_v2'],
        [Kind.NwcNotificationNip04, 'nip04'],
      ] as const) {
        const ev = signEvent(
          {
            kind,
            created_at: nowSec(),
            tags: [['p', conn.clientPubkey]],
            content: encryptFor(scheme, this.serviceKey, conn.clientPubkey, content),
          },
          this.serviceKey,
        )
        await this.publish(ev)
      }
    }
  }

  // ---- faults ----

  /** Stop reading the relay subscription: requests and notifications in the meantime are lost. */
  goOffline(): void {
    this.faults.offline = true
    this.sub?.close()
    this.sub = undefined
  }

  /** Resubscribe and republish the info event. */
  async goOnline(): Promise<void> {
    this.faults.offline = false
    if (this.relay?.connected) {
      this.subscribe()
      await this.publish(this.infoEvent())
    } else this.scheduleReconnect(0)
  }

  /** Wait for every request and notification in progress. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending])
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer)
    this.unsubscribeNode()
    this.sub?.close()
    await this.idle()
    this.relay?.close()
    this.relay = undefined
  }
}
