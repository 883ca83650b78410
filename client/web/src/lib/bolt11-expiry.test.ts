import { describe, expect, it } from 'vitest'
import { signInvoice } from '@zapcade/devnet/invoice-codec'
import { msat } from '@zapcade/shared/money'
import { bolt11ExpiresAt } from './bolt11-expiry.ts'

const KEY = '11'.repeat(32)
const HASH = '22'.repeat(32)

describe('invoice expiry read from the invoice', () => {
  it('is timestamp + the x field, signed by the bolt11 package as wallets sign them', () => {
    const pr = signInvoice(KEY, {
      amountMsat: msat(250_000),
      paymentHash: HASH,
      description: 'zap',
      expirySec: 600,
      timestampSec: 1_800_000_000,
    })
    expect(bolt11ExpiresAt(pr)).toBe(1_800_000_600)
    expect(bolt11ExpiresAt(`LIGHTNING:${pr.toUpperCase()}`)).toBe(1_800_000_600)
  })

  it('defaults to one hour without an x field (BOLT 11 example, no amount, no expiry)', () => {
    // The first example invoice of BOLT 11 (lightning/bolts 11-payment-encoding.md): timestamp 1496314658.
    const spec =
      'lnbc1pvjluezsp5zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zygspp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdpl2pkx2ctnv5sxxmmwwd5kgetjypeh2ursdae8g6twvus8g6rfwvs8qun0dfjkxaq9qrsgq357wnc5r2ueh7ck6q93dj32dlqnls087fxdwk8qakdyafkq3yap9us6v52vjjsrvywa6rt52cm9r9zqt8r2t7mlcwspyetp5h2tztugp9lfyql'
    expect(bolt11ExpiresAt(spec)).toBe(1_496_314_658 + 3600)
  })

  it('answers undefined for text that is not an invoice', () => {
    expect(bolt11ExpiresAt('hello')).toBeUndefined()
    expect(bolt11ExpiresAt('lnbc1qqqq')).toBeUndefined()
  })
})
