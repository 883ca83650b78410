/**
 * Idempotency-Key on POST /api/v1/purchases beyond the happy path (reliability catalogue IDM-2, IDM-4,
 * IDM-5): the service over real HTTP, devnet over real NIP-47, the SQLite file.
 *
 * Our rule (catalogue B2 "Our design"): the answer is stored in the same transaction as the purchase it
 * describes, so once a request has executed there is no error left to store; a failure before that (the
 * wallet refusing to make an invoice) stores nothing and the same key may be retried, as Stripe does for
 * validation and conflict errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getPublicKey } from 'nostr-tools/pure'
import { hexToBytes } from 'nostr-tools/utils'
import type { CreatePurchaseResponse } from '@zapcade/shared/api/purchases'
import {
  newKey,
  seedGame,
  startPayments,
  type Key,
  type PaymentsHarness,
} from './testing/payments-harness.ts'

const PRICE = 40_000

describe('Idempotency-Key edge cases', () => {
  let h: PaymentsHarness, dev: Key
  const count = (sql: string, ...args: unknown[]): number =>
    (h.svc.db.prepare(sql).get(...args) as { n: number }).n
  const purchasesOf = (buyer: Key) =>
    count(
      'SELECT count(*) AS n FROM purchases p JOIN users u ON u.id = p.buyer_user_id WHERE u.pubkey = ?',
      buyer.pubkey,
    )
  let signed = 0
  const buy = (
    buyer: Key,
    key: string,
    body: unknown = { game: `${dev.pubkey}/game` },
  ): Promise<Response> =>
    h.call('/api/v1/purchases', {
      method: 'POST',
      body: JSON.stringify(body),
      auth: { key: buyer, createdAtOffsetSec: -(signed++ % 50) },
      headers: { 'idempotency-key': key },
    })

  beforeAll(async () => {
    h = await startPayments()
    dev = newKey()
    seedGame(h.svc.db, dev, 'game', { priceMsat: PRICE, marketPubkey: h.marketPubkey })
  })
  afterAll(async () => {
    await h?.stopAll()
  })

  it('another body under a used key is 422 IDEMPOTENCY_MISMATCH with no effect: no purchase, no invoice, no ledger row (IDM-2)', async () => {
    const buyer = newKey()
    expect((await buy(buyer, 'mismatch')).status).toBe(201)
    const ledger = count('SELECT count(*) AS n FROM ledger_entries')
    const walletInvoices = (
      h.devnet.node.db.prepare('SELECT count(*) AS n FROM invoices').get() as { n: number }
    ).n
    const r = await buy(buyer, 'mismatch', { game: `${dev.pubkey}/game`, amount_msat: PRICE + 1 })
    expect(r.status).toBe(422)
    expect(await r.json()).toMatchObject({ code: 'IDEMPOTENCY_MISMATCH' })
    expect(purchasesOf(buyer)).toBe(1)
    expect(count('SELECT count(*) AS n FROM ledger_entries')).toBe(ledger)
    expect(
      (h.devnet.node.db.prepare('SELECT count(*) AS n FROM invoices').get() as { n: number }).n,
    ).toBe(walletInvoices)
  })

  it('a request the wallet refused stored nothing: the same key runs again once the wallet is back, then replays (IDM-4)', async () => {
    const buyer = newKey()
    const clientPubkey = getPublicKey(
      hexToBytes(new URL(h.devnet.marketNwcUrl).searchParams.get('secret')!),
    )
    const row = h.devnet.node.db
      .prepare('SELECT * FROM connections WHERE client_pubkey = ?')
      .get(clientPubkey) as Record<string, unknown>
    h.devnet.service.revokeConnection(clientPubkey)
    let failed: Response
    try {
      failed = await buy(buyer, 'wallet-down')
    } finally {
      const cols = Object.keys(row)
      h.devnet.node.db
        .prepare(
          `INSERT INTO connections (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
        )
        .run(...cols.map((c) => row[c]))
    }
    expect(failed.status).toBe(503)
    expect(await failed.json()).toMatchObject({ code: 'WALLET_UNAVAILABLE' })
    expect(purchasesOf(buyer)).toBe(0)
    expect(
      count(`SELECT count(*) AS n FROM idempotency_records WHERE key LIKE '%:wallet-down'`),
    ).toBe(0)

    const first = await buy(buyer, 'wallet-down')
    expect(first.status).toBe(201)
    const body = (await first.json()) as CreatePurchaseResponse
    const again = await buy(buyer, 'wallet-down')
    expect(again.status).toBe(201)
    expect(await again.json()).toEqual(body)
    expect(purchasesOf(buyer)).toBe(1)
  })

  it('a key 25 hours old still replays its answer and creates nothing (IDM-5: kept at least 24 h; nothing prunes them)', async () => {
    const buyer = newKey()
    const first = await buy(buyer, 'old-key')
    expect(first.status).toBe(201)
    const body = (await first.json()) as CreatePurchaseResponse
    h.svc.db
      .prepare(
        `UPDATE idempotency_records SET created_at = created_at - 25 * 3600 WHERE key LIKE '%:old-key'`,
      )
      .run()
    const replay = await buy(buyer, 'old-key')
    expect(replay.status).toBe(201)
    expect(await replay.json()).toEqual(body)
    expect(purchasesOf(buyer)).toBe(1)
  })
})
