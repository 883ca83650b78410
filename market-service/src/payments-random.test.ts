/**
 * Seeded randomized run (reliability catalogue LED-1, INV-8, PAY-1, DB-1 in spirit): 1,000 operations
 * (PAYMENTS_RANDOM_N overrides) through the real checkout, zap-callback, settlement and payout-worker code,
 * invoices made and paid on devnet over real NIP-47 on a real relay. Interleaved: private checkouts (some
 * guests, some pay-what-you-want, repeated Idempotency-Keys, guest claims), signed NIP-57 zap requests to
 * the callback in the shapes real clients send (ours, Damus and Primal to the developer's market-hosted
 * address, Amethyst, noStrudel, NDK and nostr-tools to the market's; some below price, adding up per zapper,
 * some anonymous: tips; some callbacks retried), crashes (the database closed
 * and reopened, the notification listener lost, the payout worker restarted with recover()), dropped
 * notifications, expiry sweeps, late payments, and payout-worker ticks paying the developers' real devnet
 * Lightning addresses over LNURL (one developer has none), with payments made to fail now and then.
 * Afterwards (restart, pollers, payout ticks until nothing payable is due): the ledger check is clean, every
 * invoice the wallet says is settled is a PAID purchase and no other is, the buyer paid Σ INVOICE_PAID, the
 * market kept Σ INVOICE_PAID − Σ PAYOUT_SENT, each developer wallet holds its Σ PAYOUT_SENT (≤ its
 * Σ DEVELOPER_NET), and no payout was paid twice: nothing created or lost (devnet charges no fees).
 * Two more blocks on the world it leaves, each with its own seeded stream: keys, gifts, sales and codes;
 * and collaborator splits (games with 1–3 weighted collaborator zap tags, bought, paid out, refunded,
 * with crashes), after which every collaborator's devnet wallet holds its Σ SENT payouts.
 */
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startMarketRelay, type MarketRelay } from '@zapcade/relay'
import { startDevnet, type Devnet } from '@zapcade/devnet'
import { applyPragmas, migrate } from '@zapcade/shared/db/migrate'
import { msat } from '@zapcade/shared/money'
import { buildZapRequest } from '@zapcade/shared/events/zap-request'
import { finalizeEvent, generateSecretKey } from 'nostr-tools/pure'
import { nip19 } from 'nostr-tools'
import { CLIENT_ZAPS, type ClientName } from './domain/zap/testing/client-zap-shapes.ts'
import { queryReadings } from './routes/lnurl.ts'
import { invoiceExpiresAtSec } from './adapters/lnurl/decode-invoice.ts'
import { lnurlPayClient } from './adapters/lnurl/lnurl-pay-client.ts'
import { NwcWallet } from './adapters/nwc/nwc-wallet.ts'
import { sqlitePayoutRepo } from './adapters/sqlite/payout-repo.ts'
import { sqliteZapRepo } from './adapters/sqlite/zap-repo.ts'
import { PayoutWorker } from './domain/payout/payout-worker.ts'
import { zapCallback, type ZapCallbackInput, type ZapDeps } from './domain/zap/zap-callback.ts'
import { sqliteLedgerRepo } from './adapters/sqlite/ledger-repo.ts'
import { checkLedger } from './domain/ledger/ledger-check.ts'
import { checkout } from './domain/purchase/checkout.ts'
import { claimPurchase } from './domain/purchase/claim.ts'
import {
  defaultReconcileOptions,
  paymentListener,
  reconcileLate,
  reconcilePending,
} from './domain/settlement/settlement-workers.ts'
import { makePayments, type Payments } from './compose.ts'
import { randomBytes } from 'node:crypto'
import { salesDeps } from './compose-commerce.ts'
import { sqliteKeyRepo } from './adapters/sqlite/key-repo.ts'
import { mintKeys, redeemKey, revokeKey, type KeyDeps } from './domain/keys/keys.ts'
import { createCode, createSale } from './domain/pricing/sales.ts'
import { formatReceiptCode } from './domain/purchase/receipt-code.ts'
import { seedGame, setPayoutAddress } from './testing/payments-harness.ts'
import { newKey } from './testing/service-harness.ts'
import type { Worker } from './workers/worker.ts'
// ── Refunds mixed in (their own block below, their own PRNG stream so the other draws are unchanged) ──
import { decodeInvoice } from './adapters/lnurl/decode-invoice.ts'
import { sqliteRefundRepo } from './adapters/sqlite/refund-repo.ts'
import { hashReceiptCode } from './domain/purchase/receipt-code.ts'
import {
  claimWithdraw,
  requestRefund,
  withdrawK1,
  type RefundDeps,
} from './domain/refund/refund-service.ts'
import { RefundWorker } from './domain/refund/refund-worker.ts'

const SEED = Number(process.env['PAYMENTS_SEED'] ?? 20261125)
const PURCHASES = Number(process.env['PAYMENTS_RANDOM_N'] ?? 1000)
const BATCH = 10
/** Zap request shapes of the run: ours (storefront, CLI) and the clients' (domain/zap/testing/client-zap-shapes.ts). */
const ZAP_SHAPES: readonly ('ours' | Exclude<ClientName, 'damusAnon' | 'nip57Spec'>)[] = [
  'ours',
  'damus',
  'amethyst',
  'primal',
  'noStrudel',
  'ndk',
  'nostrTools',
]

