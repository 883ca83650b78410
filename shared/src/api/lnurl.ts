/**
 * The market's LNURL-pay answers (LUD-06, LUD-16 with NIP-57's `allowsNostr`/`nostrPubkey`):
 * `GET /.well-known/lnurlp/:name` and `GET /lnurlp/:name/callback`. Refusals are LUD-06
 * `{status: "ERROR", reason}` (with our stable `code`), not problem+json, as wallets read them.
 */
import { z } from 'zod'

export const LnurlPayRequest = z.object({
  callback: z.string(),
  minSendable: z.number().int(),
  maxSendable: z.number().int(),
  metadata: z.string(),
  tag: z.literal('payRequest'),
  allowsNostr: z.literal(true),
  nostrPubkey: z.string(),
  commentAllowed: z.number().int(),
})
export type LnurlPayRequest = z.infer<typeof LnurlPayRequest>

export const LnurlInvoice = z.object({ pr: z.string(), routes: z.array(z.unknown()) })
export type LnurlInvoice = z.infer<typeof LnurlInvoice>

export const LnurlError = z.object({
  status: z.literal('ERROR'),
  reason: z.string(),
  code: z.string(),
})
export type LnurlError = z.infer<typeof LnurlError>
