/**
 * The Wallet port over Nostr Wallet Connect (NIP-47) with the project's own NIP-47 client
 * (shared/src/nwc: NIP-44 v2 with the NIP-04 fallback, one standing reply subscription per relay,
 * notifications). Every request has our own deadline: a timeout, a lost relay or an ambiguous wallet
 * error is an UNKNOWN payment outcome, to be looked up later, never guessed. Replies are validated with
 * zod. The client re-opens a dropped relay with backoff and re-sends its subscriptions; missed
 * notifications are the reconcile poller's job (NIP-47 events are ephemeral).
 */
import WebSocket from 'ws'
import { z } from 'zod'
import { decode } from 'light-bolt11-decoder'
import {
  NwcClient,
  type Nip47Notification,
  type NwcClientOptions,
} from '@zapcade/shared/nwc/client'
import { nodeNwcCrypto } from '@zapcade/shared/crypto/nwc-node'
import { NwcError, NwcWalletError } from '@zapcade/shared/nwc/uri'
import type { SocketClass } from '@zapcade/shared/nwc/relay-link'
import { AppError } from '@zapcade/shared/errors'
import { msat } from '@zapcade/shared/money'
import type {
  Invoice,
  InvoiceState,
  InvoiceStatus,
  MakeInvoiceRequest,
  OutgoingState,
  PayOutcome,
  Wallet,
} from '../../ports/wallet.ts'

export interface NwcWalletOptions {
  /** `nostr+walletconnect://…` — a spending credential: never logged. */
  url: string
  /** Deadline of make_invoice / lookup_invoice (default 10 s). */
  requestTimeoutMs?: number
  /** Deadline of pay_invoice before the outcome is UNKNOWN (default 60 s). */
  payTimeoutMs?: number
  log?: (msg: string, fields?: Record<string, unknown>) => void
  /** Requests in flight at once (default 256); more wait for a slot before they are sent. */
  maxInFlight?: number
  /** How the client receives replies (default: one standing subscription when the wallet tags `p`). */
  replies?: NwcClientOptions['replies']
}

const hex64 = z.string().regex(/^[0-9a-f]{64}$/)
const txSchema = z
  .object({
    type: z.enum(['incoming', 'outgoing']).optional(),
    state: z.string().optional(),
    invoice: z.string().optional(),
    payment_hash: hex64,
    preimage: z.string().nullish(),
    amount: z.number().int().nonnegative(),
    fees_paid: z.number().int().nonnegative().nullish(),
    created_at: z.number().int().nullish(),
    expires_at: z.number().int().nullish(),
    settled_at: z.number().int().nullish(),
  })
  .loose()
const madeSchema = txSchema.extend({
  invoice: z.string().min(10),
  created_at: z.number().int(),
  expires_at: z.number().int(),
})
const paySchema = z
  .object({ preimage: hex64, fees_paid: z.number().int().nonnegative().nullish() })
  .loose()
const notificationSchema = z.object({ notification_type: z.string(), notification: txSchema })

/** NIP-47 error codes after which a payment was definitely not made (the request was refused). */
const DEFINITE_PAY_FAILURES = new Set([
  'PAYMENT_FAILED',
  'INSUFFICIENT_BALANCE',
  'QUOTA_EXCEEDED',
  'RESTRICTED',
  'UNAUTHORIZED',
  'NOT_IMPLEMENTED',
  'RATE_LIMITED',
  'UNSUPPORTED_ENCRYPTION',
  'NOT_FOUND',
])

function stateOf(s: string | undefined): InvoiceState {
  if (s === 'settled') return 'SETTLED'
  if (s === 'expired') return 'EXPIRED'
  if (s === 'failed') return 'FAILED'
  return 'PENDING' // pending, accepted (held), or absent
}

function toStatus(t: z.infer<typeof txSchema>): InvoiceStatus {
  const state = stateOf(t.state)
  const s: InvoiceStatus = { paymentHash: t.payment_hash, state, amountMsat: msat(t.amount) }
  if (t.preimage && /^[0-9a-f]{64}$/.test(t.preimage)) s.preimage = t.preimage
  if (t.settled_at) s.settledAtSec = t.settled_at
  return s
}

