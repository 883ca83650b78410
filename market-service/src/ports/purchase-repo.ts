/**
 * Persistence port of purchases (docs/architecture.md "Money flows"): checkout writes, the settlement transaction,
 * guest claims, reconcile scans and idempotent request records. SQLite adapter:
 * adapters/sqlite/purchase-repo.ts. Every write that changes a status guards the current one.
 */
import type { Msat } from '@zapcade/shared/money'
import type {
  GameStatus,
  LedgerEntryType,
  PurchaseKind,
  PurchaseStatus,
} from '@zapcade/shared/status'

export type { GameStatus, LedgerEntryType, PurchaseKind }

export interface PurchaseRecord {
  id: string
  buyerUserId: number | null
  buyerPubkey: string | null
  guestReceiptCodeHash: string | null
  gameId: number | null
  /** The developer a gameless tip through their Lightning address belongs to (else null). */
  recipientUserId: number | null
  kind: PurchaseKind
  isTip: boolean
  paymentHash: string
  bolt11: string
  amountMsat: Msat
  priceMsat: Msat
  feeBps: number
  zapRequest: string | null
  status: PurchaseStatus
  paidLate: boolean
  preimage: string | null
  createdAtSec: number
  expiresAtSec: number
  paidAtSec: number | null
  /** A gift: the user entitled when it is paid (else null: the buyer). */
  giftToUserId: number | null
  giftToPubkey: string | null
  /** Tell the gift's recipient by a NIP-17 direct message once paid. */
  giftDm: boolean
}

/** A game as checkout needs it (catalog tables). */
export interface CatalogGame {
  id: number
  slug: string
  title: string
  status: GameStatus
  priceMsat: Msat
  zapPubkey: string | null
  deleted: boolean
  developerUserId: number
  developerPubkey: string
  /** A release of it has a build the market holds verified bytes for (what a sale delivers). */
  hasVerifiedBuild: boolean
}

export interface NewPurchase {
  id: string
  buyerPubkey: string | null
  guestReceiptCodeHash: string | null
  gameId: number | null
  /** A gameless tip through a developer's Lightning address: that developer (a users row is made). */
  recipientPubkey?: string | null
  kind: PurchaseKind
  isTip: boolean
  invoiceProvider: string
  paymentHash: string
  bolt11: string
  amountMsat: Msat
  priceMsat: Msat
  feeBps: number
  zapRequest: string | null
  createdAtSec: number
  expiresAtSec: number
  /** A gift: the recipient's pubkey (a users row is made), whether to DM them, and a note for the DM. */
  giftToPubkey?: string | null
  giftDm?: boolean
  giftMessage?: string | null
  /** Added to the INVOICE_CREATED entry's meta (a checkout's list price, discount and code). */
  ledgerMeta?: Record<string, unknown>
}

/** A stored idempotent answer (Stripe semantics, reliability catalogue B2). */
export interface IdempotentAnswer {
  statusCode: number
  body: unknown
}

export type IdempotencyBegin =
  | { state: 'NEW' }
  | { state: 'DONE'; answer: IdempotentAnswer }
  | { state: 'MISMATCH' }
  | { state: 'IN_FLIGHT' }

export interface IdempotencyClaim {
  key: string
  scope: string
  requestHash: string
}

/** What the settlement transaction may do; every method runs inside the caller's immediate transaction. */
export interface SettlementTx {
  purchaseByHash(paymentHash: string): PurchaseRecord | undefined
  /** The developer of a game and the payout address they have set now. */
  developerOf(gameId: number): { userId: number; payoutLnAddress: string | null } | undefined
  /** A developer by users.id and the payout address they have set now (a gameless tip's recipient). */
  developerByUser(userId: number): { userId: number; payoutLnAddress: string | null }
  /**
   * For collaborator splits: the tags of the game's stored listing event, the pubkey its money routes
   * to (the market's zap tag, which takes no share) and its author's pubkey.
   */
  listingSplit(
    gameId: number,
  ): { tags: string[][]; routePubkey: string | null; authorPubkey: string } | undefined
  /**
   * A split recipient by pubkey: their users row (inserted on first sight) and where they are paid:
   * their developer payout address, else their kind-0 `lud16`, else null (it accrues on their balance).
   */
  splitRecipient(pubkey: string, nowSec: number): { userId: number; payoutLnAddress: string | null }
  /** Σ amount of the PAID, non-tip zaps from this user toward this game (zaps add up to a purchase). */
  zapTotal(buyerUserId: number, gameId: number): Msat
  /** Whether the user holds an active (not revoked) entitlement to the game. */
  ownsGame(userId: number, gameId: number): boolean
  /** Guarded UPDATE to PAID; true when exactly one row changed. */
  markPaid(
    id: string,
    from: PurchaseStatus,
    set: { paidAtSec: number; preimage: string; paidLate: boolean; nowSec: number },
  ): boolean
  /** INSERT OR IGNORE on the idempotency key; true when inserted. */
  appendLedger(e: NewLedgerEntry): boolean
  /** INSERT OR IGNORE on purchase_id; true when inserted. */
  grantEntitlement(e: {
    id: string
    purchaseId: string
    gameId: number
    userId: number | null
    grantedAtSec: number
    /** Where it came from (entitlements.origin); default 'purchase'. */
    origin?: 'purchase' | 'zap' | 'gift'
  }): boolean
  /** INSERT OR IGNORE on the idempotency key; true when inserted. */
  schedulePayout(p: {
    id: string
    developerUserId: number
    purchaseId: string
    amountMsat: Msat
    destination: string | null
    idempotencyKey: string
    nowSec: number
  }): boolean
  /** INSERT OR IGNORE on the idempotency key; true when inserted. */
  enqueueOutbox(j: {
    type: 'PUBLISH_ZAP_RECEIPT' | 'SEND_GIFT_DM'
    payload: unknown
    relays: string[]
    idempotencyKey: string
    nowSec: number
  }): boolean
  /** A proven payment that cannot be booked: record it for an admin (again: last seen and count bumped). */
  raiseAlert(a: {
    purchaseId: string
    paymentHash: string
    reason: string
    receivedMsat: Msat | null
    nowSec: number
  }): void
}

