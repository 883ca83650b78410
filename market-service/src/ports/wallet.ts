/**
 * Wallet port: what the market needs from a Lightning wallet (NIP-47 in production and devnet).
 * Outcomes are tri-state where the network can leave them unknown: an UNKNOWN payment stays pending and
 * is looked up later, never guessed (docs/architecture.md "Money flows"; lnbits wallets/base.py).
 */
import type { Msat } from '@zapcade/shared/money'

export interface MakeInvoiceRequest {
  amountMsat: Msat
  /** Plain description (checkout) — exclusive with descriptionHash. */
  description?: string
  /** Hex sha256 committed in the invoice (zaps: sha256 of the zap request; LNURL: of the metadata). */
  descriptionHash?: string
  expirySec: number
}

export interface Invoice {
  bolt11: string
  paymentHash: string
  amountMsat: Msat
  createdAtSec: number
  expiresAtSec: number
}

export type InvoiceState = 'PENDING' | 'SETTLED' | 'EXPIRED' | 'FAILED'

export interface InvoiceStatus {
  paymentHash: string
  state: InvoiceState
  amountMsat: Msat
  preimage?: string
  settledAtSec?: number
}

export type PayOutcome =
  | { status: 'SUCCEEDED'; preimage: string; feesPaidMsat: Msat }
  | { status: 'FAILED'; reason: string }
  /** Timeout, lost connection, wallet error without a definite answer: look it up later. */
  | { status: 'UNKNOWN'; reason: string }

export type OutgoingState =
  | { status: 'SUCCEEDED'; preimage: string; feesPaidMsat: Msat }
  | { status: 'PENDING' }
  | { status: 'FAILED'; reason: string }
  | { status: 'NOT_FOUND' }

export interface Wallet {
  /** Ask the wallet for an invoice; throws AppError WALLET_UNAVAILABLE when it cannot answer. */
  makeInvoice(req: MakeInvoiceRequest): Promise<Invoice>
  /** An incoming invoice's state by payment hash; undefined when the wallet does not know it. */
  lookupInvoice(paymentHash: string): Promise<InvoiceStatus | undefined>
  /** Pay a BOLT11 invoice; never throws for a wallet-side failure, answers FAILED or UNKNOWN. */
  payInvoice(bolt11: string): Promise<PayOutcome>
  /** An outgoing payment's state by payment hash (payout recovery after a crash). */
  lookupPayment(paymentHash: string): Promise<OutgoingState>
  /** Subscribe to settled incoming payments (NIP-47 payment_received); returns an unsubscribe. */
  onPaymentReceived(listener: (status: InvoiceStatus) => void): () => void
  close(): Promise<void>
}
