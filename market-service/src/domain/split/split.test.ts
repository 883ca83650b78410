import { describe, expect, it } from 'vitest'
import { splitNet, zapSplitWeights } from './split.ts'

const market = 'a'.repeat(64)
const author = 'b'.repeat(64)
const c1 = 'c'.repeat(64)
const c2 = 'd'.repeat(64)

/**
 * Split tags as real clients write them. Producer: applesauce `setZapSplitTags`
 * (github.com/hzrd149/applesauce, packages/factory/src/operations/zap-split.ts @ ba7dfedb) pushes
 * `fillAndTrimTag(["zap", pubkey, relayHint, String(weight)])` (an absent hint becomes ""); Amethyst's reader (github.com/vitorpamplona/amethyst,
 * quartz/src/main/java/com/vitorpamplona/quartz/nip57Zaps/EventExt.kt `zapSplitSetup`) keeps only
 * weights > 0 and reads a missing weight as 0.
 */
const listingTags: string[][] = [
  ['d', 'space-game'],
  ['price', '1000', 'SAT'],
  ['zap', market, 'wss://relay.market.example', '1'],
  ['zap', author, 'wss://relay.damus.io', '50'],
  ['zap', c1, 'wss://nos.lol', '30'],
  ['zap', c2, '', '20'],
]

describe('zapSplitWeights', () => {
  it('reads the collaborators of a real-shaped listing, the market excluded', () => {
    expect(zapSplitWeights(listingTags, market)).toEqual([
      { pubkey: author, weight: 50 },
      { pubkey: c1, weight: 30 },
      { pubkey: c2, weight: 20 },
    ])
  })
  it('shares equally when no tag has a weight', () => {
    const w = zapSplitWeights(
      [
        ['zap', market, ''],
        ['zap', c1, ''],
        ['zap', c2],
      ],
      market,
    )
    expect(w).toEqual([
      { pubkey: c1, weight: 1 },
      { pubkey: c2, weight: 1 },
    ])
  })
  it('gives nothing to weight 0, unweighted tags among weighted ones, or bad pubkeys', () => {
    const w = zapSplitWeights(
      [
        ['zap', c1, '', '0'],
        ['zap', c2, ''],
        ['zap', author, '', '3'],
        ['zap', 'XYZ', '', '5'],
        ['zap', c1, '', 'x'],
      ],
      market,
    )
    expect(w).toEqual([{ pubkey: author, weight: 3 }])
  })
  it('adds up a pubkey named twice', () => {
    expect(
      zapSplitWeights(
        [
          ['zap', c1, '', '2'],
          ['zap', c1, '', '3'],
        ],
        market,
      ),
    ).toEqual([{ pubkey: c1, weight: 5 }])
  })
})

describe('splitNet', () => {
  it('floors each share and gives the remainder to the author', () => {
    // 1000 msat among 1:1:1 → 333 each, the author's 1 msat remainder on top.
    const legs = splitNet(1000, author, [
      { pubkey: author, weight: 1 },
      { pubkey: c1, weight: 1 },
      { pubkey: c2, weight: 1 },
    ])
    expect(legs).toEqual([
      { pubkey: author, amountMsat: 334 },
      { pubkey: c1, amountMsat: 333 },
      { pubkey: c2, amountMsat: 333 },
    ])
  })
  it('gives the author only the remainder when they are not among the recipients', () => {
    expect(
      splitNet(1001, author, [
        { pubkey: c1, weight: 1 },
        { pubkey: c2, weight: 1 },
      ]),
    ).toEqual([
      { pubkey: author, amountMsat: 1 },
      { pubkey: c1, amountMsat: 500 },
      { pubkey: c2, amountMsat: 500 },
    ])
  })
  it('pays the whole net to the author without recipients, and no collaborator leg of 0 msat', () => {
    expect(splitNet(900, author, [])).toEqual([{ pubkey: author, amountMsat: 900 }])
    expect(splitNet(0, author, [{ pubkey: c1, weight: 1 }])).toEqual([
      { pubkey: author, amountMsat: 0 },
    ])
    expect(
      splitNet(1, author, [
        { pubkey: c1, weight: 1 },
        { pubkey: c2, weight: 1 },
      ]),
    ).toEqual([{ pubkey: author, amountMsat: 1 }])
  })
  it('never leaks: over seeded random splits the legs sum to the net and each is within 1 msat of its ideal', () => {
    let seed = 17
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed % n
    }
    const keys = [author, c1, c2, 'e'.repeat(64), 'f'.repeat(64)]
    for (let i = 0; i < 2000; i++) {
      const net = rnd(3) === 0 ? rnd(10) : rnd(2 ** 30) * 1000 + rnd(1000)
      const weights = keys
        .slice(0, rnd(5) + 1)
        .map((pubkey) => ({ pubkey, weight: rnd(4) === 0 ? 0 : rnd(10_000) }))
      const legs = splitNet(net, author, weights)
      expect(legs.reduce((a, l) => a + l.amountMsat, 0)).toBe(net)
      expect(new Set(legs.map((l) => l.pubkey)).size).toBe(legs.length)
      expect(legs[0]!.pubkey).toBe(author)
      expect(
        legs.slice(1).every((l) => Number.isSafeInteger(l.amountMsat) && l.amountMsat > 0),
      ).toBe(true)
      const total = weights.reduce((a, w) => a + w.weight, 0)
      for (const w of weights) {
        if (w.pubkey === author || w.weight === 0) continue
        const got = legs.find((l) => l.pubkey === w.pubkey)?.amountMsat ?? 0
        expect(Math.abs(got - (net * w.weight) / total)).toBeLessThan(1)
      }
      // Deterministic: the same input gives the same legs.
      expect(splitNet(net, author, weights)).toEqual(legs)
    }
  })
})
