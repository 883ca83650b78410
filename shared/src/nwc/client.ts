/**
 * A small Nostr Wallet Connect (NIP-47) client: the one the market's wallet, the CLI and the storefront
 * use. Browser-safe: the WebSocket class and the cryptography (signing, the signature check, NIP-44 v2 and
 * NIP-04) are injected — see ../crypto/nwc-node.ts (server) and ./browser.ts.
 *
 * - Encryption as NIP-47 negotiates it: the wallet's 13194 info event lists what it speaks; nip44_v2 when
 *   offered (every request then carries `["encryption", "nip44_v2"]`), NIP-04 when the info event has no
 *   `encryption` tag; no info event at all: nip44_v2.
 * - Replies: ONE standing subscription per relay connection (`kinds 23195, authors [wallet], #p [us],
 *   since` an hour ago), live (end of stored events) before the first request is published, so a wallet
 *   that answers at once is never missed; replies are matched to requests by their `e` tag, so a
 *   request costs the relay one EVENT and its OK, with no REQ/CLOSE. NIP-47 only says a reply SHOULD tag
 *   `p`: the first request also listens by `#e`, and if that reply carries no `p` tag for us every later
 *   request gets its own `#e` subscription (at most 16 at once: relays cap subscriptions per connection).
 * - Every received event's signature is checked (the injected verifier), its author must be the wallet,
 *   its `e` one of our requests in flight, and a `p` tag, if any, must name us.
 * - A dropped relay is re-opened with backoff and the subscriptions re-sent; the standing one then also
 *   looks up the requests still in flight (`#e` of their ids: a relay that kept the reply delivers it,
 *   and a wallet still working answers on the live subscription). A request whose publication the relay
 *   never acknowledged is published again, the same signed event, once the replies are live again (a
 *   wallet sees it once or recognises its id); an acknowledged one is never re-sent (a second pay_invoice
 *   could answer an error for a payment that the first made). Each request keeps its own deadline
 *   (TIMEOUT), which says nothing of whether the wallet acted: a payment's outcome is then looked up.
 * - Notifications (23197 with nip44_v2, 23196 with NIP-04) through one subscription per relay.
 */
import type { NostrEvent } from '../events/event.ts'
import { RelayLink, type SocketClass } from './relay-link.ts'
import { NwcError, NwcWalletError, parseNwcUri, type NwcConnection } from './uri.ts'

export type NwcEncryption = 'nip44_v2' | 'nip04'

export interface NwcCrypto {
  publicKey(secret: Uint8Array): string
  sign(
    t: { kind: number; created_at: number; tags: string[][]; content: string },
    secret: Uint8Array,
  ): NostrEvent
  /** Full check of a received event: id recomputed, then the signature. */
  verify(ev: NostrEvent): boolean
  nip44: {
    conversationKey(secret: Uint8Array, peerPubkey: string): Uint8Array
    encrypt(plaintext: string, conversationKey: Uint8Array): string
    decrypt(payload: string, conversationKey: Uint8Array): string
  }
  nip04: {
    encrypt(secret: Uint8Array, peerPubkey: string, plaintext: string): string
    decrypt(secret: Uint8Array, peerPubkey: string, payload: string): string
  }
}

export interface NwcClientOptions {
  crypto: NwcCrypto
  WebSocket: SocketClass
  /** Use this encryption whatever the wallet offers (default: negotiated from the info event). */
  encryption?: NwcEncryption
  /** Default deadline of a request, from the call to the reply (default 60 s). */
  timeoutMs?: number
  /** How replies are received (default `auto`: standing if the wallet tags `p`, see above). */
  replies?: 'auto' | 'standing' | 'per-request'
}

