import { describe, expect, it } from 'vitest'
import { fiatText, priceText, satsText, satsTitle } from './format.ts'
import { problemText } from './api.ts'
import { nwcErrorCode, nwcErrorText } from './nwc-errors.ts'
import { NwcError, NwcWalletError } from '@zapcade/shared/nwc/uri'

describe('amounts shown to people', () => {
  it('shows whole sats only, flooring a fraction, with the exact msat as a tooltip', () => {
    expect(satsText(237_500)).toBe('237 sats')
    expect(satsTitle(237_500)).toBe('Exactly 237,500 msat')
    expect(satsText(2_100_000)).toBe('2,100 sats')
    expect(satsTitle(2_100_000)).toBeUndefined()
    expect(satsText(1_999)).toBe('1 sat')
    expect(satsText(0)).toBe('0 sats')
    expect(priceText(0)).toBe('Free')
    expect(priceText(999)).toBe('0 sats')
  })

  it('gives an approximate fiat value only when a rate is configured', () => {
    expect(fiatText(2_100_000, undefined)).toBeUndefined()
    expect(fiatText(2_100_000, null)).toBeUndefined()
    // 2,000 sats at 1 BTC = 95,000 USD is 1.90 USD.
    expect(fiatText(2_000_000, { currency: 'USD', per_btc: 95_000 })).toBe('≈ $1.90')
    expect(fiatText(100_000, { currency: 'EUR', per_btc: 90_000 })).toBe('≈ €0.09')
  })
})

describe('problem answers as text', () => {
  it('never shows a 5xx detail, and maps codes to what to do', () => {
    expect(
      problemText({ status: 500, code: 'INTERNAL', detail: 'database is locked' }),
    ).not.toMatch(/database/)
    expect(problemText({ status: 500, detail: 'SqliteError: database is locked' })).toMatch(
      /^Something went wrong on the market's side/,
    )
    expect(problemText({ status: 502 })).toMatch(/try again/)
    expect(problemText({ status: 503, code: 'WALLET_UNAVAILABLE', detail: 'nwc down' })).toMatch(
      /cannot make Lightning invoices/,
    )
    expect(problemText({ status: 429, code: 'RATE_LIMITED' })).toMatch(/Wait a minute/)
    expect(
      problemText({
        status: 422,
        code: 'AMOUNT_TOO_LOW',
        detail: 'amount must be at least 2100 sats',
      }),
    ).toBe('amount must be at least 2100 sats')
  })
})

describe('NWC failures as text', () => {
  it('maps NIP-47 wallet codes and local failures, typed or as lib/nwc.ts words them', () => {
    expect(
      nwcErrorText(new NwcWalletError('INSUFFICIENT_BALANCE', 'INSUFFICIENT_BALANCE: low')),
    ).toMatch(/not have enough funds/)
    expect(nwcErrorCode(new Error('The wallet refused: QUOTA_EXCEEDED: budget'))).toBe(
      'QUOTA_EXCEEDED',
    )
    expect(nwcErrorText(new Error('The wallet refused: QUOTA_EXCEEDED: budget'))).toMatch(
      /spending budget/,
    )
    expect(nwcErrorCode(new Error('The wallet did not answer in time.'))).toBe('TIMEOUT')
    expect(nwcErrorText(new NwcError('TIMEOUT', 'pay_invoice: no answer in 30000 ms'))).toMatch(
      /did not answer in time.*try again/,
    )
    expect(nwcErrorCode(new Error('Could not reach the wallet: cannot connect to ws://x'))).toBe(
      'UNREACHABLE',
    )
    expect(
      nwcErrorCode(
        new Error('The wallet connection URI is not valid: not a wallet connection URI'),
      ),
    ).toBe('BAD_URI')
    expect(nwcErrorText(new Error('something else'))).toMatch(/Try again, or pay with the QR code/)
    expect(nwcErrorText(new Error('connection failed'))).not.toMatch(/connection failed/)
  })
})