/** A Wallet speaking NIP-47 to one wallet service. */
export class NwcWallet implements Wallet {
  private readonly client: NwcClient
  private readonly listeners = new Set<(s: InvoiceStatus) => void>()
  private unsubscribe: Promise<(() => void) | undefined> | undefined
  private closed = false
  private readonly requestTimeoutMs: number
  private readonly payTimeoutMs: number
  private readonly maxInFlight: number
  private inFlight = 0
  private readonly waiting: (() => void)[] = []

  constructor(private readonly opts: NwcWalletOptions) {
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 10_000
    this.payTimeoutMs = opts.payTimeoutMs ?? 60_000
    this.maxInFlight = Math.max(1, opts.maxInFlight ?? 256)
    const o: NwcClientOptions = {
      crypto: nodeNwcCrypto,
      WebSocket: WebSocket as unknown as SocketClass,
      timeoutMs: this.requestTimeoutMs,
    }
    if (opts.replies) o.replies = opts.replies
    this.client = new NwcClient(opts.url, o)
  }

  private async slot(): Promise<() => void> {
    if (this.inFlight >= this.maxInFlight) await new Promise<void>((r) => this.waiting.push(r))
    this.inFlight++
    return () => {
      this.inFlight--
      this.waiting.shift()?.()
    }
  }

  /** How the client receives replies: devnet tags `p`, so one standing subscription after the first reply. */
  get replyMode(): 'standing' | 'per-request' | 'probing' {
    return this.client.replyMode
  }

  /** The wallet service's pubkey (from the URL). */
  get walletPubkey(): string {
    return this.client.walletPubkey
  }

  /** One NIP-47 request with our deadline, which starts once the request has a slot (queued = not sent). */
  private async request(
    method: string,
    params: Record<string, unknown>,
    timeoutMs: number,
  ): Promise<unknown> {
    if (this.closed) throw new NwcError('CLOSED', 'wallet closed')
    const release = await this.slot()
    try {
      return await this.client.request(method, params, { timeoutMs })
    } finally {
      release()
    }
  }

  async makeInvoice(req: MakeInvoiceRequest): Promise<Invoice> {
    const params: Record<string, unknown> = { amount: req.amountMsat, expiry: req.expirySec }
    if (req.description !== undefined) params['description'] = req.description
    if (req.descriptionHash !== undefined) params['description_hash'] = req.descriptionHash
    let raw: unknown
    try {
      raw = await this.request('make_invoice', params, this.requestTimeoutMs)
    } catch (e) {
      throw new AppError(
        'WALLET_UNAVAILABLE',
        `the wallet could not make an invoice: ${describe(e)}`,
      )
    }
    const t = madeSchema.safeParse(raw)
    if (!t.success)
      throw new AppError(
        'WALLET_UNAVAILABLE',
        'the wallet answered make_invoice with an invalid transaction',
      )
    return {
      bolt11: t.data.invoice,
      paymentHash: t.data.payment_hash,
      amountMsat: msat(t.data.amount),
      createdAtSec: t.data.created_at,
      expiresAtSec: t.data.expires_at,
    }
  }

  async lookupInvoice(paymentHash: string): Promise<InvoiceStatus | undefined> {
    let raw: unknown
    try {
      raw = await this.request(
        'lookup_invoice',
        { payment_hash: paymentHash },
        this.requestTimeoutMs,
      )
    } catch (e) {
      if (e instanceof NwcWalletError && e.code === 'NOT_FOUND') return undefined
      throw new AppError('WALLET_UNAVAILABLE', `lookup_invoice failed: ${describe(e)}`)
    }
    const t = txSchema.safeParse(raw)
    if (!t.success || t.data.payment_hash !== paymentHash)
      throw new AppError(
        'WALLET_UNAVAILABLE',
        'the wallet answered lookup_invoice with an invalid transaction',
      )
    if (t.data.type === 'outgoing') return undefined
    return toStatus(t.data)
  }