/** A transaction as NIP-47 describes it (what a wallet should send: callers that need certainty validate). */
export interface Nip47Transaction {
  type: 'incoming' | 'outgoing'
  state?: string
  invoice: string
  description?: string
  description_hash?: string
  preimage?: string
  payment_hash: string
  amount: number
  fees_paid: number
  created_at: number
  expires_at: number
  settled_at?: number
  metadata?: unknown
}
export interface Nip47Notification {
  notification_type: string
  notification: Nip47Transaction
}
export interface Nip47Info {
  alias?: string
  color?: string
  pubkey?: string
  network?: string
  block_height?: number
  block_hash?: string
  methods: string[]
  notifications?: string[]
}
export interface WalletServiceInfo {
  capabilities: string[]
  encryptions: string[]
  notifications: string[]
}
export interface MakeInvoiceParams {
  amount: number
  description?: string
  description_hash?: string
  expiry?: number
  metadata?: unknown
}
export interface ListTransactionsParams {
  from?: number
  until?: number
  limit?: number
  offset?: number
  unpaid?: boolean
  type?: 'incoming' | 'outgoing'
}
export interface CallOptions {
  timeoutMs?: number
}

const K_INFO = 13194,
  K_REQUEST = 23194,
  K_RESPONSE = 23195,
  K_NOTE_NIP04 = 23196,
  K_NOTE_NIP44 = 23197
const PER_REQUEST_SUBS = 16
/** `since` of the standing reply filter: an hour back, so a wallet whose clock is behind is still heard. */
const REPLY_SINCE_SLACK_SEC = 3_600
/** At most this many request ids are looked up by `#e` when the standing subscription is re-sent. */
const LOOKUP_IDS = 500
const HEX64 = /^[0-9a-f]{64}$/

/** The request a reply answers: its `e` tag, if the event is a 23195 by the wallet. */
export function replyRequestId(ev: NostrEvent, walletPubkey: string): string | undefined {
  if (ev.kind !== K_RESPONSE || ev.pubkey !== walletPubkey) return undefined
  const e = ev.tags.find((t) => t[0] === 'e' && typeof t[1] === 'string' && HEX64.test(t[1]))
  return e?.[1]
}

/** Whether the wallet tagged the reply for this client (`["p", client]`), as the standing subscription needs. */
export function tagsClient(ev: Pick<NostrEvent, 'tags'>, clientPubkey: string): boolean {
  return ev.tags.some((t) => t[0] === 'p' && t[1] === clientPubkey)
}

/** Read a decrypted reply: the result, or the wallet's error as NwcWalletError. */
export function readReply(plaintext: string): Record<string, unknown> {
  let body: unknown
  try {
    body = JSON.parse(plaintext)
  } catch {
    throw new NwcError('BAD_REPLY', 'the wallet answered with something that is not JSON')
  }
  if (!body || typeof body !== 'object')
    throw new NwcError('BAD_REPLY', 'the wallet answered with no object')
  const { error, result } = body as { error?: unknown; result?: unknown }
  if (error && typeof error === 'object') {
    const { code, message } = error as { code?: unknown; message?: unknown }
    const c = typeof code === 'string' && code !== '' ? code : 'OTHER'
    throw new NwcWalletError(
      c,
      `${c}${typeof message === 'string' && message ? `: ${message}` : ''}`,
    )
  }
  return result && typeof result === 'object' ? (result as Record<string, unknown>) : {}
}

interface Pending {
  resolve(r: Record<string, unknown>): void
  reject(e: Error): void
  scheme: NwcEncryption
}

/** The first to succeed; if none does, the first failure (not an AggregateError), UNREACHABLE for none at all. */
async function anyOf<T>(ps: Promise<T>[]): Promise<T> {
  try {
    return await Promise.any(ps)
  } catch (e) {
    if (!(e instanceof AggregateError)) throw e
    throw e.errors[0] instanceof Error
      ? e.errors[0]
      : new NwcError('UNREACHABLE', 'no wallet relay is connected')
  }
}

let subCounter = 0
const subId = (prefix: string): string =>
  `${prefix}${(++subCounter).toString(36)}${Math.random().toString(36).slice(2, 8)}`

export class NwcClient {
  readonly connection: NwcConnection
  readonly walletPubkey: string
  readonly clientPubkey: string
  private readonly crypto: NwcCrypto
  private readonly links: RelayLink[]
  private readonly timeoutMs: number
  private readonly replies: 'auto' | 'standing' | 'per-request'
  private readonly forced: NwcEncryption | undefined
  private readonly replySub = subId('r')
  private replySubOpen = false
  private readonly pending = new Map<string, Pending>()
  /** Whether the wallet tags `p` on replies; undefined until the first reply says. */
  private pTagged: boolean | undefined
  private probe: Promise<void> | undefined
  private perRequestSubs = 0
  private readonly subWaiters: (() => void)[] = []
  private scheme: Promise<NwcEncryption> | undefined
  private conversationKey: Uint8Array | undefined
  private readonly noteHandlers = new Set<(n: Nip47Notification) => void>()
  private noteSub: string | undefined
  private readonly seenNotes = new Set<string>()
  private closed = false

