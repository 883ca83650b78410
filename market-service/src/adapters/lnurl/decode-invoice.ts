/**
 * BOLT11 decoding for the checks LUD-06 and NIP-57 ask of us: amount in integer msat (never
 * nostr-tools' fractional sats), payment hash, description hash, expiry. Uses light-bolt11-decoder.
 */
import { decode } from 'light-bolt11-decoder'
import { msat, type Msat } from '@zapcade/shared/money'

export interface DecodedInvoice {
  /** Undefined for an amount-less invoice. */
  amountMsat: Msat | undefined
  paymentHash: string
  descriptionHash: string | undefined
  description: string | undefined
  timestampSec: number
  expiresAtSec: number
}

/** Decode a BOLT11 invoice; throws an Error when it is not one. */
export function decodeInvoice(bolt11: string): DecodedInvoice {
  const d = decode(bolt11.trim().toLowerCase())
  let amountMsat: Msat | undefined,
    paymentHash: string | undefined,
    descriptionHash: string | undefined
  let description: string | undefined,
    timestampSec = 0,
    expirySec = 3600
  // The section list is wider at runtime than the bundled types say (description_hash is missing there).
  for (const s of d.sections as { name: string; value?: unknown }[]) {
    if (s.name === 'amount' && typeof s.value === 'string') amountMsat = msat(BigInt(s.value))
    else if (s.name === 'payment_hash' && typeof s.value === 'string') paymentHash = s.value
    else if (s.name === 'description_hash' && typeof s.value === 'string') descriptionHash = s.value
    else if (s.name === 'description' && typeof s.value === 'string') description = s.value
    else if (s.name === 'timestamp' && typeof s.value === 'number') timestampSec = s.value
    else if (s.name === 'expiry' && typeof s.value === 'number') expirySec = s.value
  }
  if (paymentHash === undefined || !/^[0-9a-f]{64}$/.test(paymentHash))
    throw new Error('invoice has no payment hash')
  // BOLT11: the x field is relative to the timestamp and defaults to 3600 s when absent.
  return {
    amountMsat,
    paymentHash,
    descriptionHash,
    description,
    timestampSec,
    expiresAtSec: timestampSec + expirySec,
  }
}

/** The expiry of an invoice in unix seconds, or undefined when it does not decode. */
export function invoiceExpiresAtSec(bolt11: string): number | undefined {
  try {
    return decodeInvoice(bolt11).expiresAtSec
  } catch {
    return undefined
  }
}
