/**
 * Fault knobs of devnet, as function calls and as a small local HTTP API (POST /control/<knob>, JSON
 * bodies) served beside the Lightning addresses. Knobs: fail the next payments, hold settlement (for ms
 * or until released), drop notifications, answer slowly, refuse the next requests with a NIP-47 error
 * code (QUOTA_EXCEEDED, RATE_LIMITED…), go offline and come back; plus paying an
 * invoice from a named wallet directly, for tests and people trying the market by hand.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { z } from 'zod'
import { LightningError, type LightningNode, type PayResult } from './lightning.ts'
import { NO_REFUSAL, type WalletService } from './wallet-service.ts'
import { NWC_ERROR_CODES, type NwcErrorCode } from './nwc-methods.ts'

export class DevnetControl {
  constructor(
    readonly node: LightningNode,
    readonly service: WalletService,
  ) {}

  /** The next `count` payments fail with PAYMENT_FAILED and move no money. */
  failNextPayment(count = 1, reason?: string): void {
    this.node.failNextPayments(count, reason)
  }

  /** Hold settlement of every payment for `ms`, or until releaseHeld() when ms is omitted. */
  holdSettlement(ms?: number): void {
    this.node.holdSettlements(ms)
  }

  releaseHeld(): void {
    this.node.releaseHeld()
  }

  /** Held payments fail after all: payers refunded, invoices payable again. */
  failHeld(reason?: string): void {
    this.node.failHeld(reason)
  }

  /** Drop the next `count` notifications (default: all, until dropNotifications(0)). */
  dropNotifications(count = Infinity): void {
    this.service.faults.dropNotifications = count
  }

  /** Refuse the next `count` NWC requests (of `method`, or any) with the NIP-47 error `code`; no effect on money. */
  refuseRequests(count: number, code: NwcErrorCode, method?: string): void {
    this.service.faults.refuse = { count, code, method }
  }

  /** Delay every NWC response by `ms` (0 = answer at once). */
  slowResponses(ms: number): void {
    this.service.faults.delayMs = ms
  }

  /** Stop reading the relay subscription: requests and notifications meanwhile are lost. */
  goOffline(): void {
    this.service.goOffline()
  }

  async goOnline(): Promise<void> {
    await this.service.goOnline()
  }

  /** Every knob back to normal; held payments settle. */
  async reset(): Promise<void> {
    this.node.failNextPayments(0)
    this.node.clearHold()
    this.service.faults.dropNotifications = 0
    this.service.faults.delayMs = 0
    this.service.faults.refuse = NO_REFUSAL
    if (this.service.faults.offline) await this.service.goOnline()
  }

  state() {
    const { failNext, hold } = this.node.faults
    const { dropNotifications, delayMs, offline, refuse } = this.service.faults
    return {
      fail_next: failNext,
      hold: hold ?? null,
      held: this.node.heldCount(),
      drop_notifications: Number.isFinite(dropNotifications) ? dropNotifications : 'all',
      delay_ms: delayMs,
      offline,
      refuse:
        refuse.count > 0
          ? { count: refuse.count, code: refuse.code, method: refuse.method ?? null }
          : null,
    }
  }

  /** Pay a BOLT11 invoice from a named wallet, straight at the node (no NWC). */
  payInvoice(walletName: string, bolt11: string): Promise<PayResult> {
    return this.node.payInvoice(this.node.wallet(walletName).id, bolt11)
  }
}

const bodies = {
  'fail-next-payment': z.object({
    count: z.number().int().nonnegative().optional(),
    reason: z.string().optional(),
  }),
  'hold-settlement': z.object({ ms: z.number().int().nonnegative().optional() }),
  'release-held': z.object({}),
  'fail-held': z.object({ reason: z.string().optional() }),
  'drop-notifications': z.object({ count: z.number().int().nonnegative().optional() }),
  'slow-responses': z.object({ ms: z.number().int().nonnegative() }),
  'refuse-requests': z.object({
    count: z.number().int().nonnegative().optional(),
    code: z.enum(NWC_ERROR_CODES),
    method: z.string().optional(),
  }),
  offline: z.object({}),
  online: z.object({}),
  reset: z.object({}),
  pay: z.object({ wallet: z.string(), bolt11: z.string() }),
} as const

type Route = keyof typeof bodies

/** Serve /control/*; answers true when it handled the request. */
export async function handleControl(
  control: DevnetControl,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<boolean> {
  if (!path.startsWith('/control')) return false
  const send = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  }
  if (req.method === 'GET' && path === '/control/state') return (send(200, control.state()), true)
  const route = path.slice('/control/'.length) as Route
  if (req.method !== 'POST' || !(route in bodies))
    return (send(404, { error: 'unknown control route' }), true)
  let raw: unknown = {}
  try {
    const text = await readBody(req)
    raw = text ? JSON.parse(text) : {}
  } catch {
    return (send(400, { error: 'body is not JSON' }), true)
  }
  const parsed = bodies[route].safeParse(raw)
  if (!parsed.success)
    return (
      send(400, {
        error: parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; '),
      }),
      true
    )
  const b = parsed.data as {
    count?: number
    reason?: string
    ms?: number
    wallet?: string
    bolt11?: string
    code?: NwcErrorCode
    method?: string
  }
  try {
    switch (route) {
      case 'fail-next-payment':
        control.failNextPayment(b.count ?? 1, b.reason)
        break
      case 'hold-settlement':
        control.holdSettlement(b.ms)
        break
      case 'release-held':
        control.releaseHeld()
        break
      case 'fail-held':
        control.failHeld(b.reason)
        break
      case 'drop-notifications':
        control.dropNotifications(b.count ?? Infinity)
        break
      case 'slow-responses':
        control.slowResponses(b.ms ?? 0)
        break
      case 'refuse-requests':
        control.refuseRequests(b.count ?? 1, b.code!, b.method)
        break
      case 'offline':
        control.goOffline()
        break
      case 'online':
        await control.goOnline()
        break
      case 'reset':
        await control.reset()
        break
      case 'pay': {
        const r = await control.payInvoice(b.wallet ?? '', b.bolt11 ?? '')
        return (
          send(200, {
            preimage: r.preimage,
            fees_paid: r.feesPaidMsat,
            payment_hash: r.transaction.payment_hash,
          }),
          true
        )
      }
    }
  } catch (e) {
    if (e instanceof LightningError) return (send(400, { error: e.message, code: e.code }), true)
    throw e
  }
  return (send(200, control.state()), true)
}

/** Read a small request body (control and LNURL bodies are tiny). */
export function readBody(req: IncomingMessage, limit = 64 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > limit) {
        reject(new Error('body too large'))
        req.destroy()
      } else chunks.push(c)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}