  constructor(uri: string | NwcConnection, o: NwcClientOptions) {
    this.connection = typeof uri === 'string' ? parseNwcUri(uri) : uri
    this.walletPubkey = this.connection.walletPubkey
    this.crypto = o.crypto
    this.clientPubkey = o.crypto.publicKey(this.connection.secret)
    this.timeoutMs = o.timeoutMs ?? 60_000
    this.replies = o.replies ?? 'auto'
    this.forced = o.encryption
    if (this.replies === 'standing') this.pTagged = true
    if (this.replies === 'per-request') this.pTagged = false
    this.links = this.connection.relays.map((url) => new RelayLink(url, o.WebSocket))
  }

  /** How replies arrive now: one standing subscription, one per request, or not yet known. */
  get replyMode(): 'standing' | 'per-request' | 'probing' {
    return this.pTagged === undefined ? 'probing' : this.pTagged ? 'standing' : 'per-request'
  }

  // ---- methods ----

  getInfo(o?: CallOptions): Promise<Nip47Info> {
    return this.request('get_info', {}, o) as Promise<unknown> as Promise<Nip47Info>
  }

  getBalance(o?: CallOptions): Promise<{ balance: number }> {
    return this.request('get_balance', {}, o) as Promise<unknown> as Promise<{ balance: number }>
  }

  makeInvoice(params: MakeInvoiceParams, o?: CallOptions): Promise<Nip47Transaction> {
    return this.request(
      'make_invoice',
      { ...params },
      o,
    ) as Promise<unknown> as Promise<Nip47Transaction>
  }

  lookupInvoice(
    params: { payment_hash: string } | { invoice: string },
    o?: CallOptions,
  ): Promise<Nip47Transaction> {
    return this.request(
      'lookup_invoice',
      { ...params },
      o,
    ) as Promise<unknown> as Promise<Nip47Transaction>
  }

  payInvoice(
    params: { invoice: string; amount?: number },
    o?: CallOptions,
  ): Promise<{ preimage: string; fees_paid?: number }> {
    return this.request('pay_invoice', { ...params }, o) as Promise<unknown> as Promise<{
      preimage: string
      fees_paid?: number
    }>
  }

  listTransactions(
    params: ListTransactionsParams,
    o?: CallOptions,
  ): Promise<{ transactions: Nip47Transaction[]; total_count?: number }> {
    return this.request('list_transactions', { ...params }, o) as Promise<unknown> as Promise<{
      transactions: Nip47Transaction[]
      total_count?: number
    }>
  }

  /** The wallet's 13194 info event: capabilities, encryptions (none listed = NIP-04 only), notifications. */
  async getWalletServiceInfo(o?: CallOptions): Promise<WalletServiceInfo> {
    const ev = await this.infoEvent(o?.timeoutMs ?? this.timeoutMs)
    if (!ev) throw new NwcError('NOT_FOUND', 'the wallet has published no info event on its relays')
    const tag = (name: string): string[] | undefined =>
      ev.tags
        .find((t) => t[0] === name)?.[1]
        ?.split(/\s+/)
        .filter(Boolean)
    return {
      capabilities: ev.content.split(/\s+/).filter(Boolean),
      encryptions: tag('encryption') ?? ['nip04'],
      notifications: tag('notifications') ?? [],
    }
  }

  /** The encryption requests use: forced, or negotiated once from the info event. */
  encryption(o?: CallOptions): Promise<NwcEncryption> {
    if (this.forced) return Promise.resolve(this.forced)
    if (!this.scheme) {
      const p = this.infoEvent(Math.min(o?.timeoutMs ?? this.timeoutMs, 10_000)).then((ev) => {
        if (!ev) return 'nip44_v2' as const
        const offered = ev.tags.find((t) => t[0] === 'encryption')?.[1]?.split(/\s+/) ?? ['nip04']
        return offered.includes('nip44_v2') ? ('nip44_v2' as const) : ('nip04' as const)
      })
      this.scheme = p
      p.catch(() => {
        if (this.scheme === p) this.scheme = undefined
      }) // a lost relay: ask again next time
    }
    return this.scheme
  }

