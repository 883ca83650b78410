/**
 * The one pricing function (docs/keys-gifts-sales.md "Pricing"): list price → the deepest active sale →
 * a discount code → the final price, in integer millisats with the time from an injected clock.
 *
 * Rules:
 * - A sale is active from `starts_at` (inclusive) to `ends_at` (exclusive); overlapping sales do not
 *   add up: the deepest one applies (ties: the one ending first, then the smaller id).
 * - A code applies to the sale price: a percent code takes floor(price × percent / 100); an amount
 *   code takes its amount. Discounts are rounded DOWN to the millisat, so the developer never loses a
 *   fraction to rounding (the buyer pays the ceiling).
 * - Floor: a paid game is never sold below `MIN_PAID_PRICE_MSAT` (1 sat), whatever the discounts —
 *   100% off included. A Lightning checkout needs a positive invoice, and a purchase is a payment;
 *   free copies are what download keys are for. A list price already below the floor is not discounted.
 *   A free game (price 0) stays 0 (nothing to buy).
 */
import type { Clock } from '../../ports/clock.ts'

/** The smallest price a discounted paid game reaches: 1 sat (every wallet pays whole sats). */
export const MIN_PAID_PRICE_MSAT = 1000

export interface SaleTerms {
  id: string
  percentOff: number
  startsAtSec: number
  endsAtSec: number
}

export interface CodeTerms {
  id: string
  code: string
  percentOff: number | null
  amountOffMsat: number | null
  maxUses: number
  expiresAtSec: number | null
}

export interface PriceQuote {
  listPriceMsat: number
  /** The list price less the active sale (before any code). */
  salePriceMsat: number
  sale: SaleTerms | null
  code: CodeTerms | null
  /** list − final. */
  discountMsat: number
  finalPriceMsat: number
}

/** Whether a sale runs at `nowSec` (start inclusive, end exclusive). */
export function saleIsActive(s: SaleTerms, nowSec: number): boolean {
  return s.startsAtSec <= nowSec && nowSec < s.endsAtSec
}

/** The sale that applies now: the deepest active one (ties: ends first, then smaller id). */
export function activeSale(sales: readonly SaleTerms[], nowSec: number): SaleTerms | null {
  let best: SaleTerms | null = null
  for (const s of sales) {
    if (!saleIsActive(s, nowSec)) continue
    if (
      !best ||
      s.percentOff > best.percentOff ||
      (s.percentOff === best.percentOff &&
        (s.endsAtSec < best.endsAtSec || (s.endsAtSec === best.endsAtSec && s.id < best.id)))
    )
      best = s
  }
  return best
}

/** Why a code cannot be used at `nowSec` (undefined when it can; uses are counted by the store). */
export function codeRefusal(c: CodeTerms, nowSec: number): 'expired' | undefined {
  return c.expiresAtSec !== null && nowSec >= c.expiresAtSec ? 'expired' : undefined
}

/** floor(price × percent / 100), exact for any safe integer price. */
function percentOf(priceMsat: number, percent: number): number {
  return Number((BigInt(priceMsat) * BigInt(percent)) / 100n)
}

/** The price at `nowSec`. `code`, when given, must be usable (see `codeRefusal`). */
export function quotePrice(input: {
  listPriceMsat: number
  sales: readonly SaleTerms[]
  code?: CodeTerms | null
  nowSec: number
}): PriceQuote {
  const list = input.listPriceMsat
  if (!Number.isSafeInteger(list) || list < 0)
    throw new RangeError('list price: a safe msat integer')
  const sale = activeSale(input.sales, input.nowSec)
  const code = input.code ?? null
  const floor = Math.min(list, MIN_PAID_PRICE_MSAT)
  const salePrice = Math.max(floor, sale ? list - percentOf(list, sale.percentOff) : list)
  let price = salePrice
  if (code) {
    const off =
      code.percentOff !== null ? percentOf(price, code.percentOff) : (code.amountOffMsat ?? 0)
    price = Math.max(floor, price - off)
  }
  return {
    listPriceMsat: list,
    salePriceMsat: salePrice,
    sale,
    code,
    discountMsat: list - price,
    finalPriceMsat: price,
  }
}

/** The pricing function over an injected clock (what checkout and the catalog hold). */
export function pricer(clock: Pick<Clock, 'nowSec'>) {
  return (listPriceMsat: number, sales: readonly SaleTerms[], code?: CodeTerms | null) =>
    quotePrice({ listPriceMsat, sales, code: code ?? null, nowSec: clock.nowSec() })
}
