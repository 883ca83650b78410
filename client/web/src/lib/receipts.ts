/**
 * Guest receipt codes kept in this browser as a convenience copy. The code is a bearer credential for
 * the game (docs/architecture.md "Money flows"): the page tells the guest to write it down, since clearing site data
 * loses this copy and the market stores only its hash.
 *
 * A receipt is saved when its invoice is made, so an unfinished checkout can be resumed or forgotten;
 * it means "owned" only once the market says its purchase is PAID (`checkReceipt`), never before.
 */
import { api, ApiError } from './api.ts'
import type { PurchaseView } from './types.ts'

export type ReceiptStatus = PurchaseView['status']

export interface SavedReceipt {
  game: string
  title: string
  code: string
  purchaseId: string
  savedAtMs: number
  /** The last status the market gave (absent in receipts saved by older pages: ask again). */
  status?: ReceiptStatus
  /** The invoice, to show it again while the checkout is pending. */
  bolt11?: string
  amountMsat?: number
  expiresAt?: number
}

/** What the market says about a saved receipt now; GONE: no purchase holds the code any more (claimed). */
export type ReceiptCheck = ReceiptStatus | 'GONE' | 'UNKNOWN'

const KEY = 'zapcade.receipts'

/** Receipts saved in this browser, newest first. */
export function savedReceipts(): SavedReceipt[] {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? '[]') as unknown
    return Array.isArray(v) ? (v as SavedReceipt[]) : []
  } catch {
    return []
  }
}

function store(list: SavedReceipt[]): void {
  localStorage.setItem(KEY, JSON.stringify(list))
}

/** Remember a receipt (replaces one for the same purchase). */
export function saveReceipt(r: SavedReceipt): void {
  store([r, ...savedReceipts().filter((x) => x.purchaseId !== r.purchaseId)])
}

/** Record the status the market gave for a purchase. */
export function setReceiptStatus(purchaseId: string, status: ReceiptStatus): void {
  store(savedReceipts().map((x) => (x.purchaseId === purchaseId ? { ...x, status } : x)))
}

/** Forget a receipt (claimed into an account, or an abandoned checkout the guest dismissed). */
export function forgetReceipt(code: string): void {
  store(savedReceipts().filter((x) => x.code !== code))
}

/** The saved receipts for a game (`pubkey/slug`), newest first. */
export function receiptsFor(game: string): SavedReceipt[] {
  return savedReceipts().filter((r) => r.game === game)
}

/** Ask the market for the purchase behind a receipt (with the code) and keep the answer. */
export async function checkReceipt(r: SavedReceipt): Promise<ReceiptCheck> {
  try {
    const v = await api<PurchaseView>(
      'GET',
      `/api/v1/purchases/${encodeURIComponent(r.purchaseId)}`,
      { receiptCode: r.code, auth: false },
    )
    setReceiptStatus(r.purchaseId, v.status)
    return v.status
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return 'GONE'
    return 'UNKNOWN'
  }
}

/** A pending checkout whose invoice can still be paid (by the clock; the market has the last word). */
export function resumable(r: SavedReceipt, nowSec = Date.now() / 1000): boolean {
  return r.bolt11 !== undefined && r.expiresAt !== undefined && r.expiresAt > nowSec
}
