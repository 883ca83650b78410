import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { nodeNwcClient } from '@zapcade/shared/crypto/nwc-node'
import { RECEIVE_ONLY } from '@zapcade/devnet'
import { msat } from '@zapcade/shared/money'
import { NwcWallet } from '../../adapters/nwc/nwc-wallet.ts'
import { invoiceExpiresAtSec } from '../../adapters/lnurl/decode-invoice.ts'
import { lnurlPayClient } from '../../adapters/lnurl/lnurl-pay-client.ts'
import { sqlitePayoutRepo } from '../../adapters/sqlite/payout-repo.ts'
import { cancelPayout, retryPayout } from './payout-admin.ts'
import { PayoutWorker, backoffSec, type PayoutPolicy } from './payout-worker.ts'
import {
  addDeveloper,
  addPayout,
  ledgerOf,
  payoutRow,
  settledIncoming,
  startLyingLnurl,
  startPayoutWorld,
  testClock,
  type MutableClock,
  type PayoutWorld,
} from './testing/payout-fixture.ts'

let w: PayoutWorld
beforeAll(async () => {
  w = await startPayoutWorld()
})
afterAll(async () => {
  await w.stop()
})

let seq = 0
function devWallet(): { walletId: number; lud16: string } {
  const c = w.devnet.createWallet({ name: `dev-${process.pid}-${++seq}` })
  return { walletId: c.walletId, lud16: c.lud16! }
}

function worker(clock: MutableClock, policy: Partial<PayoutPolicy> = {}): PayoutWorker {
  return new PayoutWorker({
    repo: sqlitePayoutRepo(w.db),
    wallet: w.wallet,
    lnurl: lnurlPayClient({ production: false }),
    clock,
    random: () => 0.5,
    invoiceExpiresAtSec,
    policy: { baseBackoffSec: 60, ...policy },
  })
}

const marketBalance = (): number => w.devnet.node.balance(w.marketWalletId)
const sha256hex = (hex: string): string =>
  createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex')

