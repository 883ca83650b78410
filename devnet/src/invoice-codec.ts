/**
 * BOLT11 for devnet: regtest invoices (`lnbcrt`) signed with the node key by the `bolt11` package
 * (the feature_bits tag is required to sign), and decoding of whatever people paste.
 */
import bolt11 from 'bolt11'
import { randomBytes } from 'node:crypto'
import { bytesToHex } from 'nostr-tools/utils'
import { msat, type Msat } from '@zapcade/shared/money'
import { LightningError } from './node-records.ts'

/** Regtest network parameters for the `bolt11` package. */
const REGTEST = { bech32: 'bcrt', pubKeyHash: 0x6f, scriptHash: 0xc4, validWitnessVersions: [0, 1] }
export const DEFAULT_EXPIRY_SEC = 3600

export interface InvoiceFields {
  amountMsat: Msat
  paymentHash: string
  description?: string
  /** Hex sha256 committed as `h`; BOLT11 allows exactly one of `d` and `h`. */
  descriptionHash?: string
  expirySec?: number
  timestampSec: number
}

/** Encode and sign a regtest invoice with a 32-byte hex node key. */
export function signInvoice(nodeKeyHex: string, p: InvoiceFields): string {
  const tags: { tagName: string; data: string | number | object }[] = [
    { tagName: 'payment_hash', data: p.paymentHash },
    { tagName: 'payment_secret', data: bytesToHex(randomBytes(32)) },
    p.descriptionHash !== undefined
      ? { tagName: 'purpose_commit_hash', data: p.descriptionHash }
      : { tagName: 'description', data: p.description ?? '' },
    { tagName: 'expire_time', data: p.expirySec ?? DEFAULT_EXPIRY_SEC },
    { tagName: 'min_final_cltv_expiry', data: 18 },
    {
      tagName: 'feature_bits',
      data: { var_onion_optin: { required: true }, payment_secret: { required: true } },
    },
  ]
  const unsigned = bolt11.encode(
    {
      network: REGTEST,
      millisatoshis: String(p.amountMsat),
      timestamp: p.timestampSec,
      tags: tags as never,
    },
    false,
  )
  const pr = bolt11.sign(unsigned, nodeKeyHex).paymentRequest
  if (!pr) throw new LightningError('INTERNAL', 'bolt11 signing gave no payment request')
  return pr
}

/** BOLT11 as people paste it: QR codes upper-case it, links prefix `lightning:`. */
export function normalizeInvoice(text: string): string {
  return text
    .trim()
    .replace(/^lightning:/i, '')
    .toLowerCase()
}

export interface DecodedInvoice {
  paymentHash: string
  amountMsat: Msat | undefined
  /** The compressed key the signature recovers to. */
  payeeNodeKey: string | undefined
  descriptionHash: string | undefined
  description: string | undefined
  timestampSec: number
  expiresAtSec: number
}

/** Decode a BOLT11 string (any network); throws OTHER for anything that is not one. */
export function decodeInvoice(invoiceText: string): DecodedInvoice {
  let d: ReturnType<typeof bolt11.decode>
  try {
    d = bolt11.decode(normalizeInvoice(invoiceText))
  } catch (e) {
    throw new LightningError('OTHER', `not a BOLT11 invoice: ${(e as Error).message}`)
  }
  const hash = d.tagsObject.payment_hash
  if (!hash) throw new LightningError('OTHER', 'invoice has no payment hash')
  const ts = d.timestamp ?? 0
  return {
    paymentHash: hash,
    amountMsat: d.millisatoshis ? msat(Number(d.millisatoshis)) : undefined,
    payeeNodeKey: d.payeeNodeKey,
    descriptionHash: d.tagsObject.purpose_commit_hash,
    description: d.tagsObject.description,
    timestampSec: ts,
    expiresAtSec: d.timeExpireDate ?? ts + DEFAULT_EXPIRY_SEC,
  }
}