  // ---- requests ----

  /** One NIP-47 request; answers its `result` or throws NwcWalletError (the wallet's) or NwcError (local). */
  request(
    method: string,
    params: Record<string, unknown>,
    o?: CallOptions,
  ): Promise<Record<string, unknown>> {
    if (this.closed)
      return Promise.reject(new NwcError('CLOSED', 'the wallet connection is closed'))
    const timeoutMs = o?.timeoutMs ?? this.timeoutMs
    let cancel: (e: Error) => void = () => undefined
    const deadline = new Promise<never>((_, reject) => {
      cancel = reject
    })
    const timer = setTimeout(
      () => cancel(new NwcError('TIMEOUT', `${method}: no answer in ${timeoutMs} ms`)),
      timeoutMs,
    )
    const cleanups: (() => void)[] = []
    const run = this.send(method, params, timeoutMs, deadline, cleanups)
    run.catch(() => undefined) // the deadline may have answered first
    return Promise.race([run, deadline]).finally(() => {
      clearTimeout(timer)
      for (const c of cleanups) c()
    })
  }

  private async send(
    method: string,
    params: Record<string, unknown>,
    timeoutMs: number,
    deadline: Promise<never>,
    cleanups: (() => void)[],
  ): Promise<Record<string, unknown>> {
    deadline.catch(() => undefined)
    const scheme = await Promise.race([this.encryption({ timeoutMs }), deadline])
    await Promise.race([this.repliesLive(), deadline])
    // Until the first reply shows whether the wallet tags `p`, one request at a time also listens by `#e`.
    while (this.pTagged === undefined && this.probe) await Promise.race([this.probe, deadline])
    const perRequest = this.pTagged !== true
    let live = (): Promise<void> => this.repliesLive()
    const plaintext = JSON.stringify({ method, params })
    const tags = [['p', this.walletPubkey]]
    if (scheme === 'nip44_v2') tags.push(['encryption', 'nip44_v2'])
    const content =
      scheme === 'nip44_v2'
        ? this.crypto.nip44.encrypt(plaintext, this.key())
        : this.crypto.nip04.encrypt(this.connection.secret, this.walletPubkey, plaintext)
    const ev = this.crypto.sign(
      { kind: K_REQUEST, created_at: Math.floor(Date.now() / 1000), tags, content },
      this.connection.secret,
    )

    const reply = new Promise<Record<string, unknown>>((resolve, reject) => {
      this.pending.set(ev.id, { resolve, reject, scheme })
    })
    reply.catch(() => undefined)
    cleanups.push(() => this.pending.delete(ev.id))
    if (perRequest) {
      if (this.pTagged === undefined) {
        let done: () => void = () => undefined
        const probe = new Promise<void>((r) => {
          done = r
        })
        this.probe = probe
        cleanups.push(() => {
          if (this.probe === probe) this.probe = undefined
          done()
        })
      }
      await Promise.race([this.subSlot(), deadline])
      const id = subId('q')
      let released = false
      cleanups.push(() => {
        for (const l of this.links) l.unsubscribe(id)
        if (!released) {
          released = true
          this.releaseSlot()
        }
      })
      const filter = { kinds: [K_RESPONSE], authors: [this.walletPubkey], '#e': [ev.id] }
      for (const l of this.links) l.subscribe(id, filter, { onevent: (e) => this.onReply(e) })
      live = () => anyOf(this.links.map((l) => l.ensureOpen().then(() => l.whenLive(id))))
      await Promise.race([
        anyOf(this.links.filter((l) => l.isOpen).map((l) => l.whenLive(id))),
        deadline,
      ])
    }
    const published = this.publish(ev, live, deadline)
    published.catch(() => undefined) // the reply or the deadline may answer first
    return await Promise.race([reply, deadline, published.then(() => reply)])
  }

