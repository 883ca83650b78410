/**
 * The node's rows and their NIP-47 wire shape (amounts msat, times unix seconds), plus the node's
 * error type carrying a NIP-47 code the wallet service passes on unchanged.
 */

/** NIP-47 error codes the node can raise. */
export type NodeErrorCode =
  | 'NOT_FOUND'
  | 'INSUFFICIENT_BALANCE'
  | 'PAYMENT_FAILED'
  | 'OTHER'
  | 'INTERNAL'

export class LightningError extends Error {
  constructor(
    readonly code: NodeErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'LightningError'
  }
}

/** A transaction as NIP-47 sends it; absent fields are omitted, never null. */
export interface NwcTransaction {
  type: 'incoming' | 'outgoing'
  state: 'pending' | 'settled' | 'expired' | 'failed'
  invoice: string
  description?: string
  description_hash?: string
  preimage?: string
  payment_hash: string
  amount: number
  fees_paid: number
  created_at: number
  expires_at?: number
  settled_at?: number
  metadata?: Record<string, unknown>
}

export interface InvoiceRow {
  payment_hash: string
  wallet_id: number
  bolt11: string
  preimage: string
  amount_msat: number
  description: string | null
  description_hash: string | null
  metadata: string | null
  created_at: number
  expires_at: number
  state: 'open' | 'inflight' | 'settled'
  settled_at: number | null
  changed_ms: number
}

export interface PaymentRow {
  wallet_id: number
  payment_hash: string
  bolt11: string
  amount_msat: number
  fees_msat: number
  description: string | null
  description_hash: string | null
  state: 'pending' | 'settled' | 'failed'
  failure: string | null
  preimage: string | null
  created_at: number
  expires_at: number | null
  settled_at: number | null
  metadata: string | null
  changed_ms: number
}

const parseMetadata = (text: string | null) =>
  text ? (JSON.parse(text) as Record<string, unknown>) : undefined

/** An invoice of the wallet as NIP-47 shows it; the preimage only once it is paid. */
export function incomingTx(r: InvoiceRow, nowSec: number): NwcTransaction {
  const state = r.state === 'settled' ? 'settled' : nowSec >= r.expires_at ? 'expired' : 'pending'
  return compact({
    type: 'incoming' as const,
    state,
    invoice: r.bolt11,
    description: r.description ?? undefined,
    description_hash: r.description_hash ?? undefined,
    preimage: r.state === 'settled' ? r.preimage : undefined,
    payment_hash: r.payment_hash,
    amount: r.amount_msat,
    fees_paid: 0,
    created_at: r.created_at,
    expires_at: r.expires_at,
    settled_at: r.settled_at ?? undefined,
    metadata: parseMetadata(r.metadata),
  })
}

/** A payment of the wallet as NIP-47 shows it. */
export function outgoingTx(r: PaymentRow): NwcTransaction {
  return compact({
    type: 'outgoing' as const,
    state: r.state,
    invoice: r.bolt11,
    description: r.description ?? undefined,
    description_hash: r.description_hash ?? undefined,
    preimage: r.preimage ?? undefined,
    payment_hash: r.payment_hash,
    amount: r.amount_msat,
    fees_paid: r.fees_msat,
    created_at: r.created_at,
    expires_at: r.expires_at ?? undefined,
    settled_at: r.settled_at ?? undefined,
    metadata: parseMetadata(r.metadata),
  })
}

/** Drop undefined fields, so JSON carries only what is known (exactOptionalPropertyTypes). */
function compact<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as never
}
