/**
 * Display helpers. Amounts stay integer msat; only the text shown is in sats, always whole: a fraction
 * of a sat is floored away for display and the exact amount is given by `satsTitle` (a tooltip).
 */

/** A rate set by the market operator: 1 BTC = `per_btc` of `currency` (never fetched from the network). */
export interface FiatRate {
  currency: string
  per_btc: number
}

const MSAT_PER_BTC = 100_000_000_000

/** "2,100 sats" (also for zero): whole sats, rounded down. */
export function satsText(amountMsat: number): string {
  const whole = Math.floor(amountMsat / 1000)
  return `${whole.toLocaleString('en-US')} ${whole === 1 ? 'sat' : 'sats'}`
}

/** "2,100 sats" or "Free". */
export function priceText(priceMsat: number): string {
  return priceMsat === 0 ? 'Free' : satsText(priceMsat)
}

/** The exact amount for a tooltip, "237,500 msat", when the whole-sat text drops a fraction; else undefined. */
export function satsTitle(amountMsat: number): string | undefined {
  return amountMsat % 1000 === 0 ? undefined : `Exactly ${amountMsat.toLocaleString('en-US')} msat`
}

/** "≈ $2.38" from the market's configured rate, or undefined when no rate is configured. */
export function fiatText(
  amountMsat: number,
  rate: FiatRate | null | undefined,
): string | undefined {
  if (!rate || amountMsat <= 0) return undefined
  const value = (amountMsat * rate.per_btc) / MSAT_PER_BTC
  let text: string
  try {
    text = new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency: rate.currency,
      maximumFractionDigits: value < 1 ? 4 : 2,
    }).format(value)
  } catch {
    text = `${value.toFixed(2)} ${rate.currency}`
  }
  return `≈ ${text}`
}

/** A date from unix seconds, in the reader's locale. */
export function dateText(sec: number): string {
  return new Date(sec * 1000).toLocaleDateString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
  })
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