/** mulberry32: a small seeded PRNG, so a failing run can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describe(`seeded random purchases, zaps and payouts (seed ${SEED}, ${PURCHASES} operations)`, () => {
  let relay: MarketRelay, devnet: Devnet, wallet: NwcWallet, dir: string, file: string
  let db: Database.Database, payments: Payments, listener: Worker | undefined
  let offsetSec = 0
  const nowSec = (): number => Math.floor(Date.now() / 1000) + offsetSec
  // The payout worker's clock runs ahead when told (so backoffs elapse); its jitter has its own seeded stream.
  let payoutAheadSec = 0
  const payoutClock = {
    nowSec: () => nowSec() + payoutAheadSec,
    nowMs: () => (nowSec() + payoutAheadSec) * 1000,
  }
  let payouts: PayoutWorker, zaps: ZapDeps
  let refunds: RefundDeps, refundWorker: RefundWorker
  const refundRand = prng(SEED ^ 0x2545f491)
  const market = newKey()
  const rand = prng(SEED)
  const jitter = prng(SEED ^ 0x5bd1e995)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!

  const open = (): void => {
    db = new Database(file)
    applyPragmas(db, 'money')
    migrate(db)
    payments = makePayments({
      db,
      clock: { nowSec, nowMs: () => nowSec() * 1000 },
      secret: Buffer.from('random-run'),
      marketPubkey: market.pubkey,
      feeBps: 250,
      wallet,
    })
    listener = paymentListener({ wallet, settle: payments.settle })
    payouts = new PayoutWorker({
      repo: sqlitePayoutRepo(db),
      wallet,
      lnurl: lnurlPayClient({ production: false }),
      clock: payoutClock,
      random: jitter,
      invoiceExpiresAtSec,
    })
    refunds = {
      repo: sqliteRefundRepo(db),
      clock: payoutClock,
      newId: randomUUID,
      hashReceiptCode,
      decodeInvoice,
      addressRefusal: () => undefined,
      secret: Buffer.from('random-run'),
      publicUrl: 'http://market.test',
      adminPubkeys: [market.pubkey],
      kick: () => {},
    }
    refundWorker = new RefundWorker({
      repo: refunds.repo,
      wallet,
      lnurl: lnurlPayClient({ production: false }),
      clock: payoutClock,
      random: jitter,
      decodeInvoice,
    })
    zaps = {
      config: {
        name: 'zaps',
        host: 'market.test',
        baseUrl: 'http://market.test',
        callbackUrl: 'http://market.test/lnurlp/zaps/callback',
        zapperPubkey: market.pubkey,
        marketPubkey: market.pubkey,
        minSendableMsat: msat(1_000),
        maxSendableMsat: msat(1_000_000_000),
        commentAllowed: 280,
        feeBps: 250,
        invoiceExpirySec: 900,
        invoiceProvider: 'nwc',
      },
      repo: sqliteZapRepo(db),
      wallet,
      nowSec,
      newId: randomUUID,
    }
  }
  /** A crash: the listener is gone (its notifications lost), the database handle closed, the payout worker restarted (recover() first). */
  const crash = async (): Promise<void> => {
    await listener?.stop()
    db.close()
    open()
    await payouts.recover()
    await refundWorker.recover()
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pay-random-'))
    file = join(dir, 'market.db')
    relay = await startMarketRelay({ port: 0 })
    devnet = await startDevnet({
      relayUrl: relay.url,
      dataDir: join(dir, 'devnet'),
      writeJson: false,
    })
    wallet = new NwcWallet({ url: devnet.marketNwcUrl, requestTimeoutMs: 10_000 })
    open()
    await wallet.notificationsReady()
  })
  afterAll(async () => {
    await listener?.stop()
    db?.close()
    await wallet?.close()
    await devnet?.stop()
    await relay?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('after crashes, drops, expiries, late payments, zaps and payouts the ledger is clean and the wallets hold what it says', async () => {
    const devs = [newKey(), newKey(), newKey()]
    const devWallets: { walletId: number; pubkey: string }[] = []
    const games: {
      ref: string
      coordinate: string
      price: number
      dev: string
      listingId: string
      slug: string
    }[] = []
    devs.forEach((d, i) => {
      for (let g = 0; g < 2; g++) {
        const price = 1_000 * (1 + Math.floor(rand() * 50)) + Math.floor(rand() * 1000)
        const slug = `g${i}-${g}`
        seedGame(db, d, slug, { priceMsat: price, marketPubkey: market.pubkey })
        // The listing event as the indexer keeps it, so clients that name the game only by `e` resolve.
        const listingId = `${i}${g}`.padEnd(64, 'a')
        db.prepare(`INSERT INTO raw_events (id, pubkey, kind, created_at, tags_json, content, sig, d_tag, state, received_at)
          VALUES (?, ?, 32267, 1, ?, '', ?, ?, 'ACCEPTED', 1)`).run(
          listingId,
          d.pubkey,
          JSON.stringify([['d', slug]]),
          '0'.repeat(128),
          slug,
        )
        games.push({
          ref: `${d.pubkey}/${slug}`,
          coordinate: `32267:${d.pubkey}:${slug}`,
          price,
          dev: d.pubkey,
          listingId,
          slug,
        })
      }
      // Developer 0 has no payout address: its payouts stay SCHEDULED. The others get a real devnet Lightning address.
      if (i === 0) setPayoutAddress(db, d, null)
      else {
        const w = devnet.createWallet({ name: `dev${i}` })
        setPayoutAddress(db, d, w.lud16!)
        devWallets.push({ walletId: w.walletId, pubkey: d.pubkey })
      }
    })
    const buyers = Array.from({ length: 8 }, () => newKey())
    const buyerBefore = devnet.node.balance(devnet.node.wallet('buyer').id)
    const marketId = devnet.node.wallet('market').id
    const marketBefore = devnet.node.balance(marketId)
    const created: { id: string; bolt11: string; hash: string; receipt?: string }[] = []
    const unpaid: typeof created = []
    const stats = {
      crashes: 0,
      dropped: 0,
      sweeps: 0,
      paid: 0,
      claims: 0,
      replays: 0,
      zaps: 0,
      tips: 0,
      anon: 0,
      ticks: 0,
      payout_fail_injected: 0,
      refunds_asked: 0,
      refund_fail_injected: 0,
    }
    const hashOf = (id: string): string => {
      const row = db.prepare('SELECT invoice_id FROM purchases WHERE id = ?').get(id) as
        | { invoice_id: string }
        | undefined
      return row!.invoice_id
    }
    /** One payout-worker pass, the clock moved on so that backoffs elapse; an injected failure never outlives the tick. */
    const tick = async (fail: boolean): Promise<void> => {
      payoutAheadSec += 400
      if (fail) {
        devnet.control.failNextPayment(1)
        stats.payout_fail_injected++
      }
      try {
        await payouts.tick()
      } finally {
        devnet.node.failNextPayments(0)
      }
      stats.ticks++
    }

    const refundWallet = devnet.createWallet({ name: 'refunded-buyers' })
    const refundStep = async (): Promise<void> => {
      const paid = db
        .prepare(`SELECT id, amount_msat AS amount FROM purchases WHERE kind = 'CHECKOUT' AND status = 'PAID'
          AND id NOT IN (SELECT purchase_id FROM refunds) ORDER BY id`)
        .all() as { id: string; amount: number }[]
      for (let n = 0; n < 2 && paid.length > 0; n++) {
        const [p] = paid.splice(Math.floor(refundRand() * paid.length), 1)
        const how = refundRand()
        const destination =
          how < 0.35
            ? refundWallet.lud16!
            : how < 0.7
              ? devnet.node.makeInvoice(refundWallet.walletId, {
                  amountMsat: msat(p!.amount),
                  expirySec: 30 * 86_400,
                }).invoice
              : undefined
        const r = requestRefund(
          refunds,
          p!.id,
          { kind: 'admin', pubkey: market.pubkey },
          destination ? { destination } : {},
        )
        stats.refunds_asked++
        if (r.status === 'AWAITING_CLAIM') {
          const k1 = withdrawK1(refunds.secret, r.id, r.withdrawSeq)
          const pr = devnet.node.makeInvoice(refundWallet.walletId, {
            amountMsat: msat(p!.amount),
            expirySec: 30 * 86_400,
          })
          claimWithdraw(refunds, r.id, k1, pr.invoice)
        }
      }
      const fail = refundRand() < 0.15
      if (fail) {
        devnet.control.failNextPayment(1)
        stats.refund_fail_injected++
      }
      try {
        payoutAheadSec += 400
        await refundWorker.tick()
      } finally {
        devnet.node.failNextPayments(0)
      }
      if (refundRand() < 0.1) {
        await crash()
        stats.crashes++
      }
    }

    for (let done = 0; done < PURCHASES; done += BATCH) {
      // A batch of checkouts and zap callbacks made concurrently (invoices over NWC), some retried.
      const batch = await Promise.all(
        Array.from({ length: Math.min(BATCH, PURCHASES - done) }, async () => {
          const g = pick(games)
          if (rand() < 0.25) {
            // A zap: a signed 9734 to the market for a game, at or above price (a purchase) or below it or anonymous (a tip).
            const anon = rand() < 0.2
            const below = rand() < 0.3
            const amount = below
              ? 1_000 + Math.floor(rand() * Math.max(1, g.price - 1_000))
              : g.price + Math.floor(rand() * 3_000)
            const sender = anon ? generateSecretKey() : pick(buyers).sk
            const again = rand() < 0.2
            const shape = pick(ZAP_SHAPES)
            const comment = rand() < 0.5 ? 'gg + thanks' : ''
            let readings: string[]
            let to: ZapCallbackInput['to']
            if (shape === 'ours') {
              const unsigned = buildZapRequest({
                recipientPubkey: market.pubkey,
                relays: [relay.url],
                amountMsat: amount,
                coordinate: g.coordinate,
                targetKind: 32267,
                comment,
                createdAtSec: nowSec(),
              })
              readings = [
                JSON.stringify(
                  finalizeEvent(
                    { ...unsigned, tags: anon ? [...unsigned.tags, ['anon']] : unsigned.tags },
                    sender,
                  ),
                ),
              ]
            } else {
              // Clients that ignore zap splits pay the developer's own lud16: their market-hosted address.
              const toDeveloper = shape === 'damus' || shape === 'primal'
              const event = { id: g.listingId, pubkey: g.dev, kind: 32267, tags: [['d', g.slug]] }
              const zap = CLIENT_ZAPS[shape]({
                sk: sender,
                recipientPubkey: toDeveloper ? g.dev : market.pubkey,
                target: { event },
                amountMsat: amount,
                relays: [relay.url],
                comment,
                lnurl: '',
              })
              // The callback reads `nostr` as the route does: as sent, then with `+` as a space.
              readings = anon
                ? [
                    JSON.stringify(
                      finalizeEvent(
                        {
                          kind: 9734,
                          created_at: zap.event.created_at,
                          content: zap.event.content,
                          tags: [...zap.event.tags, ['anon']],
                        },
                        sender,
                      ),
                    ),
                  ]
                : queryReadings(`http://market.test/cb?${zap.callbackQuery}`, 'nostr')
              to = toDeveloper
                ? { kind: 'DEVELOPER', name: nip19.npubEncode(g.dev), pubkey: g.dev }
                : undefined
            }
            const input = { amount: String(amount), nostr: readings, ...(to ? { to } : {}) }
            const z = await zapCallback(zaps, input)
            if (again) {
              // A wallet retrying the callback gets the same invoice, not a second purchase.
              expect((await zapCallback(zaps, input)).purchaseId).toBe(z.purchaseId)
              stats.replays++
            }
            stats.zaps++
            if (z.isTip) stats.tips++
            if (anon) {
              stats.anon++
              expect(z.isTip).toBe(true)
            }
            // Below the price a zap counts toward the game (zaps from one key add up), it is no tip.
            if (!anon) expect(z.isTip).toBe(false)
            return { id: z.purchaseId, bolt11: z.pr, hash: hashOf(z.purchaseId) }
          }
          const guest = rand() < 0.3
          const amount = rand() < 0.2 ? g.price + Math.floor(rand() * 5_000) : undefined
          const key = rand() < 0.2 ? randomUUID() : undefined
          const retry = rand() < 0.5 // drawn before any await, so the sequence of draws is the seed's
          const req = {
            game: g.ref,
            amountMsat: amount === undefined ? undefined : msat(amount),
            buyerPubkey: guest ? undefined : pick(buyers).pubkey,
            idempotencyKey: key,
          }
          const a = await checkout(payments.checkout!, req)
          if (key && retry) {
            const again = await checkout(payments.checkout!, req)
            expect(again.body.id).toBe(a.body.id)
            stats.replays++
          }
          return {
            id: a.body.id,
            bolt11: a.body.bolt11,
            hash: a.body.payment_hash,
            ...(a.body.receipt_code ? { receipt: a.body.receipt_code } : {}),
          }
        }),
      )
      created.push(...batch)
      // Decisions are drawn in order (so the seed replays); the payments of a batch then run concurrently.
      const plan = batch.map((p) => ({
        p,
        drop: rand() < 0.1,
        pay: rand() < 0.7,
        claim: rand() < 0.3,
        crash: rand() < 0.03,
      }))
      const drops = plan.filter((x) => x.drop).length
      if (drops > 0) {
        devnet.control.dropNotifications(drops)
        stats.dropped += drops
      }
      await Promise.all(
        plan.filter((x) => x.pay).map((x) => devnet.control.payInvoice('buyer', x.p.bolt11)),
      )
      for (const x of plan) {
        if (x.pay) {
          stats.paid++
          if (x.p.receipt && x.claim) {
            // Only a PAID purchase can be claimed: one not settled yet (its notification dropped) is refused, untouched.
            try {
              claimPurchase(payments.claims, x.p.receipt, pick(buyers).pubkey)
              stats.claims++
            } catch (e) {
              if ((e as { code?: string }).code !== 'PURCHASE_NOT_PAID') throw e
            }
          }
        } else unpaid.push(x.p)
        if (x.crash) {
          await crash()
          stats.crashes++
        }
      }
      if (rand() < 0.2) {
        // An expiry sweep from the future: unpaid purchases past expiry + grace become EXPIRED...
        offsetSec = 3_600
        await reconcilePending(
          { repo: payments.repo, wallet, settle: payments.settle, nowSec },
          { ...defaultReconcileOptions, minAgeSec: 0 },
        )
        offsetSec = 0
        stats.sweeps++
        // ...and some of them are paid late anyway.
        const late = unpaid.splice(0).filter(() => rand() < 0.3)
        await Promise.all(late.map((p) => devnet.control.payInvoice('buyer', p.bolt11)))
        stats.paid += late.length
      }
      // Payout-worker ticks between batches, a payment made to fail now and then, a crash between two ticks.
      if (rand() < 0.5) {
        const fail = rand() < 0.15
        const crashAfter = rand() < 0.1
        const twice = rand() < 0.3
        await tick(fail)
        if (crashAfter) {
          await crash()
          stats.crashes++
        }
        if (twice) await tick(false)
      }

      // ── Refunds: an admin refunds some paid checkouts (guests' too) to a devnet wallet — by its
      // Lightning address, a BOLT11 for the amount, or a withdraw link claimed with one — and the refund
      // worker pays, a payment made to fail now and then, a crash between two refund ticks.
      if (refundRand() < 0.4) await refundStep()
    }

    // Recovery after the run: a restart, then the pollers (pending and late) settle whatever was missed...
    await crash()
    await reconcilePending(
      { repo: payments.repo, wallet, settle: payments.settle, nowSec },
      { ...defaultReconcileOptions, minAgeSec: 0 },
    )
    await reconcileLate(
      { repo: payments.repo, wallet, settle: payments.settle, nowSec },
      { ...defaultReconcileOptions, lateWindowSec: 7 * 24 * 3600 },
    )
    // ...and the payout worker runs, its clock past every backoff, until no payout with an address is still due.
    const dueWithAddress = (): number =>
      (
        db
          .prepare(`SELECT count(*) AS n FROM payouts p JOIN developer_profiles d ON d.user_id = p.developer_user_id
      WHERE p.status IN ('SCHEDULED', 'RETRYING') AND d.payout_ln_address IS NOT NULL`)
          .get() as { n: number }
      ).n
    for (let i = 0; dueWithAddress() > 0; i++) {
      expect(i).toBeLessThan(200)
      payoutAheadSec += 7 * 3600
      await tick(false)
    }

    // ...and the refund worker, its clock past every backoff, until no refund is still being paid.
    const refundsDue = (): number =>
      (
        db
          .prepare(`SELECT count(*) AS n FROM refunds WHERE status = 'SENDING'
            OR (status = 'APPROVED' AND destination_kind IN ('BOLT11', 'LN_ADDRESS'))`)
          .get() as { n: number }
      ).n
    for (let i = 0; refundsDue() > 0; i++) {
      expect(i).toBeLessThan(200)
      payoutAheadSec += 7 * 3600
      await refundWorker.tick()
    }

    const check = checkLedger(sqliteLedgerRepo(db).facts())
    expect(check.violations).toEqual([])
    expect(check.checked.purchases).toBe(PURCHASES)

    // Every invoice the wallet settled is a PAID purchase, and no other purchase is PAID.
    const statuses = new Map(
      (
        db.prepare('SELECT invoice_id, status FROM purchases').all() as {
          invoice_id: string
          status: string
        }[]
      ).map((r) => [r.invoice_id, r.status]),
    )
    let settledAtWallet = 0
    for (let i = 0; i < created.length; i += 25) {
      const chunk = created.slice(i, i + 25)
      const looked = await Promise.all(chunk.map((p) => wallet.lookupInvoice(p.hash)))
      chunk.forEach((p, j) => {
        const settled = looked[j]?.state === 'SETTLED'
        if (settled) settledAtWallet++
        const st = statuses.get(p.hash)
        expect({ id: p.id, paid: st === 'PAID' || st === 'REFUNDED' }).toEqual({
          id: p.id,
          paid: settled,
        })
      })
    }
    expect(settledAtWallet).toBe(stats.paid)

    // Money (devnet charges no fee): what left the buyer is Σ INVOICE_PAID; the market kept that less Σ PAYOUT_SENT;
    // each developer wallet holds exactly its Σ PAYOUT_SENT, never more than it earned.
    const sum = (type: string): number =>
      (
        db
          .prepare('SELECT COALESCE(sum(amount_msat), 0) AS s FROM ledger_entries WHERE type = ?')
          .get(type) as { s: number }
      ).s
    const paidIn = sum('INVOICE_PAID')
    const paidOut = sum('PAYOUT_SENT')
    // Refunds: what reached the refunded buyers' wallet is Σ REFUND_SENT, and it left the market.
    const refunded = sum('REFUND_SENT')
    expect(devnet.node.balance(refundWallet.walletId)).toBe(refunded)
    expect(buyerBefore - devnet.node.balance(devnet.node.wallet('buyer').id)).toBe(paidIn)
    expect(devnet.node.balance(marketId) - marketBefore).toBe(paidIn - paidOut - refunded)
    expect(sum('PLATFORM_FEE') + sum('DEVELOPER_NET')).toBe(paidIn)
    const devSum = (pubkey: string, type: string): number =>
      (
        db
          .prepare(`SELECT COALESCE(sum(l.amount_msat), 0) AS s FROM ledger_entries l
      LEFT JOIN payouts p ON p.id = l.payout_id JOIN users u ON u.id = COALESCE(l.developer_user_id, p.developer_user_id)
      WHERE u.pubkey = ? AND l.type = ?`)
          .get(pubkey, type) as { s: number }
      ).s
    for (const d of devs)
      expect(devSum(d.pubkey, 'PAYOUT_SENT')).toBeLessThanOrEqual(devSum(d.pubkey, 'DEVELOPER_NET'))
    expect(devSum(devs[0]!.pubkey, 'PAYOUT_SENT')).toBe(0)
    for (const w of devWallets)
      expect(devnet.node.balance(w.walletId)).toBe(devSum(w.pubkey, 'PAYOUT_SENT'))
    // No payout paid twice: one settled outgoing payment per SENT payout hash, and no other outgoing payment.
    const outgoing = devnet.node
      .listTransactions(marketId, { type: 'outgoing' })
      .transactions.filter((t) => t.state === 'settled')
    const perHash = new Map<string, number>()
    for (const t of outgoing) perHash.set(t.payment_hash, (perHash.get(t.payment_hash) ?? 0) + 1)
    const sent = db
      .prepare(`SELECT payment_hash FROM payouts WHERE status = 'SENT'
        UNION ALL SELECT payment_hash FROM refunds WHERE status = 'SENT'`)
      .all() as {
      payment_hash: string
    }[]
    expect([...perHash.values()].filter((n) => n > 1)).toEqual([])
    expect(new Set(perHash.keys())).toEqual(new Set(sent.map((r) => r.payment_hash)))
    expect(outgoing.reduce((a, t) => a + t.amount, 0)).toBe(paidOut + refunded)
    const payoutCounts = Object.fromEntries(
      (
        db.prepare('SELECT status, count(*) AS n FROM payouts GROUP BY status').all() as {
          status: string
          n: number
        }[]
      ).map((r) => [r.status, r.n]),
    )

    const retried = (
      db.prepare('SELECT count(*) AS n FROM payouts WHERE attempts > 1').get() as { n: number }
    ).n
    const lateCount = (
      db.prepare('SELECT count(*) AS n FROM purchases WHERE paid_late = 1').get() as { n: number }
    ).n
    expect(stats.crashes + stats.dropped + stats.sweeps).toBeGreaterThan(0)
    expect(
      stats.zaps * stats.tips * stats.anon * stats.payout_fail_injected * sent.length,
    ).toBeGreaterThan(0)
    expect(stats.refunds_asked * refunded).toBeGreaterThan(0)
    console.log(
      JSON.stringify({
        seed: SEED,
        ...stats,
        paid_late: lateCount,
        paid_in_msat: paidIn,
        paid_out_msat: paidOut,
        payouts: payoutCounts,
        payouts_retried: retried,
        refunded_msat: refunded,
        refunds: Object.fromEntries(
          (
            db.prepare('SELECT status, count(*) AS n FROM refunds GROUP BY status').all() as {
              status: string
              n: number
            }[]
          ).map((r) => [r.status, r.n]),
        ),
      }),
    )
  }, 300_000)

  // ── Keys, gifts, sales and codes (docs/keys-gifts-sales.md), on the world the run above left, with
  // their own seeded stream so the operations above replay unchanged. Crashes reopen the database.
  it('keys, gifts, sales and codes mixed with crashes keep the ledger clean and their own invariants', async () => {
    const r17 = prng(SEED ^ 0x9e3779b9)
    const clock = { nowSec, nowMs: () => nowSec() * 1000 }
    const keyDeps = (): KeyDeps => ({
      repo: sqliteKeyRepo(db),
      nowSec,
      randomBytes: (n) => randomBytes(n),
      newId: randomUUID,
      hashReceiptCode,
      newReceiptCode: () => formatReceiptCode(randomBytes(20)),
    })
    const games = db
      .prepare(`SELECT g.slug, u.pubkey FROM games g JOIN users u ON u.id = g.developer_user_id
        WHERE g.price_msat > 0 ORDER BY g.id`)
      .all() as { slug: string; pubkey: string }[]
    const people = Array.from({ length: 6 }, () => newKey())
    const open17: { key: string; dev: string }[] = []
    const toPay: { bolt11: string }[] = []
    const s17 = {
      minted: 0,
      redeemed: 0,
      lost: 0,
      revoked: 0,
      guest: 0,
      gifts: 0,
      sales: 0,
      codes: 0,
      used_up: 0,
      crashes: 0,
    }
    for (let i = 0; i < 80; i++) {
      const g = games[Math.floor(r17() * games.length)]!
      const who = (): (typeof people)[number] => people[Math.floor(r17() * people.length)]!
      const op = r17()
      if (op < 0.2) {
        const m = mintKeys(keyDeps(), g.pubkey, g.slug, 1 + Math.floor(r17() * 4))
        open17.push(...m.keys.map((key) => ({ key, dev: g.pubkey })))
        s17.minted += m.keys.length
      } else if (op < 0.45 && open17.length > 0) {
        const [{ key, dev }] = open17.splice(Math.floor(r17() * open17.length), 1) as [
          { key: string; dev: string },
        ]
        const how = r17()
        if (how < 0.2) {
          revokeKey(keyDeps(), dev, key)
          s17.revoked++
          expect(() => redeemKey(keyDeps(), key, who().pubkey)).toThrow(/revoked/)
        } else if (how < 0.35) {
          expect(redeemKey(keyDeps(), key, undefined).body.receipt_code).toMatch(/^ZC-/)
          s17.guest++
        } else {
          // Two redeemers of one key through two connections to the same file: one wins.
          const db2 = new Database(file)
          applyPragmas(db2, 'money')
          const other = { ...keyDeps(), repo: sqliteKeyRepo(db2) }
          const a = who(),
            b = people.find((p) => p !== a)!
          const results = [
            () => redeemKey(keyDeps(), key, a.pubkey),
            () => redeemKey(other, key, b.pubkey),
          ].map((f) => {
            try {
              return f().statusCode
            } catch (e) {
              return (e as { code?: string }).code
            }
          })
          db2.close()
          expect(results.sort()).toEqual([201, 'KEY_REDEEMED'])
          s17.redeemed++
          s17.lost++
        }
      } else if (op < 0.55) {
        const now = nowSec()
        createSale(salesDeps(db, clock), g.pubkey, g.slug, {
          percent_off: 1 + Math.floor(r17() * 100),
          starts_at: now - 60,
          ends_at: now + 3600,
        })
        s17.sales++
      } else if (op < 0.75) {
        const pct = r17() < 0.5
        const code = `R17-${i}`
        const max = 1 + Math.floor(r17() * 2)
        createCode(salesDeps(db, clock), g.pubkey, g.slug, {
          code,
          ...(pct
            ? { percent_off: 1 + Math.floor(r17() * 100) }
            : { amount_off_msat: 1 + Math.floor(r17() * 30_000) }),
          max_uses: max,
        })
        s17.codes++
        const tries = await Promise.allSettled(
          Array.from({ length: 3 }, () =>
            checkout(payments.checkout!, {
              game: `${g.pubkey}/${g.slug}`,
              amountMsat: undefined,
              buyerPubkey: who().pubkey,
              idempotencyKey: undefined,
              discountCode: code.toLowerCase(),
            }),
          ),
        )
        const ok = tries.filter((t) => t.status === 'fulfilled')
        expect(ok.length).toBe(Math.min(3, max))
        s17.used_up += tries.length - ok.length
        for (const t of ok)
          toPay.push({
            bolt11: (t as PromiseFulfilledResult<{ body: { bolt11: string } }>).value.body.bolt11,
          })
      } else {
        const buyer = who()
        const to = people.find((p) => p !== buyer)!
        const a = await checkout(payments.checkout!, {
          game: `${g.pubkey}/${g.slug}`,
          amountMsat: undefined,
          buyerPubkey: r17() < 0.3 ? undefined : buyer.pubkey,
          idempotencyKey: undefined,
          giftTo: to.pubkey,
        })
        toPay.push({ bolt11: a.body.bolt11 })
        s17.gifts++
      }
      if (r17() < 0.08) {
        await crash()
        s17.crashes++
      }
    }
    for (const p of toPay) await devnet.control.payInvoice('buyer', p.bolt11)
    await crash()
    await reconcilePending(
      { repo: payments.repo, wallet, settle: payments.settle, nowSec },
      { ...defaultReconcileOptions, minAgeSec: 0 },
    )

    expect(checkLedger(sqliteLedgerRepo(db).facts()).violations).toEqual([])
    const one = <T>(sql: string): T => db.prepare(sql).get() as T
    // A key entitlement for each redeemed key and none for a revoked or open one.
    expect(
      one(`SELECT count(*) AS n FROM download_keys k LEFT JOIN entitlements e ON e.key_id = k.id
      WHERE (k.redeemed_at IS NULL) <> (e.id IS NULL)`),
    ).toEqual({ n: 0 })
    expect(one(`SELECT count(*) AS n FROM entitlements WHERE origin = 'key'`)).toEqual({
      n: s17.redeemed + s17.guest,
    })
    // A paid gift entitles its recipient only.
    expect(
      one(`SELECT count(*) AS n FROM purchases p JOIN entitlements e ON e.purchase_id = p.id
      WHERE p.gift_to_user_id IS NOT NULL AND (e.user_id IS NOT p.gift_to_user_id OR e.origin <> 'gift')`),
    ).toEqual({ n: 0 })
    expect(
      one<{ n: number }>(
        `SELECT count(*) AS n FROM purchases WHERE gift_to_user_id IS NOT NULL AND status = 'PAID'`,
      ).n,
    ).toBe(s17.gifts)
    // No code paid more often than its max_uses; every discounted invoice asked at least its final price.
    expect(
      one(`SELECT count(*) AS n FROM discount_codes c WHERE c.max_uses < (SELECT count(*) FROM discount_code_uses u
      JOIN purchases p ON p.id = u.purchase_id WHERE u.code_id = c.id AND p.status = 'PAID')`),
    ).toEqual({ n: 0 })
    expect(
      one(`SELECT count(*) AS n FROM ledger_entries l JOIN purchases p ON p.id = l.purchase_id
      WHERE l.type = 'INVOICE_CREATED' AND json_extract(l.meta_json, '$.list_price_msat') IS NOT NULL
        AND (p.amount_msat < json_extract(l.meta_json, '$.price_msat')
          OR json_extract(l.meta_json, '$.list_price_msat') - json_extract(l.meta_json, '$.discount_msat') <> json_extract(l.meta_json, '$.price_msat'))`),
    ).toEqual({ n: 0 })
    expect(
      s17.minted * s17.redeemed * s17.gifts * s17.sales * s17.codes * s17.used_up,
    ).toBeGreaterThan(0)
    console.log(JSON.stringify({ seed: SEED, keys_gifts_sales: s17 }))
  }, 300_000)

  // ── Collaborator splits (docs/splits.md), on the world the runs above left, with their own seeded
  // stream: new games whose listings carry 1–3 weighted collaborator `zap` tags (some collaborators with a
  // devnet Lightning address in their kind-0, some with none), bought by checkout (guests too), paid on
  // devnet, settled by the listener or, after a crash lost it, by the pending poller; payout-worker
  // ticks (failures injected) and crashes in between; some split sales refunded (the author alone is
  // debited, as docs/splits.md says).
  it('collaborator splits mixed with crashes, payouts and refunds keep the ledger clean and reach the collaborators', async () => {
    const rs = prng(SEED ^ 0x85ebca6b)
    const collabs = Array.from({ length: 6 }, (_, i) => {
      const k = newKey()
      const w = i % 3 === 2 ? undefined : devnet.createWallet({ name: `collab${i}` })
      db.prepare(
        'INSERT INTO users (pubkey, lud16, created_at) VALUES (?, ?, 1) ON CONFLICT (pubkey) DO UPDATE SET lud16 = excluded.lud16',
      ).run(k.pubkey, w?.lud16 ?? null)
      return { key: k, walletId: w?.walletId }
    })
    const authors = [newKey(), newKey()]
    const splitGames: { ref: string; price: number }[] = []
    authors.forEach((a, i) => {
      for (let g = 0; g < 3; g++) {
        const slug = `split${i}-${g}`
        const price = 2_000 * (1 + Math.floor(rs() * 40)) + Math.floor(rs() * 1000)
        const gameId = seedGame(db, a, slug, { priceMsat: price, marketPubkey: market.pubkey })
        const n = 1 + Math.floor(rs() * 3)
        const chosen = [...collabs].sort(() => rs() - 0.5).slice(0, n)
        const listingId = randomBytes(32).toString('hex')
        const tags = [
          ['d', slug],
          ['name', slug],
          ['price', String(Math.floor(price / 1000)), 'SAT'],
          ['zap', market.pubkey, 'wss://relay.market.example', '1'],
          ['zap', a.pubkey, 'wss://relay.damus.io', String(1 + Math.floor(rs() * 5))],
          ...chosen.map((c) => ['zap', c.key.pubkey, '', String(1 + Math.floor(rs() * 5))]),
        ]
        db.prepare(`INSERT INTO raw_events (id, pubkey, kind, created_at, tags_json, content, sig, d_tag, state, received_at)
          VALUES (?, ?, 32267, 1, ?, '', ?, ?, 'ACCEPTED', 1)`).run(
          listingId,
          a.pubkey,
          JSON.stringify(tags),
          '0'.repeat(128),
          slug,
        )
        db.prepare('UPDATE games SET event_id = ? WHERE id = ?').run(listingId, gameId)
        splitGames.push({ ref: `${a.pubkey}/${slug}`, price })
      }
    })
    // The authors' payout addresses (their users rows exist once their games are seeded).
    const authorWallets = authors.map((a, i) => {
      const w = devnet.createWallet({ name: `split-author${i}` })
      setPayoutAddress(db, a, w.lud16!)
      return { pubkey: a.pubkey, walletId: w.walletId }
    })
    const buyers = Array.from({ length: 4 }, () => newKey())
    const s = { split_bought: 0, crashes: 0, ticks: 0, fail_injected: 0, refunds_asked: 0 }
    const refundWallet = devnet.createWallet({ name: 'split-refunds' })
    const pollPending = () =>
      reconcilePending(
        { repo: payments.repo, wallet, settle: payments.settle, nowSec },
        { ...defaultReconcileOptions, minAgeSec: 0 },
      )
    for (let i = 0; i < 60; i++) {
      const g = splitGames[Math.floor(rs() * splitGames.length)]!
      const a = await checkout(payments.checkout!, {
        game: g.ref,
        amountMsat: undefined,
        buyerPubkey: rs() < 0.3 ? undefined : buyers[Math.floor(rs() * buyers.length)]!.pubkey,
        idempotencyKey: undefined,
      })
      await devnet.control.payInvoice('buyer', a.body.bolt11)
      s.split_bought++
      if (rs() < 0.1) {
        // A crash right after the payment: the listener's notification may be lost; the poller settles.
        await crash()
        s.crashes++
        await pollPending()
      }
      if (rs() < 0.3) {
        payoutAheadSec += 400
        const fail = rs() < 0.2
        if (fail) {
          devnet.control.failNextPayment(1)
          s.fail_injected++
        }
        try {
          await payouts.tick()
        } finally {
          devnet.node.failNextPayments(0)
        }
        s.ticks++
      }
      if (rs() < 0.1) {
        await pollPending()
        const paid = db
          .prepare(`SELECT p.id FROM purchases p WHERE p.status = 'PAID' AND p.id NOT IN (SELECT purchase_id FROM refunds)
            AND (SELECT count(*) FROM ledger_entries l WHERE l.purchase_id = p.id AND l.type = 'DEVELOPER_NET') > 1 ORDER BY p.id`)
          .all() as { id: string }[]
        const pid = paid[Math.floor(rs() * paid.length)]?.id
        if (pid) {
          requestRefund(
            refunds,
            pid,
            { kind: 'admin', pubkey: market.pubkey },
            { destination: refundWallet.lud16! },
          )
          s.refunds_asked++
          payoutAheadSec += 400
          await refundWorker.tick()
        }
      }
      if (rs() < 0.05) {
        await crash()
        s.crashes++
      }
    }
    // Recovery: a restart, the poller, then payout and refund workers until nothing with an address is due.
    await crash()
    await pollPending()
    const due = (): number =>
      (
        db
          .prepare(`SELECT (SELECT count(*) FROM payouts WHERE status IN ('SCHEDULED', 'RETRYING')
              AND destination_ln_address IS NOT NULL)
            + (SELECT count(*) FROM refunds WHERE status = 'SENDING'
              OR (status = 'APPROVED' AND destination_kind IN ('BOLT11', 'LN_ADDRESS'))) AS n`)
          .get() as { n: number }
      ).n
    for (let i = 0; due() > 0; i++) {
      expect(i).toBeLessThan(200)
      payoutAheadSec += 7 * 3600
      await payouts.tick()
      await refundWorker.tick()
    }

    const check = checkLedger(sqliteLedgerRepo(db).facts())
    expect(check.violations).toEqual([])
    const one = <T>(sql: string, ...args: unknown[]): T => db.prepare(sql).get(...args) as T
    // Every split sale is PAID or REFUNDED, with one DEVELOPER_NET leg per recipient adding up to its net.
    const splitSales = one<{ n: number; legs: number }>(
      `SELECT count(DISTINCT p.id) AS n, count(l.id) AS legs FROM purchases p
       JOIN games g ON g.id = p.game_id JOIN ledger_entries l ON l.purchase_id = p.id AND l.type = 'DEVELOPER_NET'
       WHERE g.slug LIKE 'split%' AND p.status IN ('PAID', 'REFUNDED')`,
    )
    expect(splitSales.n).toBe(s.split_bought)
    expect(splitSales.legs).toBeGreaterThan(splitSales.n)
    // A refund debits the author alone: no collaborator carries a refund entry or a withheld payout.
    const collabIds = collabs.map(
      (c) => one<{ id: number }>('SELECT id FROM users WHERE pubkey = ?', c.key.pubkey).id,
    )
    const sentOf = (pubkey: string): number =>
      one<{ s: number }>(
        `SELECT COALESCE(sum(po.amount_msat), 0) AS s FROM payouts po JOIN users u ON u.id = po.developer_user_id
         WHERE u.pubkey = ? AND po.status = 'SENT'`,
        pubkey,
      ).s
    const netOf = (pubkey: string): number =>
      one<{ s: number }>(
        `SELECT COALESCE(sum(l.amount_msat), 0) AS s FROM ledger_entries l JOIN users u ON u.id = l.developer_user_id
         WHERE u.pubkey = ? AND l.type = 'DEVELOPER_NET'`,
        pubkey,
      ).s
    let collabPayouts = 0
    for (const [i, c] of collabs.entries()) {
      const sent = sentOf(c.key.pubkey)
      if (c.walletId === undefined) {
        // No Lightning address: nothing paid, the shares accrue on the market balance.
        expect(sent).toBe(0)
      } else {
        // Every SENT payout of a collaborator reached its devnet wallet, and each equals its leg.
        expect(devnet.node.balance(c.walletId)).toBe(sent)
        expect(sent).toBeLessThanOrEqual(netOf(c.key.pubkey))
      }
      collabPayouts += one<{ n: number }>(
        `SELECT count(*) AS n FROM payouts WHERE developer_user_id = ? AND status = 'SENT'`,
        collabIds[i],
      ).n
    }
    for (const w of authorWallets) expect(devnet.node.balance(w.walletId)).toBe(sentOf(w.pubkey))
    const refundedSplits = one<{ n: number }>(
      `SELECT count(*) AS n FROM purchases p JOIN games g ON g.id = p.game_id
       WHERE g.slug LIKE 'split%' AND p.status = 'REFUNDED'`,
    ).n
    expect(collabPayouts * s.refunds_asked).toBeGreaterThan(0)
    console.log(
      JSON.stringify({
        seed: SEED,
        splits: {
          ...s,
          split_sales: splitSales.n,
          legs: splitSales.legs,
          collaborator_payouts_sent: collabPayouts,
          split_sales_refunded: refundedSplits,
        },
      }),
    )
  }, 300_000)
})