  /**
   * Publish until a relay acknowledges (OK true). When every relay drops before its OK, wait for the
   * replies to be live again (reconnected, subscriptions re-sent) and send the same signed event again.
   */
  private async publish(
    ev: NostrEvent,
    live: () => Promise<void>,
    deadline: Promise<never>,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await anyOf(this.links.filter((l) => l.isOpen).map((l) => l.publish(ev)))
        return
      } catch (e) {
        // A relay that drops the socket on every publication is not asked a fourth time.
        if (!(e instanceof NwcError) || e.code !== 'UNREACHABLE' || this.closed || attempt >= 3)
          throw e
      }
      if (!this.pending.has(ev.id)) return // answered (or ended) meanwhile
      await Promise.race([live(), deadline])
    }
  }

  /** The standing reply subscription, live on at least one relay (per-request mode: a connected relay). */
  private async repliesLive(): Promise<void> {
    if (this.replies === 'per-request') {
      await anyOf(this.links.map((l) => l.ensureOpen()))
      return
    }
    if (!this.replySubOpen) {
      this.replySubOpen = true
      for (const l of this.links)
        l.subscribe(this.replySub, () => this.replyFilters(), {
          onevent: (e) => this.onReply(e),
          standing: true,
        })
    }
    if (this.links.some((l) => l.isLive(this.replySub))) return
    await anyOf(this.links.map((l) => l.ensureOpen().then(() => l.whenLive(this.replySub))))
  }

  /**
   * The standing reply subscription's filters, read each time it is (re)sent: replies tagged for us
   * from now on, and, after a reconnect, any reply to a request still in flight (by its id).
   */
  private replyFilters(): Record<string, unknown>[] {
    const base = { kinds: [K_RESPONSE], authors: [this.walletPubkey] }
    const since = Math.floor(Date.now() / 1000) - REPLY_SINCE_SLACK_SEC
    const filters: Record<string, unknown>[] = [{ ...base, '#p': [this.clientPubkey], since }]
    const inFlight = [...this.pending.keys()].slice(-LOOKUP_IDS)
    if (inFlight.length > 0) filters.push({ ...base, '#e': inFlight })
    return filters
  }

  private onReply(ev: NostrEvent): void {
    const id = replyRequestId(ev, this.walletPubkey)
    if (!id) return
    const p = this.pending.get(id)
    if (!p) return
    // A reply tagged for another client is not ours, whatever its `e` says.
    if (ev.tags.some((t) => t[0] === 'p') && !tagsClient(ev, this.clientPubkey)) return
    if (!this.crypto.verify(ev)) return
    // A wallet that cannot read a request answers in its own preferred encryption (Alby Hub: nip44_v2).
    const plaintext =
      this.decrypt(ev.content, p.scheme) ??
      this.decrypt(ev.content, p.scheme === 'nip04' ? 'nip44_v2' : 'nip04')
    if (plaintext === undefined) return // not readable for us: keep waiting for the real answer
    if (this.replies === 'auto' && this.pTagged === undefined)
      this.pTagged = tagsClient(ev, this.clientPubkey)
    this.pending.delete(id)
    try {
      p.resolve(readReply(plaintext))
    } catch (e) {
      p.reject(e as Error)
    }
  }

  private decrypt(content: string, scheme: NwcEncryption): string | undefined {
    try {
      return scheme === 'nip44_v2'
        ? this.crypto.nip44.decrypt(content, this.key())
        : this.crypto.nip04.decrypt(this.connection.secret, this.walletPubkey, content)
    } catch {
      return undefined
    }
  }

  private async subSlot(): Promise<void> {
    while (this.perRequestSubs >= PER_REQUEST_SUBS)
      await new Promise<void>((r) => this.subWaiters.push(r))
    this.perRequestSubs++
  }

  private releaseSlot(): void {
    this.perRequestSubs--
    this.subWaiters.shift()?.()
  }

  private key(): Uint8Array {
    this.conversationKey ??= this.crypto.nip44.conversationKey(
      this.connection.secret,
      this.walletPubkey,
    )
    return this.conversationKey
  }

  /** The newest info event seen once the first relay reaches end of stored events (undefined: none). */
  private async infoEvent(timeoutMs: number): Promise<NostrEvent | undefined> {
    const id = subId('i')
    let best: NostrEvent | undefined
    const filter = { kinds: [K_INFO], authors: [this.walletPubkey], limit: 1 }
    let timer: ReturnType<typeof setTimeout> | undefined
    try {
      return await Promise.race([
        anyOf(
          this.links.map(async (l) => {
            await l.ensureOpen()
            l.subscribe(id, filter, {
              onevent: (ev) => {
                if (
                  ev.kind !== K_INFO ||
                  ev.pubkey !== this.walletPubkey ||
                  !this.crypto.verify(ev)
                )
                  return
                if (!best || ev.created_at > best.created_at) best = ev
              },
            })
            await l.whenLive(id)
            return best
          }),
        ),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new NwcError('TIMEOUT', `no wallet info event in ${timeoutMs} ms`)),
            timeoutMs,
          )
        }),
      ])
    } finally {
      clearTimeout(timer)
      for (const l of this.links) l.unsubscribe(id)
    }
  }

  // ---- notifications ----

  /**
   * Receive the wallet's notifications (payment_received, payment_sent, …); resolves once the
   * subscription is live on a relay, with the function that stops it. Missed notifications (the relay
   * was down: they are ephemeral) are the caller's to reconcile with lookup_invoice.
   */
  async subscribeNotifications(
    handler: (n: Nip47Notification) => void,
    o?: CallOptions,
  ): Promise<() => void> {
    if (this.closed) throw new NwcError('CLOSED', 'the wallet connection is closed')
    const scheme = await this.encryption(o)
    this.noteHandlers.add(handler)
    const off = (): void => {
      this.noteHandlers.delete(handler)
      if (this.noteHandlers.size > 0 || !this.noteSub) return
      for (const l of this.links) l.unsubscribe(this.noteSub)
      this.noteSub = undefined
    }
    if (!this.noteSub) {
      const id = (this.noteSub = subId('n'))
      const kind = scheme === 'nip44_v2' ? K_NOTE_NIP44 : K_NOTE_NIP04
      const filter = { kinds: [kind], authors: [this.walletPubkey], '#p': [this.clientPubkey] }
      for (const l of this.links)
        l.subscribe(id, filter, {
          onevent: (ev) => this.onNotification(ev, scheme),
          standing: true,
        })
    }
    const id = this.noteSub
    let timer: ReturnType<typeof setTimeout> | undefined
    const timeoutMs = o?.timeoutMs ?? this.timeoutMs
    try {
      await Promise.race([
        anyOf(this.links.map((l) => l.ensureOpen().then(() => l.whenLive(id)))),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new NwcError('TIMEOUT', `notifications: not live in ${timeoutMs} ms`)),
            timeoutMs,
          )
        }),
      ])
    } catch (e) {
      off()
      throw e
    } finally {
      clearTimeout(timer)
    }
    return off
  }

  private onNotification(ev: NostrEvent, scheme: NwcEncryption): void {
    const kind = scheme === 'nip44_v2' ? K_NOTE_NIP44 : K_NOTE_NIP04
    if (ev.kind !== kind || ev.pubkey !== this.walletPubkey || !tagsClient(ev, this.clientPubkey))
      return
    if (this.links.length > 1) {
      if (this.seenNotes.has(ev.id)) return
      this.seenNotes.add(ev.id)
      if (this.seenNotes.size > 1_000)
        this.seenNotes.delete(this.seenNotes.values().next().value as string)
    }
    if (!this.crypto.verify(ev)) return
    const text = this.decrypt(ev.content, scheme)
    if (text === undefined) return
    let n: unknown
    try {
      n = JSON.parse(text)
    } catch {
      return
    }
    const note = n as Partial<Nip47Notification> | null
    if (
      !note ||
      typeof note.notification_type !== 'string' ||
      !note.notification ||
      typeof note.notification !== 'object'
    )
      return
    for (const h of this.noteHandlers) {
      try {
        h(note as Nip47Notification)
      } catch {
        // one handler's failure is not the others'
      }
    }
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    for (const p of this.pending.values())
      p.reject(new NwcError('CLOSED', 'the wallet connection is closed'))
    this.pending.clear()
    this.noteHandlers.clear()
    for (const l of this.links) l.close()
  }
}
