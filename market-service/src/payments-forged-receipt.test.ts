/**
 * Forged zap receipts grant nothing (reliability catalogue ZAP-4; NIP-57: a receipt is "not a proof of
 * payment"). The service grants entitlements only from settlement of its own invoice (payment hash and
 * preimage from its wallet); it never reads kind 9735. Here 9735s naming a buyer and a paid game —
 * signed by a foreign key, with a bolt11 amount below the `amount` of the request, and even one signed
 * by the market key itself for the buyer's unpaid invoice — are published to the market relay and
 * submitted to POST /api/v1/events. The buyer stays without entitlement, library or download, the
 * purchase stays PENDING, and paying the invoice still entitles once.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { SimplePool } from 'nostr-tools/pool'
import { bytesToHex } from 'nostr-tools/utils'
import { generateSecretKey, getPublicKey } from 'nostr-tools/pure'
import type { CreatePurchaseResponse } from '@zapcade/shared/api/purchases'
import { buildZapReceipt } from '@zapcade/shared/events/zap-receipt'
import { buildZapRequest } from '@zapcade/shared/events/zap-request'
import type { NostrEvent } from '@zapcade/shared/events/event'
import { msat } from '@zapcade/shared/money'
import type { InvoiceStatus } from './ports/wallet.ts'
import {
  newKey,
  seedGame,
  startPayments,
  type Key,
  type PaymentsHarness,
} from './testing/payments-harness.ts'
import { sign } from './testing/service-harness.ts'

const PRICE = 30_000

describe('forged zap receipts grant nothing (ZAP-4)', () => {
  let h: PaymentsHarness, dev: Key, market: Key
  beforeAll(async () => {
    const sk = generateSecretKey()
    market = { sk, pubkey: getPublicKey(sk) }
    h = await startPayments({ env: { ZAPCADE_MARKET_NSEC: bytesToHex(sk) } })
    expect(h.marketPubkey).toBe(market.pubkey)
    dev = newKey()
    seedGame(h.svc.db, dev, 'game', { priceMsat: PRICE, marketPubkey: h.marketPubkey })
  })
  afterAll(async () => {
    await h?.stopAll()
  })

  const n = (sql: string, ...a: unknown[]): number =>
    (h.svc.db.prepare(sql).get(...a) as { n: number }).n

  it('a 9735 from a foreign key, with a bolt11 below its amount, or signed by the market for an unpaid invoice, grants no entitlement; paying does', async () => {
    const buyer = newKey()
    const created = await h.call('/api/v1/purchases', {
      method: 'POST',
      body: JSON.stringify({ game: `${dev.pubkey}/game` }),
      auth: buyer,
    })
    expect(created.status).toBe(201)
    const p = (await created.json()) as CreatePurchaseResponse
    const small = await h.wallet.makeInvoice({
      amountMsat: msat(1_000),
      description: 'one sat',
      expirySec: 600,
    })

    const coordinate = `32267:${dev.pubkey}:game`
    const now = Math.floor(Date.now() / 1000)
    const zapRequestJson = JSON.stringify(
      sign(
        buyer,
        buildZapRequest({
          recipientPubkey: market.pubkey,
          relays: [h.relay.url],
          amountMsat: PRICE,
          coordinate,
          targetKind: 32267,
          createdAtSec: now,
        }),
      ),
    )
    const receipt = (signer: Key, bolt11: string): NostrEvent =>
      sign(
        signer,
        buildZapReceipt({
          zapRequestJson,
          bolt11,
          paidAtSec: now,
          recipientPubkey: market.pubkey,
          senderPubkey: buyer.pubkey,
          coordinate,
          targetKind: 32267,
        }),
      )
    const forged = {
      foreignKey: receipt(newKey(), p.bolt11),
      amountMismatch: receipt(newKey(), small.bolt11),
      marketSignedUnpaid: receipt(market, p.bolt11),
    }

    // Published where every Nostr client (and the market's own processes) would see them.
    const pool = new SimplePool()
    try {
      for (const ev of Object.values(forged)) await Promise.all(pool.publish([h.relay.url], ev))
      const onRelay = await pool.querySync([h.relay.url], { kinds: [9735], '#P': [buyer.pubkey] })
      expect(onRelay.map((e) => e.id).sort()).toEqual(
        Object.values(forged)
          .map((e) => e.id)
          .sort(),
      )
    } finally {
      pool.destroy()
    }
    // And handed to the service directly: it does not take receipts at all.
    for (const ev of Object.values(forged)) {
      const r = await h.call('/api/v1/events', { method: 'POST', body: JSON.stringify(ev) })
      expect(r.status).toBe(422)
      expect(await r.json()).toMatchObject({ code: 'INVALID_EVENT' })
    }

    const state = async () => ({
      purchase: (
        h.svc.db.prepare('SELECT status FROM purchases WHERE id = ?').get(p.id) as {
          status: string
        }
      ).status,
      entitlements: n(
        'SELECT count(*) AS n FROM entitlements e JOIN users u ON u.id = e.user_id WHERE u.pubkey = ?',
        buyer.pubkey,
      ),
      invoicePaid: n(
        `SELECT count(*) AS n FROM ledger_entries WHERE purchase_id = ? AND type = 'INVOICE_PAID'`,
        p.id,
      ),
      library: (
        (await (await h.call('/api/v1/me/library', { auth: buyer })).json()) as { items: unknown[] }
      ).items.length,
      download: (
        await h.call(`/api/v1/games/${dev.pubkey}/game/download?format=json`, { auth: buyer })
      ).status,
    })
    expect(await state()).toEqual({
      purchase: 'PENDING',
      entitlements: 0,
      invoicePaid: 0,
      library: 0,
      download: 403,
    })

    // Only settlement of the market's own invoice entitles.
    const paid = new Promise<void>((resolve) => {
      const off = h.wallet.onPaymentReceived((s: InvoiceStatus) => {
        if (s.paymentHash === p.payment_hash) {
          off()
          resolve()
        }
      })
    })
    await h.buyerWallet.payInvoice(p.bolt11)
    await paid
    // The service's listener books it in its next group commit (the same event-loop turn or the next).
    await vi.waitFor(
      async () =>
        expect(await state()).toMatchObject({
          purchase: 'PAID',
          entitlements: 1,
          invoicePaid: 1,
          library: 1,
        }),
      { timeout: 5000 },
    )
  })
})
