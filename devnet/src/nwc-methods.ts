/**
 * The NIP-47 methods devnet answers, each checked with zod and run against the node for the
 * connection's wallet. Errors carry NIP-47 codes (NwcError / LightningError).
 */
import { createHash } from 'node:crypto'
import { z } from 'zod'
import { msat } from '@zapcade/shared/money'
import { LightningError, type LightningNode } from './lightning.ts'

export const NWC_METHODS = [
  'get_info',
  'get_balance',
  'make_invoice',
  'lookup_invoice',
  'pay_invoice',
  'list_transactions',
] as const
export type NwcMethod = (typeof NWC_METHODS)[number]
/** A permission is a method or the right to receive notifications. */
export type NwcPermission = NwcMethod | 'notifications'
export const ALL_PERMISSIONS: readonly NwcPermission[] = [...NWC_METHODS, 'notifications']
/** For a point of sale: make and watch invoices, never spend (NIP-47 "separate connections"). */
export const RECEIVE_ONLY: readonly NwcPermission[] = [
  'get_info',
  'get_balance',
  'make_invoice',
  'lookup_invoice',
  'list_transactions',
  'notifications',
]
export const NOTIFICATION_TYPES = ['payment_received', 'payment_sent'] as const

export const NWC_ERROR_CODES = [
  'RATE_LIMITED',
  'NOT_IMPLEMENTED',
  'INSUFFICIENT_BALANCE',
  'QUOTA_EXCEEDED',
  'RESTRICTED',
  'UNAUTHORIZED',
  'INTERNAL',
  'UNSUPPORTED_ENCRYPTION',
  'NOT_FOUND',
  'PAYMENT_FAILED',
  'OTHER',
] as const
export type NwcErrorCode = (typeof NWC_ERROR_CODES)[number]

export class NwcError extends Error {
  constructor(
    readonly code: NwcErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'NwcError'
  }
}

export function isNwcMethod(m: string): m is NwcMethod {
  return (NWC_METHODS as readonly string[]).includes(m)
}

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex characters')
const metadata = z.record(z.string(), z.unknown())
// Clients send null as often as they omit a field; treat both as absent.
const opt = <T extends z.ZodType>(t: T) => t.nullish().transform((v) => v ?? undefined)
const paramsOf = {
  get_info: z.object({}).passthrough(),
  get_balance: z.object({}).passthrough(),
  make_invoice: z.object({
    amount: z.number().int().positive(),
    description: opt(z.string().max(4096)),
    description_hash: opt(hex64),
    expiry: opt(z.number().int().positive()),
    metadata: opt(metadata),
  }),
  lookup_invoice: z
    .object({ payment_hash: opt(hex64), invoice: opt(z.string().min(1)) })
    .refine(
      (p) => p.payment_hash !== undefined || p.invoice !== undefined,
      'payment_hash or invoice is required',
    ),
  pay_invoice: z.object({
    invoice: z.string().min(1),
    amount: opt(z.number().int().positive()),
    metadata: opt(metadata),
  }),
  list_transactions: z.object({
    from: opt(z.number().int().nonnegative()),
    until: opt(z.number().int().nonnegative()),
    limit: opt(z.number().int().positive().max(1000)),
    offset: opt(z.number().int().nonnegative()),
    unpaid: opt(z.boolean()),
    type: opt(z.enum(['incoming', 'outgoing'])),
  }),
} satisfies Record<NwcMethod, z.ZodType>

export interface MethodContext {
  node: LightningNode
  walletId: number
  permissions: readonly NwcPermission[]
  lud16?: string
}

function parse<M extends NwcMethod>(method: M, params: unknown): z.output<(typeof paramsOf)[M]> {
  const r = paramsOf[method].safeParse(params ?? {})
  if (!r.success)
    throw new NwcError(
      'OTHER',
      `bad ${method} params: ${r.error.issues.map((i) => `${i.path.join('.') || 'params'} ${i.message}`).join('; ')}`,
    )
  return r.data as never
}

/** Run one method; throws NwcError or LightningError on failure. */
export async function runMethod(
  ctx: MethodContext,
  method: NwcMethod,
  rawParams: unknown,
): Promise<unknown> {
  const { node, walletId } = ctx
  switch (method) {
    case 'get_info': {
      parse(method, rawParams)
      const height = Math.floor(node.clock.nowMs() / 600_000)
      return {
        alias: 'Zapcade devnet',
        color: '#f7931a',
        pubkey: node.nodePubkey,
        network: 'regtest',
        block_height: height,
        block_hash: createHash('sha256').update(`devnet-block-${height}`).digest('hex'),
        methods: ctx.permissions.filter(isNwcMethod),
        notifications: ctx.permissions.includes('notifications') ? [...NOTIFICATION_TYPES] : [],
        ...(ctx.lud16 ? { lud16: ctx.lud16 } : {}),
      }
    }
    case 'get_balance':
      parse(method, rawParams)
      return { balance: node.balance(walletId) }
    case 'make_invoice': {
      const p = parse(method, rawParams)
      return node.makeInvoice(walletId, {
        amountMsat: msat(p.amount),
        ...(p.description !== undefined ? { description: p.description } : {}),
        ...(p.description_hash !== undefined ? { descriptionHash: p.description_hash } : {}),
        ...(p.expiry !== undefined ? { expirySec: p.expiry } : {}),
        ...(p.metadata !== undefined ? { metadata: p.metadata } : {}),
      })
    }
    case 'lookup_invoice': {
      const p = parse(method, rawParams)
      return node.lookup(walletId, {
        ...(p.payment_hash !== undefined ? { paymentHash: p.payment_hash } : {}),
        ...(p.invoice !== undefined ? { invoice: p.invoice } : {}),
      })
    }
    case 'pay_invoice': {
      const p = parse(method, rawParams)
      const r = await node.payInvoice(walletId, p.invoice, {
        ...(p.amount !== undefined ? { amountMsat: msat(p.amount) } : {}),
        ...(p.metadata !== undefined ? { metadata: p.metadata } : {}),
      })
      return { preimage: r.preimage, fees_paid: r.feesPaidMsat }
    }
    case 'list_transactions': {
      const p = parse(method, rawParams)
      return fitPage(
        node.listTransactions(walletId, {
          ...(p.from !== undefined ? { from: p.from } : {}),
          ...(p.until !== undefined ? { until: p.until } : {}),
          ...(p.limit !== undefined ? { limit: p.limit } : {}),
          ...(p.offset !== undefined ? { offset: p.offset } : {}),
          ...(p.unpaid !== undefined ? { unpaid: p.unpaid } : {}),
          ...(p.type !== undefined ? { type: p.type } : {}),
        }),
      )
    }
  }
}

/**
 * Relays refuse events over 64 KiB (ours does, as strfry): a page that would not fit is cut short,
 * and the client pages on with `offset` (total_count still counts everything).
 */
export const MAX_RESULT_CHARS = 40_000
function fitPage<T extends { transactions: unknown[] }>(page: T): T {
  let size = JSON.stringify(page).length
  while (size > MAX_RESULT_CHARS && page.transactions.length > 1) {
    size -= JSON.stringify(page.transactions.pop()).length + 1
  }
  return page
}

/** Map any thrown value to a NIP-47 error body; unknown errors are INTERNAL without detail. */
export function toNwcError(e: unknown): { code: NwcErrorCode; message: string } {
  if (e instanceof NwcError || e instanceof LightningError)
    return { code: e.code, message: e.message }
  return { code: 'INTERNAL', message: 'internal wallet error' }
}
