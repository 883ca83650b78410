/**
 * LNURL-pay port (LUD-06/16): turn a Lightning address and an amount into an invoice the caller may
 * pay. Implementations check what LUD-06 makes the payer check (amount, description hash = sha256 of
 * the metadata) and throw AppError LNURL_INVALID with the reason when anything is off.
 */
import type { Msat } from '@zapcade/shared/money'

export interface LnurlInvoice {
  bolt11: string
  paymentHash: string
  amountMsat: Msat
  /** Unix seconds after which the invoice can no longer be paid. */
  expiresAtSec: number
}

export interface LnurlPayClient {
  /** Resolve `name@host`, request an invoice for exactly `amountMsat`, verify it; throws AppError LNURL_INVALID. */
  requestInvoice(lnAddress: string, amountMsat: Msat, comment?: string): Promise<LnurlInvoice>
}
