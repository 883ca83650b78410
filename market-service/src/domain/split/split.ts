/**
 * Collaborator revenue splits (docs/splits.md): a listing's weighted `zap` tags (NIP-57 Appendix G,
 * `["zap", <hex pubkey>, <relay>, <weight>]`) say how the developer net of each sale is shared. The
 * market's own tag only routes the money and takes no share; tags with weight 0 (or, when some tags
 * carry a weight, tags without one) get nothing; when no tag carries a weight all share equally. Every
 * share is floored to the millisat and the remainder goes to the listing's author, so the legs always
 * add up to the net exactly.
 */

export interface SplitWeight {
  pubkey: string
  weight: number
}

export interface SplitLeg {
  pubkey: string
  amountMsat: number
}

/** At most this many recipients are honoured (the first ones in tag order); more are ignored. */
export const MAX_SPLIT_RECIPIENTS = 16

const HEX64 = /^[0-9a-f]{64}$/

/**
 * The recipients of a listing's tags, the market's tag excluded, in first-seen order. A pubkey named
 * twice adds up its weights. Weights are read as non-negative integers (decimals are floored, as the
 * shares are integer ratios); anything else counts as absent.
 */
export function zapSplitWeights(
  tags: readonly (readonly string[])[],
  marketPubkey: string,
): SplitWeight[] {
  const zaps = tags.filter((t) => t[0] === 'zap' && HEX64.test(t[1] ?? '') && t[1] !== marketPubkey)
  const parsed = zaps.map((t) => {
    const raw = t[3]
    const n = raw !== undefined && /^\d+(\.\d+)?$/.test(raw.trim()) ? Math.floor(Number(raw)) : null
    return { pubkey: t[1]!, weight: n !== null && Number.isSafeInteger(n) ? n : null }
  })
  const anyWeight = parsed.some((p) => p.weight !== null)
  const byKey = new Map<string, number>()
  for (const p of parsed) {
    const w = anyWeight ? (p.weight ?? 0) : 1
    if (!byKey.has(p.pubkey) && byKey.size >= MAX_SPLIT_RECIPIENTS) continue
    byKey.set(p.pubkey, (byKey.get(p.pubkey) ?? 0) + w)
  }
  return [...byKey].filter(([, w]) => w > 0).map(([pubkey, weight]) => ({ pubkey, weight }))
}

/**
 * Share `netMsat` by weight: each leg floor(net × weight / Σ weights), the remainder to `authorPubkey`
 * (added to their leg, or a leg of its own). No recipients: the whole net to the author. The author's
 * leg always comes first, even at 0 msat (the sale names its developer); other legs of 0 msat are
 * dropped and the rest follow in the order given.
 */
export function splitNet(
  netMsat: number,
  authorPubkey: string,
  weights: readonly SplitWeight[],
): SplitLeg[] {
  if (!Number.isSafeInteger(netMsat) || netMsat < 0)
    throw new RangeError('net must be a non-negative integer')
  const live = weights.filter((w) => w.weight > 0)
  const total = live.reduce((a, w) => a + BigInt(w.weight), 0n)
  const shares = new Map<string, number>([[authorPubkey, 0]])
  let given = 0
  for (const w of live) {
    // BigInt keeps net × weight exact beyond 2^53.
    const share = total === 0n ? 0 : Number((BigInt(netMsat) * BigInt(w.weight)) / total)
    shares.set(w.pubkey, (shares.get(w.pubkey) ?? 0) + share)
    given += share
  }
  shares.set(authorPubkey, shares.get(authorPubkey)! + (netMsat - given))
  return [...shares]
    .filter(([k, a]) => a > 0 || k === authorPubkey)
    .map(([pubkey, amountMsat]) => ({ pubkey, amountMsat }))
}
