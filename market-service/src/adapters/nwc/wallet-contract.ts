/**
 * The Wallet port contract (one contract suite runs against every wallet adapter).
 * It checks what the money path relies on: invoices as asked, lookups by payment hash, one settled
 * notification carrying a preimage that proves payment, payments that succeed once and fail when
 * repeated, and unknown outcomes (a wallet too slow to answer) reported as UNKNOWN and resolved later
 * by lookupPayment, never guessed.
 */
import { createHash, randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError } from '@zapcade/shared/errors'
import { msat } from '@zapcade/shared/money'
import type { InvoiceStatus, Wallet } from '../../ports/wallet.ts'

export interface WalletUnderTest {
  /** The adapter under test (the market's receiving and paying wallet). */
  wallet: Wallet
  /** Another party that pays an invoice (a buyer). */
  pay(bolt11: string): Promise<void>
  /** Another party's invoice for `amountMsat` (a developer's wallet). */
  foreignInvoice(amountMsat: number): Promise<string>
  /** The wallet answers every request after `ms` (0 = at once). */
  slowResponses(ms: number): void
  /** The wallet drops the next `count` notifications. */
  dropNotifications(count: number): void
  /** The adapter's own deadline for pay_invoice in this setup (the slow-answer case waits longer). */
  payTimeoutMs: number
  /** The adapter's deadline for make_invoice and lookups in this setup. */
  requestTimeoutMs: number
  stop(): Promise<void>
}

const sha256Hex = (hex: string): string =>
  createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex')

/** Resolve with the first notification for `hash`, or reject after `ms`. */
function nextNotification(wallet: Wallet, hash: string, ms = 10_000): Promise<InvoiceStatus> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off()
      reject(new Error(`no payment_received for ${hash} in ${ms} ms`))
    }, ms)
    const off = wallet.onPaymentReceived((s) => {
      if (s.paymentHash !== hash) return
      clearTimeout(timer)
      off()
      resolve(s)
    })
  })
}

async function eventually<T>(
  fn: () => Promise<T | undefined>,
  what: string,
  tries = 100,
): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await fn()
    if (v !== undefined) return v
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`never: ${what}`)
}

/** Run the contract against the wallet `setup` makes. */
export function walletContract(name: string, setup: () => Promise<WalletUnderTest>): void {
  describe(`Wallet contract: ${name}`, () => {
    let w: WalletUnderTest
    beforeAll(async () => {
      w = await setup()
    })
    afterAll(async () => {
      await w?.stop()
    })

    it('makes an invoice for exactly the amount asked, with a 64-hex payment hash and the expiry asked', async () => {
      const inv = await w.wallet.makeInvoice({
        amountMsat: msat(21_000),
        description: 'Zapcade: contract',
        expirySec: 900,
      })
      expect(inv.bolt11).toMatch(/^ln/)
      expect(inv.paymentHash).toMatch(/^[0-9a-f]{64}$/)
      expect(inv.amountMsat).toBe(21_000)
      expect(inv.expiresAtSec - inv.createdAtSec).toBe(900)
    })

    it('looks an unpaid invoice up as PENDING and an unknown hash as undefined', async () => {
      const inv = await w.wallet.makeInvoice({
        amountMsat: msat(5_000),
        description: 'x',
        expirySec: 600,
      })
      expect(await w.wallet.lookupInvoice(inv.paymentHash)).toMatchObject({
        paymentHash: inv.paymentHash,
        state: 'PENDING',
        amountMsat: 5_000,
      })
      expect(await w.wallet.lookupInvoice(randomBytes(32).toString('hex'))).toBeUndefined()
    })

    it('a paid invoice is notified as SETTLED with a preimage that hashes to the payment hash, and looks up SETTLED', async () => {
      const inv = await w.wallet.makeInvoice({
        amountMsat: msat(7_000),
        description: 'x',
        expirySec: 600,
      })
      const note = nextNotification(w.wallet, inv.paymentHash)
      await w.pay(inv.bolt11)
      const s = await note
      expect(s).toMatchObject({ state: 'SETTLED', amountMsat: 7_000 })
      expect(sha256Hex(s.preimage!)).toBe(inv.paymentHash)
      const looked = await w.wallet.lookupInvoice(inv.paymentHash)
      expect(looked).toMatchObject({ state: 'SETTLED', preimage: s.preimage })
      expect(looked?.settledAtSec).toBeGreaterThan(0)
    })

    it('a dropped notification leaves the payment visible to lookupInvoice (the reconcile path)', async () => {
      const inv = await w.wallet.makeInvoice({
        amountMsat: msat(3_000),
        description: 'x',
        expirySec: 600,
      })
      w.dropNotifications(1)
      await w.pay(inv.bolt11)
      const s = await eventually(async () => {
        const l = await w.wallet.lookupInvoice(inv.paymentHash)
        return l?.state === 'SETTLED' ? l : undefined
      }, 'settled by lookup')
      expect(sha256Hex(s.preimage!)).toBe(inv.paymentHash)
    })

    it("pays another party's invoice once: SUCCEEDED with a proving preimage, lookupPayment agrees, paying again FAILS", async () => {
      const bolt11 = await w.foreignInvoice(2_000)
      const r = await w.wallet.payInvoice(bolt11)
      expect(r.status).toBe('SUCCEEDED')
      if (r.status !== 'SUCCEEDED') return
      const hash = sha256Hex(r.preimage)
      expect(await w.wallet.lookupPayment(hash)).toMatchObject({
        status: 'SUCCEEDED',
        preimage: r.preimage,
      })
      expect((await w.wallet.payInvoice(bolt11)).status).toBe('FAILED')
    })

    it('a malformed invoice is FAILED, an unknown outgoing hash NOT_FOUND', async () => {
      expect((await w.wallet.payInvoice('lnbc1notaninvoice')).status).toBe('FAILED')
      expect(await w.wallet.lookupPayment(randomBytes(32).toString('hex'))).toEqual({
        status: 'NOT_FOUND',
      })
    })

    it('a wallet slower than the deadline: pay is UNKNOWN, then lookupPayment finds it SUCCEEDED (never guessed)', async () => {
      const bolt11 = await w.foreignInvoice(1_500)
      w.slowResponses(w.payTimeoutMs + 1_000)
      let r
      try {
        r = await w.wallet.payInvoice(bolt11)
      } finally {
        w.slowResponses(0)
      }
      expect(r.status).toBe('UNKNOWN')
      const { decode } = await import('light-bolt11-decoder')
      const hash = (
        decode(bolt11).sections.find((s) => s.name === 'payment_hash') as { value: string }
      ).value
      const settled = await eventually(async () => {
        const s = await w.wallet.lookupPayment(hash)
        return s.status === 'SUCCEEDED' ? s : undefined
      }, 'payment visible after the slow answer')
      expect(sha256Hex(settled.preimage)).toBe(hash)
    })

    it('makeInvoice on a wallet that does not answer in time throws WALLET_UNAVAILABLE', async () => {
      w.slowResponses(w.requestTimeoutMs + 1_000)
      try {
        await expect(
          w.wallet.makeInvoice({ amountMsat: msat(1_000), description: 'x', expirySec: 60 }),
        ).rejects.toSatisfy(
          (e: unknown) => e instanceof AppError && e.code === 'WALLET_UNAVAILABLE',
        )
      } finally {
        w.slowResponses(0)
      }
    })
  })
}
