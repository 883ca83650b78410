/**
 * Persistence port of sales and discount codes (docs/keys-gifts-sales.md). A code's use is reserved in
 * one immediate transaction that counts the live uses first, so `max_uses` holds under concurrent
 * checkouts. SQLite adapter: adapters/sqlite/sales-repo.ts.
 */
import type { CodeTerms, SaleTerms } from '../domain/pricing/price.ts'

export interface PricedGame {
  id: number
  pubkey: string
  slug: string
  priceMsat: number
  deleted: boolean
}

export interface SalesRepo {
  /** A game by its address (any developer), or undefined. */
  game(pubkey: string, slug: string): PricedGame | undefined
  addSale(s: SaleTerms & { gameId: number; createdAtSec: number }): void
  /** Sales of the game not ended at `nowSec` (running or scheduled), soonest first. */
  openSales(gameId: number, nowSec: number): SaleTerms[]
  /** False when the game already has this code. */
  addCode(c: CodeTerms & { gameId: number; createdAtSec: number }): boolean
  codes(gameId: number, nowSec: number): (CodeTerms & { uses: number })[]
  /** A code of the game (upper-cased by the caller). */
  findCode(gameId: number, code: string): CodeTerms | undefined
  /**
   * Reserve one use of the code for `purchaseId` until `holdUntilSec` (a paid purchase keeps it for
   * good): false when the live uses already reach max_uses.
   */
  reserveCodeUse(codeId: string, purchaseId: string, holdUntilSec: number, nowSec: number): boolean
  /** Give a reservation back (the checkout failed before its purchase was written). */
  releaseCodeUse(purchaseId: string): void
}