export interface NewLedgerEntry {
  type: LedgerEntryType
  amountMsat: Msat
  purchaseId: string | null
  payoutId: string | null
  developerUserId: number | null
  meta: Record<string, unknown>
  idempotencyKey: string
  createdAtSec: number
}

/**
 * The purchases port, split by job so each caller names what it uses: reads (checkout, claims, views,
 * zap receipts), idempotency records (Stripe semantics), checkout writes, guest claims, the settlement
 * transaction, and the reconcile scans the settlement workers run. The SQLite adapter implements all of
 * them over one database (`PurchaseRepo`).
 */
export interface PurchaseReads {
  findGame(pubkey: string, slug: string): CatalogGame | undefined
  byId(id: string): PurchaseRecord | undefined
  byPaymentHash(paymentHash: string): PurchaseRecord | undefined
  byReceiptHash(codeHash: string): PurchaseRecord | undefined
  entitlementOf(
    purchaseId: string,
  ): { id: string; userId: number | null; revokedAtSec: number | null } | undefined
  gameRef(gameId: number): { pubkey: string; slug: string; title: string } | undefined
}

/** Idempotent requests: a PROCESSING row held while one runs, then its answer kept. */
export interface IdempotencyRecords {
  /**
   * Start an idempotent request: NEW (a PROCESSING row now held), the stored answer, MISMATCH or
   * IN_FLIGHT. Resolves once durable (this and the next two are group-committed).
   */
  beginIdempotent(
    c: IdempotencyClaim,
    nowSec: number,
    staleAfterSec: number,
  ): Promise<IdempotencyBegin>
  /** Drop a PROCESSING row whose request failed before any effect (so it may be retried). */
  abandonIdempotent(key: string): void
  /** Store an answer for a key without any other effect (a claim's record). */
  finishIdempotent(c: IdempotencyClaim, answer: IdempotentAnswer, nowSec: number): void
  /** A recorded answer by key (claims are kept for ever, so a second claim is recognised). */
  idempotentAnswer(key: string): { requestHash: string; answer: IdempotentAnswer } | undefined
}

/** Checkout and the zap callback: a PENDING purchase with its invoice. */
export interface CheckoutWrites {
  /**
   * One immediate transaction: the buyer's users row (when a pubkey), the PENDING purchase, ledger
   * INVOICE_CREATED and, when given, the idempotency record turned DONE with its answer.
   */
  createPending(
    p: NewPurchase,
    idem: { claim: IdempotencyClaim; answer: IdempotentAnswer } | undefined,
    ledgerKey: string,
  ): Promise<void>
}

/** Guest claims. */
export interface ClaimWrites {
  /**
   * Move a guest purchase (and its entitlement, if any) to the pubkey: buyer set, receipt hash cleared,
   * entitlement user set, the claim recorded under `claim` — one immediate transaction, guarded on the
   * hash still being there. False when another claim won the race.
   */
  claim(
    purchaseId: string,
    codeHash: string,
    pubkey: string,
    record: { claim: IdempotencyClaim; answer: IdempotentAnswer },
    nowSec: number,
  ): boolean
}

/** The settlement transaction. */
export interface SettlementStore {
  /**
   * Run `fn` atomically in a BEGIN IMMEDIATE transaction (settlement), shared with other units of the
   * same event-loop turn, each in its own savepoint; resolves with its result once committed.
   */
  settlement<T>(fn: (tx: SettlementTx) => T): Promise<T>
}

/** What the settlement workers scan and sweep. */
export interface ReconcileScans {
  /** PENDING purchases created at or before `createdBeforeSec`, oldest first. */
  pending(createdBeforeSec: number, limit: number): PurchaseRecord[]
  /** EXPIRED purchases whose expiry is after `expiredAfterSec` (the late-payment window). */
  recentlyExpired(expiredAfterSec: number, limit: number): PurchaseRecord[]
  /** Guarded PENDING → EXPIRED; true when one row changed. */
  markExpired(id: string, nowSec: number): boolean
}

/** Every job at once: what the SQLite adapter implements and compose.ts hands out. */
export interface PurchaseRepo
  extends PurchaseReads,
    IdempotencyRecords,
    CheckoutWrites,
    ClaimWrites,
    SettlementStore,
    ReconcileScans {}
