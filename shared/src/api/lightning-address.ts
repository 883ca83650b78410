/** `GET|PUT /api/v1/developer/lightning-address`: a developer's market-hosted Lightning address (LUD-16). */
import { z } from 'zod'

/** LUD-16 local part we hand out: lowercase letters, digits, `.`, `_`, `-`; not an npub (those are implicit). */
export const LN_NAME_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/

export const LightningAddressResponse = z.object({
  /** Always there, nothing to register: `<npub>@<host>`. */
  npub_address: z.string(),
  /** The short name claimed, if any: `<name>@<host>`. */
  name_address: z.string().nullable(),
  name: z.string().nullable(),
  /** The LUD-16 pay-request URL of the npub address (what wallets fetch). */
  lnurlp_url: z.string(),
  /** The key that signs zap receipts for these addresses (the market's); clients check receipts against it. */
  nostr_pubkey: z.string(),
  /** Where the market pays this developer's sales and tips out to; null until they set one. */
  payout_ln_address: z.string().nullable(),
})
export type LightningAddressResponse = z.infer<typeof LightningAddressResponse>

export const PutLightningAddressBody = z
  .object({
    /** Claim or change the short name (case-insensitive, stored lowercase); null releases it. */
    name: z
      .string()
      .trim()
      .toLowerCase()
      .regex(LN_NAME_RE, 'name: 1-64 of a-z 0-9 . _ - (starting with a letter or digit)')
      .nullable(),
  })
  .strict()
export type PutLightningAddressBody = z.infer<typeof PutLightningAddressBody>
