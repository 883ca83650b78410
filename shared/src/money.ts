/**
 * Money is integer millisatoshis, branded so a sat count can never be passed where msat is meant.
 * Conversions live here and only here; no floats anywhere (docs/architecture.md "Money flows").
 */
declare const msatBrand: unique symbol
export type Msat = number & { readonly [msatBrand]: 'Msat' }

/** Largest amount we handle: 21M BTC in msat exceeds 2^53, so cap at what is exact in a JS number. */
export const MAX_MSAT = Number.MAX_SAFE_INTEGER
/** Largest game price in sats (docs/architecture.md price bounds): 10 BTC. */
export const MAX_PRICE_SATS = 1_000_000_000

/** Brand a non-negative safe integer as msat; throws on anything else (a programming error). */
export function msat(value: number | bigint): Msat {
  const n = typeof value === 'bigint' ? Number(value) : value
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a msat amount: ${String(value)}`)
  return n as Msat
}

/** Whole sats to msat. */
export function satsToMsat(sats: number): Msat {
  if (!Number.isSafeInteger(sats) || sats < 0) throw new RangeError(`not a sat amount: ${sats}`)
  return msat(sats * 1000)
}

/** Msat to whole sats, rounding down (the remainder is reported separately by callers that care). */
export function msatToSatsFloor(amount: Msat): number {
  return Math.floor(amount / 1000)
}

/** Parse a decimal integer string of sats ("2100") strictly: no signs, no decimals, no exponent. */
export function parseSats(text: string): number | undefined {
  if (!/^(0|[1-9][0-9]{0,15})$/.test(text)) return undefined
  const n = Number(text)
  return Number.isSafeInteger(n) ? n : undefined
}

/** Parse a decimal integer string of msat strictly. */
export function parseMsat(text: string): Msat | undefined {
  if (!/^(0|[1-9][0-9]{0,15})$/.test(text)) return undefined
  const n = Number(text)
  return Number.isSafeInteger(n) ? (n as Msat) : undefined
}

/** Add msat amounts exactly. */
export function addMsat(...amounts: Msat[]): Msat {
  return msat(amounts.reduce((a, b) => a + b, 0))
}

/** Basis points: 0..10000. */
export function isFeeBps(bps: number): boolean {
  return Number.isInteger(bps) && bps >= 0 && bps <= 10_000
}

/**
 * Split a paid amount into platform fee and developer net.
 * fee = floor(amount × bps / 10000); the remainder goes to the developer (docs/architecture.md "Money flows").
 * BigInt keeps amount × bps exact beyond 2^53.
 */
export function splitFee(amount: Msat, feeBps: number): { feeMsat: Msat; netMsat: Msat } {
  if (!isFeeBps(feeBps)) throw new RangeError(`fee bps out of range: ${feeBps}`)
  const fee = Number((BigInt(amount) * BigInt(feeBps)) / 10_000n)
  return { feeMsat: msat(fee), netMsat: msat(amount - fee) }
}

/** Format msat for people: "2,100 sats" or "2,100.5 sats" (display only, never for arithmetic). */
export function formatSats(amount: Msat): string {
  const whole = Math.floor(amount / 1000)
  const rest = amount % 1000
  const head = whole.toLocaleString('en-US')
  return rest === 0
    ? `${head} sats`
    : `${head}.${String(rest).padStart(3, '0').replace(/0+$/, '')} sats`
}
