/**
 * Guest receipt codes kept in this browser as a convenience copy. The code is a bearer credential for
 * the game (DESIGN.md section 3): the page tells the guest to write it down, since clearing site data
 * loses this copy and the market stores only its hash.
 */
export interface SavedReceipt {
  game: string
  title: string
  code: string
  purchaseId: string
  savedAtMs: number
}

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

/** Remember a receipt (replaces one for the same purchase). */
export function saveReceipt(r: SavedReceipt): void {
  const rest = savedReceipts().filter((x) => x.purchaseId !== r.purchaseId)
  localStorage.setItem(KEY, JSON.stringify([r, ...rest]))
}

/** Forget a receipt once it was claimed into an account. */
export function forgetReceipt(code: string): void {
  localStorage.setItem(KEY, JSON.stringify(savedReceipts().filter((x) => x.code !== code)))
}

/** The saved receipt for a game (`pubkey/slug`), if any. */
export function receiptFor(game: string): SavedReceipt | undefined {
  return savedReceipts().find((r) => r.game === game)
}
