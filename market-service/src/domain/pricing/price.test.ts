import { describe, expect, it } from 'vitest'
import {
  MIN_PAID_PRICE_MSAT,
  activeSale,
  codeRefusal,
  pricer,
  quotePrice,
  type CodeTerms,
  type SaleTerms,
} from './price.ts'

const sale = (id: string, percentOff: number, startsAtSec = 100, endsAtSec = 200): SaleTerms => ({
  id,
  percentOff,
  startsAtSec,
  endsAtSec,
})
const code = (c: Partial<CodeTerms>): CodeTerms => ({
  id: 'c1',
  code: 'LAUNCH',
  percentOff: null,
  amountOffMsat: null,
  maxUses: 10,
  expiresAtSec: null,
  ...c,
})

describe('quotePrice', () => {
  it('answers the list price when nothing applies', () => {
    const q = quotePrice({ listPriceMsat: 21_000, sales: [], nowSec: 150 })
    expect(q).toMatchObject({ salePriceMsat: 21_000, discountMsat: 0, finalPriceMsat: 21_000 })
    expect(q.sale).toBeNull()
  })

  it('rounds a percent discount down to the millisat (the buyer pays the ceiling)', () => {
    // 33% of 100001 msat is 33000.33: 33000 off.
    const q = quotePrice({ listPriceMsat: 100_001, sales: [sale('s', 33)], nowSec: 150 })
    expect(q.finalPriceMsat).toBe(100_001 - 33_000) // floor(33000.33)
    expect(q.discountMsat).toBe(33_000)
    const odd = quotePrice({ listPriceMsat: 1_999, sales: [sale('s', 50)], nowSec: 150 })
    expect(odd.finalPriceMsat).toBe(1_000) // 1999 − floor(999.5)
  })

  it('applies a sale from its start (inclusive) to its end (exclusive), by the injected clock', () => {
    let now = 99
    const price = pricer({ nowSec: () => now })
    expect(price(10_000, [sale('s', 50)]).finalPriceMsat).toBe(10_000)
    now = 100
    expect(price(10_000, [sale('s', 50)]).finalPriceMsat).toBe(5_000)
    now = 199
    expect(price(10_000, [sale('s', 50)]).finalPriceMsat).toBe(5_000)
    now = 200
    expect(price(10_000, [sale('s', 50)]).finalPriceMsat).toBe(10_000)
  })

  it('takes the deepest of overlapping sales, never their sum', () => {
    const q = quotePrice({
      listPriceMsat: 10_000,
      sales: [sale('a', 20), sale('b', 40), sale('c', 90, 300, 400)],
      nowSec: 150,
    })
    expect(q.sale?.id).toBe('b')
    expect(q.finalPriceMsat).toBe(6_000)
    expect(activeSale([sale('x', 40, 100, 300), sale('y', 40, 100, 200)], 150)?.id).toBe('y')
  })

  it('applies a code to the sale price: percent of it, or a fixed amount', () => {
    const pct = quotePrice({
      listPriceMsat: 10_000,
      sales: [sale('s', 50)],
      code: code({ percentOff: 10 }),
      nowSec: 150,
    })
    expect(pct).toMatchObject({ salePriceMsat: 5_000, finalPriceMsat: 4_500, discountMsat: 5_500 })
    const fixed = quotePrice({
      listPriceMsat: 10_000,
      sales: [],
      code: code({ amountOffMsat: 2_500 }),
      nowSec: 150,
    })
    expect(fixed).toMatchObject({ finalPriceMsat: 7_500, discountMsat: 2_500 })
  })

  it('never goes below 1 sat for a paid game: 100% off and oversized amounts stop at the floor', () => {
    expect(
      quotePrice({ listPriceMsat: 50_000, sales: [sale('s', 100)], nowSec: 150 }).finalPriceMsat,
    ).toBe(MIN_PAID_PRICE_MSAT)
    const big = quotePrice({
      listPriceMsat: 50_000,
      sales: [],
      code: code({ amountOffMsat: 1_000_000 }),
      nowSec: 150,
    })
    expect(big).toMatchObject({ finalPriceMsat: 1_000, discountMsat: 49_000 })
    // Below the floor already: not discounted at all; free stays free.
    expect(
      quotePrice({ listPriceMsat: 600, sales: [sale('s', 50)], nowSec: 150 }).finalPriceMsat,
    ).toBe(600)
    expect(
      quotePrice({ listPriceMsat: 0, sales: [sale('s', 50)], nowSec: 150 }).finalPriceMsat,
    ).toBe(0)
  })

  it('keeps exact integers at the largest prices', () => {
    const list = 1_000_000_000_000_003 // near 2^53 / 9: price × percent overflows a double's exactness
    const q = quotePrice({ listPriceMsat: list, sales: [sale('s', 37)], nowSec: 150 })
    expect(q.discountMsat).toBe(Number((BigInt(list) * 37n) / 100n))
    expect(q.finalPriceMsat + q.discountMsat).toBe(list)
  })

  it('refuses an expired code at its expiry second, by the clock', () => {
    const c = code({ percentOff: 10, expiresAtSec: 500 })
    expect(codeRefusal(c, 499)).toBeUndefined()
    expect(codeRefusal(c, 500)).toBe('expired')
    expect(codeRefusal(code({ percentOff: 10 }), 10 ** 10)).toBeUndefined()
  })
})
