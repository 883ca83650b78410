/**
 * Sales and discount codes (docs/keys-gifts-sales.md): what a developer schedules, and the price
 * breakdown checkout and the catalog answer. Money in integer millisats; times in unix seconds.
 */
import { z } from 'zod'

const Sec = z.number().int().nonnegative()
const Msat = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)

/** `POST /api/v1/developer/games/:slug/sales`. */
export const CreateSaleBody = z
  .object({
    percent_off: z.number().int().min(1).max(100),
    starts_at: Sec,
    ends_at: Sec,
  })
  .strict()
  .refine((b) => b.ends_at > b.starts_at, { message: 'ends_at must be after starts_at' })
export type CreateSaleBody = z.infer<typeof CreateSaleBody>

export const SaleDto = z.object({
  id: z.string(),
  percent_off: z.number().int(),
  starts_at: Sec,
  ends_at: Sec,
})
export type SaleDto = z.infer<typeof SaleDto>

export const SalesListResponse = z.object({ items: z.array(SaleDto) })

/** Codes are upper-cased; letters, digits, `-` and `_`, 3 to 40 characters. */
export const DISCOUNT_CODE_RE = /^[A-Z0-9_-]{3,40}$/

/** `POST /api/v1/developer/games/:slug/codes`: exactly one of `percent_off` and `amount_off_msat`. */
export const CreateCodeBody = z
  .object({
    code: z
      .string()
      .transform((s) => s.trim().toUpperCase())
      .pipe(z.string().regex(DISCOUNT_CODE_RE, 'letters, digits, - and _, 3 to 40')),
    percent_off: z.number().int().min(1).max(100).optional(),
    amount_off_msat: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
    max_uses: z.number().int().min(1).max(1_000_000),
    expires_at: Sec.nullable().optional(),
  })
  .strict()
  .refine((b) => (b.percent_off === undefined) !== (b.amount_off_msat === undefined), {
    message: 'give exactly one of percent_off and amount_off_msat',
  })
export type CreateCodeBody = z.infer<typeof CreateCodeBody>

export const CodeDto = z.object({
  id: z.string(),
  code: z.string(),
  percent_off: z.number().int().nullable(),
  amount_off_msat: Msat.nullable(),
  max_uses: z.number().int(),
  uses: z.number().int(),
  expires_at: Sec.nullable(),
})
export type CodeDto = z.infer<typeof CodeDto>

export const CodesListResponse = z.object({ items: z.array(CodeDto) })

/** The price a buyer pays now, and why: list price, the active sale, the code, the final price. */
export const PriceBreakdown = z.object({
  list_price_msat: Msat,
  /** The list price less the active sale (equal to the list price when none). */
  sale_price_msat: Msat,
  sale: SaleDto.nullable(),
  discount_code: z.string().nullable(),
  /** list − final: the sale and the code together. */
  discount_msat: Msat,
  /** What the invoice asks at least (pay what you want: at least this). */
  final_price_msat: Msat,
})
export type PriceBreakdown = z.infer<typeof PriceBreakdown>
