/** Display helpers. Amounts stay integer msat; only the text shown is in sats (shared/src/money.ts). */
import { formatSats, msat } from '@zapcade/shared/money'

/** "2,100 sats" or "Free". */
export function priceText(priceMsat: number): string {
  return priceMsat === 0 ? 'Free' : formatSats(msat(priceMsat))
}

/** "2,100 sats" (also for zero). */
export function satsText(amountMsat: number): string {
  return formatSats(msat(amountMsat))
}

/** A date from unix seconds, in the reader's locale. */
export function dateText(sec: number): string {
  return new Date(sec * 1000).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' })
}

/** 12.3 MB style size. */
export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KB', 'MB', 'GB']
  let v = bytes / 1024
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${v.toFixed(1)} ${units[i]}`
}

/** First 8 + last 4 of a hex key, for display next to a name. */
export function shortKey(hex: string): string {
  return hex.length > 16 ? `${hex.slice(0, 8)}…${hex.slice(-4)}` : hex
}
