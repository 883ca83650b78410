/**
 * Download keys, gifts, sales and discount codes assembled from the service's parts
 * (docs/keys-gifts-sales.md): the SQLite keys and sales ports, the clock, randomness, and the
 * SEND_GIFT_DM outbox handler (NIP-17 from the market key). compose.ts calls it once and puts `keys`
 * and `sales` in the routes' ports and `giftDm` among the outbox handlers; checkout's pricing is
 * `salesDeps`.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import type Database from 'better-sqlite3'
import { giftDmHandler } from './adapters/nostr/gift-dm.ts'
import { sqliteGiftFacts } from './adapters/sqlite/gift-facts.ts'
import { sqliteKeyRepo } from './adapters/sqlite/key-repo.ts'
import { sqliteSalesRepo } from './adapters/sqlite/sales-repo.ts'
import type { KeyDeps } from './domain/keys/keys.ts'
import type { OutboxHandler } from './domain/outbox/outbox.ts'
import type { SalesDeps } from './domain/pricing/sales.ts'
import { formatReceiptCode, hashReceiptCode } from './domain/purchase/receipt-code.ts'
import type { Clock } from './ports/clock.ts'
import type { MarketSigner } from './ports/market-signer.ts'

/** Sales and codes over `db` (checkout's pricing and the sales routes). */
export function salesDeps(db: Database.Database, clock: Clock): SalesDeps {
  return { repo: sqliteSalesRepo(db), nowSec: () => clock.nowSec(), newId: randomUUID }
}

export function composeCommerce(o: {
  db: Database.Database
  clock: Clock
  signer: MarketSigner
  publicUrl: string
}): { keys: KeyDeps; sales: SalesDeps; giftDm: OutboxHandler } {
  return {
    keys: {
      repo: sqliteKeyRepo(o.db),
      nowSec: () => o.clock.nowSec(),
      randomBytes: (n) => randomBytes(n),
      newId: randomUUID,
      hashReceiptCode,
      newReceiptCode: () => formatReceiptCode(randomBytes(20)),
    },
    sales: salesDeps(o.db, o.clock),
    giftDm: giftDmHandler({
      signer: o.signer,
      facts: sqliteGiftFacts(o.db),
      publicUrl: o.publicUrl,
    }),
  }
}
