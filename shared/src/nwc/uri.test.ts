import { describe, expect, it } from 'vitest'
import { NwcError, parseNwcUri } from './uri.ts'

const WALLET = 'b889ff5b1513b641e2a139f661a661364979c5beee91842f8f0ef42ab558e9d4'
const SECRET = '71a8c14c1407c113601079c4302dab36460f0ccd0ad506f1f2dc73b5100e4f3c'

const codeOf = (uri: string): string => {
  try {
    parseNwcUri(uri)
  } catch (e) {
    return e instanceof NwcError ? e.code : 'NOT_NWC_ERROR'
  }
  return 'PARSED'
}

describe('parseNwcUri', () => {
  it('reads the NIP-47 example connection string (relay URL-encoded)', () => {
    // The example in NIP-47 (nostr-protocol/nips, 47.md, "Example connection string").
    const c = parseNwcUri(
      `nostr+walletconnect://${WALLET}?relay=wss%3A%2F%2Frelay.damus.io&secret=${SECRET}`,
    )
    expect(c.walletPubkey).toBe(WALLET)
    expect(c.relays).toEqual(['wss://relay.damus.io'])
    expect(Buffer.from(c.secret).toString('hex')).toBe(SECRET)
    expect(c.lud16).toBeUndefined()
  })

  it('keeps several relays in order (duplicates once), lud16, and lower-cases hex', () => {
    const uri =
      `  nostr+walletconnect://${WALLET.toUpperCase()}?relay=ws://127.0.0.1:7000&relay=wss://r.example&relay=ws://127.0.0.1:7000` +
      `&secret=${SECRET.toUpperCase()}&lud16=alice%40example.com\n`
    const c = parseNwcUri(uri)
    expect(c.walletPubkey).toBe(WALLET)
    expect(c.relays).toEqual(['ws://127.0.0.1:7000', 'wss://r.example'])
    expect(Buffer.from(c.secret).toString('hex')).toBe(SECRET)
    expect(c.lud16).toBe('alice@example.com')
  })

  it('accepts the scheme without //, and a / before the query (as URL serialisers write it)', () => {
    expect(
      parseNwcUri(`nostr+walletconnect:${WALLET}?relay=wss://r.example&secret=${SECRET}`)
        .walletPubkey,
    ).toBe(WALLET)
    expect(
      parseNwcUri(`nostr+walletconnect://${WALLET}/?relay=wss://r.example&secret=${SECRET}`)
        .walletPubkey,
    ).toBe(WALLET)
  })

  it.each([
    ['another scheme', `nostr+walletauth://${WALLET}?relay=wss://r.example&secret=${SECRET}`],
    [
      'a short wallet key',
      `nostr+walletconnect://${WALLET.slice(2)}?relay=wss://r.example&secret=${SECRET}`,
    ],
    ['no query', `nostr+walletconnect://${WALLET}`],
    ['no relay', `nostr+walletconnect://${WALLET}?secret=${SECRET}`],
    ['an http relay', `nostr+walletconnect://${WALLET}?relay=https://r.example&secret=${SECRET}`],
    ['no secret', `nostr+walletconnect://${WALLET}?relay=wss://r.example`],
    [
      'a short secret',
      `nostr+walletconnect://${WALLET}?relay=wss://r.example&secret=${SECRET.slice(1)}`,
    ],
  ])('refuses %s with BAD_URI, never echoing the secret', (_, uri) => {
    expect(codeOf(uri)).toBe('BAD_URI')
    try {
      parseNwcUri(uri)
    } catch (e) {
      expect((e as Error).message).not.toContain(SECRET.slice(0, 16))
    }
  })
})
