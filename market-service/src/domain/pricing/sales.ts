/**
 * Sales and discount codes (docs/keys-gifts-sales.md): a developer schedules sales and creates codes
 * for their games; checkout and the catalog ask `priceFor` what a game costs now. The arithmetic is
 * the pure `quotePrice` (price.ts); this file adds the store and the refusals with their codes.
 */
import { AppError } from '@zapcade/shared/errors'
import type { GameSaleDto } from '@zapcade/shared/api/catalog'
import type { CodeDto, PriceBreakdown, SaleDto } from '@zapcade/shared/api/sales'
import type { PricedGame, SalesRepo } from '../../ports/sales-repo.ts'
import {
  codeRefusal,
  quotePrice,
  type CodeTerms,
  type PriceQuote,
  type SaleTerms,
} from './price.ts'

export interface SalesDeps {
  repo: SalesRepo
  nowSec: () => number
  newId: () => string
}

/** A sale may not be scheduled to end more than this far ahead (a year). */
export const MAX_SALE_SPAN_SEC = 366 * 86_400

function ownGame(d: SalesDeps, developer: string, slug: string): PricedGame {
  const g = d.repo.game(developer, slug)
  if (!g) throw new AppError('GAME_NOT_FOUND', 'you have no game with this slug')
  return g
}

export const saleDto = (s: SaleTerms): SaleDto => ({
  id: s.id,
  percent_off: s.percentOff,
  starts_at: s.startsAtSec,
  ends_at: s.endsAtSec,
})

export function createSale(
  d: SalesDeps,
  developer: string,
  slug: string,
  b: { percent_off: number; starts_at: number; ends_at: number },
): SaleDto {
  const g = ownGame(d, developer, slug)
  const now = d.nowSec()
  if (b.ends_at <= now) throw new AppError('VALIDATION_FAILED', 'ends_at: already past')
  if (b.ends_at - Math.max(now, b.starts_at) > MAX_SALE_SPAN_SEC)
    throw new AppError('VALIDATION_FAILED', 'a sale lasts at most a year')
  const s: SaleTerms = {
    id: d.newId(),
    percentOff: b.percent_off,
    startsAtSec: b.starts_at,
    endsAtSec: b.ends_at,
  }
  d.repo.addSale({ ...s, gameId: g.id, createdAtSec: now })
  return saleDto(s)
}

export function listSales(d: SalesDeps, developer: string, slug: string): SaleDto[] {
  return d.repo.openSales(ownGame(d, developer, slug).id, d.nowSec()).map(saleDto)
}

const codeDto = (c: CodeTerms & { uses: number }): CodeDto => ({
  id: c.id,
  code: c.code,
  percent_off: c.percentOff,
  amount_off_msat: c.amountOffMsat,
  max_uses: c.maxUses,
  uses: c.uses,
  expires_at: c.expiresAtSec,
})

export function createCode(
  d: SalesDeps,
  developer: string,
  slug: string,
  b: {
    code: string
    percent_off?: number | undefined
    amount_off_msat?: number | undefined
    max_uses: number
    expires_at?: number | null | undefined
  },
): CodeDto {
  const g = ownGame(d, developer, slug)
  const c: CodeTerms = {
    id: d.newId(),
    code: b.code,
    percentOff: b.percent_off ?? null,
    amountOffMsat: b.amount_off_msat ?? null,
    maxUses: b.max_uses,
    expiresAtSec: b.expires_at ?? null,
  }
  if (!d.repo.addCode({ ...c, gameId: g.id, createdAtSec: d.nowSec() }))
    throw new AppError('CONFLICT', `this game already has the code ${c.code}`)
  return codeDto({ ...c, uses: 0 })
}

export function listCodes(d: SalesDeps, developer: string, slug: string): CodeDto[] {
  return d.repo.codes(ownGame(d, developer, slug).id, d.nowSec()).map(codeDto)
}

/** The wire shape of a quote. */
export function breakdown(q: PriceQuote): PriceBreakdown {
  return {
    list_price_msat: q.listPriceMsat,
    sale_price_msat: q.salePriceMsat,
    sale: q.sale && saleDto(q.sale),
    discount_code: q.code?.code ?? null,
    discount_msat: q.discountMsat,
    final_price_msat: q.finalPriceMsat,
  }
}

/**
 * What the game costs now, with the code when one is given (DISCOUNT_CODE_INVALID when the game has no
 * such code or it expired). Uses are not checked here: `reserveCode` does that, race-safe, at checkout.
 */
export function priceFor(
  d: SalesDeps,
  game: { id: number; priceMsat: number },
  code: string | undefined,
): PriceQuote {
  const now = d.nowSec()
  let terms: CodeTerms | null = null
  if (code !== undefined) {
    terms = d.repo.findCode(game.id, code.trim().toUpperCase()) ?? null
    if (!terms) throw new AppError('DISCOUNT_CODE_INVALID', 'this game has no such discount code')
    if (codeRefusal(terms, now) === 'expired')
      throw new AppError('DISCOUNT_CODE_INVALID', 'this discount code has expired')
  }
  return quotePrice({
    listPriceMsat: game.priceMsat,
    sales: d.repo.openSales(game.id, now),
    code: terms,
    nowSec: now,
  })
}

/** The running sale of a game by address, for its catalog page (undefined when none runs now). */
export function activeSaleOf(d: SalesDeps, pubkey: string, slug: string): GameSaleDto | undefined {
  const g = d.repo.game(pubkey, slug)
  if (!g || g.priceMsat === 0) return undefined
  const q = priceFor(d, g, undefined)
  return q.sale
    ? {
        ...saleDto(q.sale),
        list_price_msat: q.listPriceMsat,
        sale_price_msat: q.salePriceMsat,
      }
    : undefined
}

/** Hold one use of the code for a checkout until `holdUntilSec`; DISCOUNT_CODE_USED_UP when none is left. */
export function reserveCode(
  d: SalesDeps,
  code: CodeTerms,
  purchaseId: string,
  holdUntilSec: number,
): void {
  if (!d.repo.reserveCodeUse(code.id, purchaseId, holdUntilSec, d.nowSec()))
    throw new AppError('DISCOUNT_CODE_USED_UP', `the code ${code.code} has no uses left`, {
      max_uses: code.maxUses,
    })
}