  async payInvoice(bolt11: string): Promise<PayOutcome> {
    // Refuse locally what no wallet could pay, so a malformed invoice is FAILED, not UNKNOWN.
    try {
      decode(bolt11)
    } catch (e) {
      return { status: 'FAILED', reason: `not a BOLT11 invoice: ${describe(e)}` }
    }
    let raw: unknown
    try {
      raw = await this.request('pay_invoice', { invoice: bolt11 }, this.payTimeoutMs)
    } catch (e) {
      if (e instanceof NwcWalletError && DEFINITE_PAY_FAILURES.has(e.code))
        return { status: 'FAILED', reason: e.message }
      // Timeouts, lost relays, INTERNAL/OTHER: the wallet may or may not have paid.
      return { status: 'UNKNOWN', reason: describe(e) }
    }
    const r = paySchema.safeParse(raw)
    if (!r.success)
      return { status: 'UNKNOWN', reason: 'pay_invoice answered without a valid preimage' }
    return {
      status: 'SUCCEEDED',
      preimage: r.data.preimage,
      feesPaidMsat: msat(r.data.fees_paid ?? 0),
    }
  }

  async lookupPayment(paymentHash: string): Promise<OutgoingState> {
    let raw: unknown
    try {
      raw = await this.request(
        'lookup_invoice',
        { payment_hash: paymentHash },
        this.requestTimeoutMs,
      )
    } catch (e) {
      if (e instanceof NwcWalletError && e.code === 'NOT_FOUND') return { status: 'NOT_FOUND' }
      throw new AppError('WALLET_UNAVAILABLE', `lookup of a payment failed: ${describe(e)}`)
    }
    const t = txSchema.safeParse(raw)
    if (!t.success || t.data.payment_hash !== paymentHash)
      throw new AppError(
        'WALLET_UNAVAILABLE',
        'the wallet answered lookup_invoice with an invalid transaction',
      )
    if (t.data.type === 'incoming') return { status: 'NOT_FOUND' }
    if (t.data.state === 'settled' && t.data.preimage && /^[0-9a-f]{64}$/.test(t.data.preimage)) {
      return {
        status: 'SUCCEEDED',
        preimage: t.data.preimage,
        feesPaidMsat: msat(t.data.fees_paid ?? 0),
      }
    }
    if (t.data.state === 'failed')
      return { status: 'FAILED', reason: 'the wallet reports the payment failed' }
    return { status: 'PENDING' }
  }

  onPaymentReceived(listener: (status: InvoiceStatus) => void): () => void {
    this.listeners.add(listener)
    this.unsubscribe ??= this.client
      .subscribeNotifications((n: Nip47Notification) => this.deliver(n), {
        timeoutMs: this.requestTimeoutMs,
      })
      .catch((e: unknown) => {
        this.opts.log?.('NWC notification subscription failed; the reconcile poller covers it', {
          error: describe(e),
        })
        this.unsubscribe = undefined
        return undefined
      })
    return () => {
      this.listeners.delete(listener)
      if (this.listeners.size === 0) this.dropSubscription()
    }
  }

  /** Resolves once the notification subscription is open (tests wait on it before paying). */
  async notificationsReady(): Promise<boolean> {
    return (await this.unsubscribe) !== undefined
  }

  private deliver(n: Nip47Notification): void {
    const parsed = notificationSchema.safeParse(n)
    if (!parsed.success || parsed.data.notification_type !== 'payment_received') return
    if (parsed.data.notification.type === 'outgoing') return
    const status = toStatus(parsed.data.notification)
    for (const l of this.listeners) l(status)
  }

  private dropSubscription(): void {
    const u = this.unsubscribe
    this.unsubscribe = undefined
    void u?.then((f) => f?.())
  }

  async close(): Promise<void> {
    this.closed = true
    this.listeners.clear()
    const u = this.unsubscribe
    this.unsubscribe = undefined
    const f = await u
    f?.()
    this.client.close()
  }
}

function describe(e: unknown): string {
  if (e instanceof NwcWalletError) return e.message
  if (e instanceof NwcError) return `${e.code}: ${e.message}`
  return e instanceof Error ? e.message : String(e)
}
