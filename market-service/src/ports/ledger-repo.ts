/**
 * Read port of the ledger (docs/architecture.md "Money flows"): the facts the invariant check needs, and the
 * developer's sales and ledger pages. Balances are sums over entries, never stored numbers.
 * SQLite adapter: adapters/sqlite/ledger-repo.ts.
 */
import type { PurchaseStatus } from '../domain/purchase/purchase-machine.ts'
import type { LedgerEntryType } from './purchase-repo.ts'

/** One purchase with the sums of its ledger entries by type and its entitlement count. */
export interface PurchaseLedgerFacts {
  id: string
  status: PurchaseStatus
  isTip: boolean
  kind: 'CHECKOUT' | 'ZAP'
  gameId: number | null
  amountMsat: number
  feeBps: number
  entitlements: number
  /** Its entitlements not revoked (a REFUNDED purchase must have none). */
  activeEntitlements: number
  /** Sum and count of entries per type for this purchase. */
  sums: Partial<Record<LedgerEntryType, { total: number; count: number }>>
  /** The developer_user_id on its DEVELOPER_NET entry, if any; and the game's developer (or a tip's recipient). */
  netDeveloperUserId: number | null
  gameDeveloperUserId: number | null
  /** The developer_user_id of each DEVELOPER_NET leg (one per split recipient, docs/splits.md). */
  netLegUserIds?: number[]
  payouts: { amountMsat: number; status: string }[]
}

export interface DeveloperLedgerFacts {
  userId: number
  pubkey: string
  netMsat: number
  payoutSentMsat: number
  /** Σ of payouts not CANCELED/FAILED (money promised). */
  payoutsOpenOrSentMsat: number
  /** Σ REFUND_DEVELOPER_DEBIT: the developer's share of refunds sent. */
  refundDebitMsat: number
  /** What SENT refunds still hold back from later payouts (their recover_msat less what was withheld). */
  refundOwedBackMsat: number
}

/** A refund with what was withheld from later payouts toward it. */
export interface RefundLedgerFacts {
  id: string
  purchaseId: string
  status: string
  recoverMsat: number
  recoveredMsat: number
}

/** One zapper's PAID non-tip zaps toward one game (zaps add up to a purchase). */
export interface ZapGroupFacts {
  buyerUserId: number
  gameId: number
  totalMsat: number
  /** The highest price any of these zaps was made at (settlement entitles at the price of the zap that reaches it). */
  maxPriceMsat: number
  /** Entitlements granted on these zaps (revoked ones included). */
  zapEntitlements: number
  /** Entitlements the zapper holds to the game from anything else (a checkout). */
  otherEntitlements: number
}

export interface LedgerFacts {
  purchases: PurchaseLedgerFacts[]
  zapGroups: ZapGroupFacts[]
  developers: DeveloperLedgerFacts[]
  refunds: RefundLedgerFacts[]
  /** Entitlements whose purchase is not PAID (REFUNDED ones revoked are fine). */
  orphanEntitlements: {
    id: string
    purchaseId: string
    purchaseStatus: string | null
    revoked: boolean
  }[]
  /** SENT payouts without exactly one PAYOUT_SENT entry of their amount. */
  sentPayoutsWithoutEntry: { id: string; amountMsat: number; entries: number; entryTotal: number }[]
  entryCount: number
  /** The database refuses UPDATE and DELETE of ledger rows (both triggers present). */
  appendOnly: boolean
}

export interface SaleRow {
  purchaseId: string
  game: { slug: string; title: string } | null
  kind: 'CHECKOUT' | 'ZAP'
  isTip: boolean
  amountMsat: number
  feeMsat: number
  netMsat: number
  /** The DEVELOPER_NET legs by recipient pubkey, in booking order (docs/splits.md). */
  split?: { pubkey: string; amountMsat: number }[]
  paidAtSec: number
  paidLate: boolean
}

export interface LedgerRow {
  id: number
  type: LedgerEntryType
  amountMsat: number
  purchaseId: string | null
  payoutId: string | null
  createdAtSec: number
}

/** A page position: the last row's sort key (opaque to clients). */
export interface PageAfter {
  atSec: number
  id: string
}

export interface LedgerRepo {
  facts(): LedgerFacts
  userIdOf(pubkey: string): number | undefined
  /** PAID (and REFUNDED) purchases of the developer's games, newest first, after `after`. */
  sales(developerUserId: number, limit: number, after: PageAfter | undefined): SaleRow[]
  /** The developer's entries (DEVELOPER_NET, PAYOUT_*), newest first, with id below `beforeId`. */
  entries(developerUserId: number, limit: number, beforeId: number | undefined): LedgerRow[]
  /** Σ DEVELOPER_NET, Σ PAYOUT_SENT and Σ REFUND_DEVELOPER_DEBIT of a developer. */
  totals(developerUserId: number): { netMsat: number; paidOutMsat: number; refundedMsat: number }
}