describe('payout worker against devnet over real NIP-47 and LNURL', () => {
  it('pays a payout once to the developer Lightning address: SENT with its preimage, one PAYOUT_SENT, nothing on later passes', async () => {
    const clock = testClock()
    const dev = devWallet()
    const { userId } = addDeveloper(w.db, dev.lud16, clock.nowSec())
    const id = addPayout(w.db, userId, 21_000, clock.nowSec())
    const before = marketBalance()
    const wk = worker(clock)

    expect((await wk.tick()).get(id)).toBe('SENT')
    const row = payoutRow(w.db, id)
    expect(row.status).toBe('SENT')
    expect(row.destination_ln_address).toBe(dev.lud16)
    expect(sha256hex(row.preimage!)).toBe(row.payment_hash)
    const ledger = ledgerOf(w.db, id)
    expect(ledger.map((e) => [e.type, e.amount_msat, e.idempotency_key])).toEqual([
      ['PAYOUT_SENT', 21_000, `payout:${id}:SENT`],
    ])
    expect(JSON.parse(ledger[0]!.meta_json)).toMatchObject({
      preimage: row.preimage,
      fees_paid_msat: 0,
      payment_hash: row.payment_hash,
    })

    expect((await wk.tick()).has(id)).toBe(false)
    expect(await wk.recover()).toBe(0)
    expect(settledIncoming(w.devnet, dev.walletId)).toEqual([
      expect.objectContaining({ amount: 21_000, payment_hash: row.payment_hash }),
    ])
    expect(w.devnet.node.balance(dev.walletId)).toBe(21_000)
    expect(marketBalance()).toBe(before - 21_000)
  })

  it('leaves a payout without a payout address SCHEDULED with "no payout address", and pays it once an address is set', async () => {
    const clock = testClock()
    const { userId } = addDeveloper(w.db, null, clock.nowSec())
    const id = addPayout(w.db, userId, 5_000, clock.nowSec())
    const wk = worker(clock)
    expect((await wk.tick()).get(id)).toBe('NO_ADDRESS')
    expect(payoutRow(w.db, id)).toMatchObject({
      status: 'SCHEDULED',
      last_error: 'no payout address',
      payment_hash: null,
      attempts: 0,
    })

    const dev = devWallet()
    w.db
      .prepare('UPDATE developer_profiles SET payout_ln_address = ? WHERE user_id = ?')
      .run(dev.lud16, userId)
    clock.advance(wk.policy.noAddressRecheckSec)
    expect((await wk.tick()).get(id)).toBe('SENT')
    expect(payoutRow(w.db, id)).toMatchObject({ status: 'SENT', destination_ln_address: dev.lud16 })
    expect(w.devnet.node.balance(dev.walletId)).toBe(5_000)
  })

  for (const lie of ['amount', 'description_hash'] as const) {
    it(`refuses an LNURL invoice with the wrong ${lie === 'amount' ? 'amount' : 'description hash'}: never paid, RETRYING with the reason`, async () => {
      const clock = testClock()
      const liarWallet = devWallet()
      const liar = await startLyingLnurl(w.devnet, liarWallet.walletId, lie)
      try {
        const { userId } = addDeveloper(w.db, liar.address, clock.nowSec())
        const id = addPayout(w.db, userId, 8_000, clock.nowSec())
        const before = marketBalance()
        expect((await worker(clock).tick()).get(id)).toBe('RETRYING')
        const row = payoutRow(w.db, id)
        expect(row).toMatchObject({
          status: 'RETRYING',
          payment_hash: null,
          bolt11: null,
          attempts: 1,
        })
        expect(row.last_error).toContain(
          lie === 'amount'
            ? 'invoice amount 9000 msat, asked 8000'
            : 'description hash is not sha256 of the metadata',
        )
        expect(row.next_attempt_at).toBe(
          clock.nowSec() +
            backoffSec({ baseBackoffSec: 60, maxBackoffSec: 6 * 3600 }, 1, () => 0.5),
        )
        expect(liar.invoices).toHaveLength(1)
        expect(settledIncoming(w.devnet, liarWallet.walletId)).toEqual([])
        expect(marketBalance()).toBe(before)
        expect(ledgerOf(w.db, id)).toEqual([])
      } finally {
        await liar.close()
      }
    })
  }

  it('asks the next invoice from the developer current payout address: a payout refused by a bad address goes once the address is fixed', async () => {
    const clock = testClock()
    const liarWallet = devWallet()
    const liar = await startLyingLnurl(w.devnet, liarWallet.walletId, 'amount')
    try {
      const { userId } = addDeveloper(w.db, liar.address, clock.nowSec())
      const id = addPayout(w.db, userId, 4_200, clock.nowSec())
      const wk = worker(clock)
      expect((await wk.tick()).get(id)).toBe('RETRYING')
      expect(payoutRow(w.db, id).destination_ln_address).toBe(liar.address)
      const dev = devWallet()
      w.db
        .prepare('UPDATE developer_profiles SET payout_ln_address = ? WHERE user_id = ?')
        .run(dev.lud16, userId)
      clock.advance(payoutRow(w.db, id).next_attempt_at - clock.nowSec())
      expect((await wk.tick()).get(id)).toBe('SENT')
      expect(payoutRow(w.db, id)).toMatchObject({
        status: 'SENT',
        destination_ln_address: dev.lud16,
        attempts: 2,
      })
      expect(JSON.parse(ledgerOf(w.db, id)[0]!.meta_json).destination).toBe(dev.lud16)
      expect(w.devnet.node.balance(dev.walletId)).toBe(4_200)
      expect(settledIncoming(w.devnet, liarWallet.walletId)).toEqual([])
    } finally {
      await liar.close()
    }
  })

  it('backs off after a failed payment, FAILS with PAYOUT_FAILED at the limit, and an admin retry pays it exactly once', async () => {
    const clock = testClock()
    const dev = devWallet()
    const { userId } = addDeveloper(w.db, dev.lud16, clock.nowSec())
    const id = addPayout(w.db, userId, 3_000, clock.nowSec())
    const wk = worker(clock, { maxAttempts: 2 })
    w.devnet.control.failNextPayment(2, 'no route (test)')

    expect((await wk.tick()).get(id)).toBe('RETRYING')
    const first = payoutRow(w.db, id)
    expect(first).toMatchObject({ status: 'RETRYING', attempts: 1 })
    expect(first.last_error).toContain('no route (test)')
    expect(first.payment_hash).not.toBeNull() // kept: looked up before the next attempt
    expect(first.next_attempt_at).toBeGreaterThan(clock.nowSec())
    expect((await wk.tick()).has(id)).toBe(false) // not due yet

    clock.advance(first.next_attempt_at - clock.nowSec())
    expect((await wk.tick()).get(id)).toBe('FAILED')
    const failed = payoutRow(w.db, id)
    expect(failed).toMatchObject({ status: 'FAILED', attempts: 2 })
    expect(failed.payment_hash).not.toBe(first.payment_hash) // the failed invoice was replaced by a new one
    const ledger = ledgerOf(w.db, id)
    expect(ledger.map((e) => [e.type, e.amount_msat, e.idempotency_key])).toEqual([
      ['PAYOUT_FAILED', 3_000, `payout:${id}:FAILED:1`],
    ])
    expect(JSON.parse(ledger[0]!.meta_json).reason).toContain('no route (test)')
    expect(settledIncoming(w.devnet, dev.walletId)).toEqual([])

    const admin = { repo: sqlitePayoutRepo(w.db), wallet: w.wallet, clock, invoiceExpiresAtSec }
    expect(retryPayout(admin, id)).toMatchObject({ status: 'RETRYING', attempts: 0 })
    expect((await wk.tick()).get(id)).toBe('SENT')
    expect(settledIncoming(w.devnet, dev.walletId)).toHaveLength(1)
    expect(w.devnet.node.balance(dev.walletId)).toBe(3_000)
    await expect(cancelPayout(admin, id, 'too late')).rejects.toMatchObject({ code: 'CONFLICT' })
    expect(ledgerOf(w.db, id).map((e) => e.type)).toEqual(['PAYOUT_FAILED', 'PAYOUT_SENT'])
  })

  it('a wallet refusal (RESTRICTED from a receive-only connection, as for QUOTA_EXCEEDED/RATE_LIMITED) backs off and keeps the payout owed; it is paid once when allowed (PAY-5, AUT-5)', async () => {
    const clock = testClock()
    const dev = devWallet()
    const { userId } = addDeveloper(w.db, dev.lud16, clock.nowSec())
    const id = addPayout(w.db, userId, 4_000, clock.nowSec())
    const before = marketBalance()
    const receiveOnly = new NwcWallet({
      url: w.devnet.connect(w.marketWalletId, RECEIVE_ONLY),
      requestTimeoutMs: 10_000,
    })
    try {
      const restricted = new PayoutWorker({
        repo: sqlitePayoutRepo(w.db),
        wallet: receiveOnly,
        lnurl: lnurlPayClient({ production: false }),
        clock,
        random: () => 0.5,
        invoiceExpiresAtSec,
        policy: { baseBackoffSec: 60 },
      })
      expect((await restricted.tick()).get(id)).toBe('RETRYING')
      const row = payoutRow(w.db, id)
      expect(row).toMatchObject({ status: 'RETRYING', attempts: 1 })
      expect(row.last_error).toContain('RESTRICTED')
      expect(row.next_attempt_at).toBeGreaterThan(clock.nowSec())
      expect((await restricted.tick()).has(id)).toBe(false) // backing off
      expect(ledgerOf(w.db, id)).toEqual([]) // still owed: no PAYOUT_SENT, no PAYOUT_FAILED
      expect(settledIncoming(w.devnet, dev.walletId)).toEqual([])
      expect(marketBalance()).toBe(before)
    } finally {
      await receiveOnly.close()
    }
    clock.advance(payoutRow(w.db, id).next_attempt_at - clock.nowSec())
    expect((await worker(clock).tick()).get(id)).toBe('SENT')
    expect(settledIncoming(w.devnet, dev.walletId)).toHaveLength(1)
    expect(marketBalance()).toBe(before - 4_000)
  })

  it.each(['QUOTA_EXCEEDED', 'RATE_LIMITED'] as const)(
    'a wallet answering pay_invoice with %s: the payout backs off, stays owed, nothing moves; paid once when the wallet allows again (PAY-5)',
    async (code) => {
      const clock = testClock()
      const dev = devWallet()
      const { userId } = addDeveloper(w.db, dev.lud16, clock.nowSec())
      const id = addPayout(w.db, userId, 3_000, clock.nowSec())
      const before = marketBalance()
      w.devnet.control.refuseRequests(1, code, 'pay_invoice')
      try {
        expect((await worker(clock).tick()).get(id)).toBe('RETRYING')
        const row = payoutRow(w.db, id)
        expect(row).toMatchObject({ status: 'RETRYING', attempts: 1 })
        expect(row.last_error).toContain(code)
        expect(row.next_attempt_at).toBeGreaterThan(clock.nowSec())
        expect((await worker(clock).tick()).has(id)).toBe(false) // backing off
        expect(ledgerOf(w.db, id)).toEqual([]) // still owed: no PAYOUT_SENT, no PAYOUT_FAILED
        expect(settledIncoming(w.devnet, dev.walletId)).toEqual([])
        expect(marketBalance()).toBe(before)
      } finally {
        w.devnet.control.refuseRequests(0, 'OTHER')
      }
      clock.advance(payoutRow(w.db, id).next_attempt_at - clock.nowSec())
      expect((await worker(clock).tick()).get(id)).toBe('SENT')
      expect(settledIncoming(w.devnet, dev.walletId)).toHaveLength(1)
      expect(marketBalance()).toBe(before - 3_000)
    },
  )

  it('leaves a payment in flight alone when another pass looks it up (PENDING), and books it once it settles; get_balance differs from the ledger by exactly the pending payout (LED-6)', async () => {
    const clock = testClock()
    const dev = devWallet()
    const { userId } = addDeveloper(w.db, dev.lud16, clock.nowSec())
    const id = addPayout(w.db, userId, 4_000, clock.nowSec())
    const nwc = nodeNwcClient(w.devnet.marketNwcUrl, WebSocket)
    const walletBefore = (await nwc.getBalance()).balance
    w.devnet.control.holdSettlement()
    const first = worker(clock).tick()
    try {
      await expect.poll(() => w.devnet.node.heldCount(), { timeout: 15_000 }).toBe(1)
      // LED-6: while it is in flight the wallet (NIP-47 get_balance) is short by exactly the pending payout,
      // which the ledger does not have yet (no PAYOUT_SENT): the difference is the payout with a hash, not SENT.
      const pendingMsat = (
        w.db
          .prepare(
            `SELECT COALESCE(sum(amount_msat), 0) AS s FROM payouts WHERE id = ? AND payment_hash IS NOT NULL AND status <> 'SENT'`,
          )
          .get(id) as { s: number }
      ).s
      expect(pendingMsat).toBe(4_000)
      expect(ledgerOf(w.db, id)).toEqual([])
      expect((await nwc.getBalance()).balance).toBe(walletBefore - pendingMsat)
      // A second process (a restart) looks the recorded hash up first: in flight, so it neither pays nor re-invoices.
      const second = worker(clock)
      expect(await second.recover()).toBe(0)
      clock.advance(3600)
      expect((await second.tick()).get(id)).toBe('PENDING')
      expect(payoutRow(w.db, id)).toMatchObject({
        status: 'SCHEDULED',
        attempts: 1,
        last_error: 'payment pending',
      })
    } finally {
      await w.devnet.control.reset()
    }
    expect((await first).get(id)).toBe('SENT')
    expect(settledIncoming(w.devnet, dev.walletId)).toHaveLength(1)
    expect(ledgerOf(w.db, id).map((e) => e.type)).toEqual(['PAYOUT_SENT'])
    // Settled: the same difference is now explained by the PAYOUT_SENT entry (plus its routing fee).
    try {
      const fees =
        (
          w.db.prepare('SELECT fees_paid_msat AS f FROM payouts WHERE id = ?').get(id) as {
            f: number | null
          }
        ).f ?? 0
      expect((await nwc.getBalance()).balance).toBe(
        walletBefore - ledgerOf(w.db, id)[0]!.amount_msat - fees,
      )
    } finally {
      nwc.close()
    }
  })

  it('refuses an over-payout (LED-5): a payout the developer ledger does not cover is never paid', async () => {
    const clock = testClock()
    const dev = devWallet()
    const { userId } = addDeveloper(w.db, dev.lud16, clock.nowSec())
    const earned = addPayout(w.db, userId, 6_000, clock.nowSec())
    const extra = addPayout(w.db, userId, 1_000, clock.nowSec() + 10, { earned: false })
    const wk = worker(clock)
    expect((await wk.tick()).get(earned)).toBe('SENT')
    clock.advance(10)
    expect((await wk.tick()).get(extra)).toBe('RETRYING')
    expect(payoutRow(w.db, extra)).toMatchObject({ status: 'RETRYING', payment_hash: null })
    expect(payoutRow(w.db, extra).last_error).toContain('over-payout refused')
    expect(w.devnet.node.balance(dev.walletId)).toBe(6_000)
  })

  it('never guesses an UNKNOWN outcome: the payout keeps its hash, and the next pass finds the payment and books it once', async () => {
    const clock = testClock()
    const dev = devWallet()
    const { userId } = addDeveloper(w.db, dev.lud16, clock.nowSec())
    const id = addPayout(w.db, userId, 2_500, clock.nowSec())
    // The wallet pays, but its answer is lost on the way back (a timeout, a dropped relay).
    const lossy = {
      lookupPayment: (h: string) => w.wallet.lookupPayment(h),
      async payInvoice(bolt11: string) {
        await w.wallet.payInvoice(bolt11)
        return { status: 'UNKNOWN' as const, reason: 'no answer in time' }
      },
    }
    const wk = new PayoutWorker({
      repo: sqlitePayoutRepo(w.db),
      wallet: lossy,
      lnurl: lnurlPayClient({ production: false }),
      clock,
      random: () => 0.5,
      invoiceExpiresAtSec,
    })
    expect((await wk.tick()).get(id)).toBe('UNKNOWN')
    const row = payoutRow(w.db, id)
    expect(row).toMatchObject({
      status: 'SCHEDULED',
      attempts: 1,
      last_error: 'payment outcome unknown: no answer in time',
    })
    expect(row.next_attempt_at).toBe(clock.nowSec() + wk.policy.recheckSec)
    clock.advance(wk.policy.recheckSec)
    expect((await wk.tick()).get(id)).toBe('SENT')
    expect(payoutRow(w.db, id)).toMatchObject({
      status: 'SENT',
      payment_hash: row.payment_hash,
      attempts: 1,
    })
    expect(settledIncoming(w.devnet, dev.walletId)).toHaveLength(1)
    expect(ledgerOf(w.db, id).map((e) => e.type)).toEqual(['PAYOUT_SENT'])
  })

  it('cancels an unpaid payout, and refuses to cancel one that is paid', async () => {
    const clock = testClock()
    const { userId } = addDeveloper(w.db, null, clock.nowSec())
    const id = addPayout(w.db, userId, 2_000, clock.nowSec())
    const admin = { repo: sqlitePayoutRepo(w.db), wallet: w.wallet, clock, invoiceExpiresAtSec }
    expect(await cancelPayout(admin, id, 'developer asked')).toMatchObject({
      status: 'CANCELED',
      lastError: 'canceled: developer asked',
    })
    await expect(cancelPayout(admin, id, 'again')).rejects.toMatchObject({ code: 'CONFLICT' })
    expect(() => retryPayout(admin, id)).toThrow(/only a FAILED payout/)
    expect((await worker(clock).tick()).has(id)).toBe(false)
    expect(msat(payoutRow(w.db, id).attempts)).toBe(0)
  })
})
