/**
 * Checkout over real HTTP with real NIP-98, the market's wallet and a buyer's wallet on devnet over
 * real NIP-47 on a real relay, SQLite files: buy, pay, library; guests and claims; pay what you want;
 * refusals; Idempotency-Key; the ledger check; developer money views; admin revoke.
 */
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type {
  CreatePurchaseResponse,
  PaymentAlertsResponse,
  PurchaseView,
} from '@zapcade/shared/api/purchases'
import { msat } from '@zapcade/shared/money'
import { systemClock } from './ports/clock.ts'
import { makePayments } from './compose.ts'
import { gameNaddr, type Pubkey } from '@zapcade/shared/ids'
import type { AuthTweak } from './testing/service-harness.ts'
import {
  newKey,
  seedGame,
  setPayoutAddress,
  startPayments,
  type Key,
  type PaymentsHarness,
} from './testing/payments-harness.ts'

const PRICE = 21_000
const sha = (s: string): string => createHash('sha256').update(s).digest('hex')

describe('checkout', () => {
  let h: PaymentsHarness, dev: Key
  const count = (sql: string, ...args: unknown[]): number =>
    (h.svc.db.prepare(sql).get(...args) as { n: number }).n
  const buy = (
    body: unknown,
    init: { auth?: Key | AuthTweak; headers?: Record<string, string> } = {},
  ): Promise<Response> =>
    h.call('/api/v1/purchases', { method: 'POST', body: JSON.stringify(body), ...init })
  const waitPaid = async (
    id: string,
    init: { auth?: Key; headers?: Record<string, string> },
  ): Promise<PurchaseView> => {
    for (let i = 0; i < 200; i++) {
      // A NIP-98 event is accepted once: each poll signs a distinct one (created_at stepped back).
      const v = (await (
        await h.call(`/api/v1/purchases/${id}`, {
          ...init,
          ...(init.auth ? { auth: { key: init.auth, createdAtOffsetSec: -i } } : {}),
        })
      ).json()) as PurchaseView
      if (v.status === 'PAID') return v
      await new Promise((r) => setTimeout(r, 50))
    }
    throw new Error(`purchase ${id} never PAID`)
  }

  beforeAll(async () => {
    h = await startPayments()
    dev = newKey()
    const db = h.svc.db,
      m = h.marketPubkey
    seedGame(db, dev, 'paid', { priceMsat: PRICE, marketPubkey: m, title: 'Paid Game' })
    seedGame(db, dev, 'free', { priceMsat: 0, zapPubkey: null, marketPubkey: m })
    seedGame(db, dev, 'banned', { priceMsat: PRICE, status: 'BANNED', marketPubkey: m })
    seedGame(db, dev, 'draft', { priceMsat: PRICE, status: 'DRAFT', marketPubkey: m })
    seedGame(db, dev, 'deleted', { priceMsat: PRICE, deleted: true, marketPubkey: m })
    seedGame(db, dev, 'elsewhere', { priceMsat: PRICE, zapPubkey: 'f'.repeat(64), marketPubkey: m })
    setPayoutAddress(db, dev, h.devnet.developer.lud16)
  })
  afterAll(async () => {
    await h?.stopAll()
  })

  it('a signed-in buyer pays the invoice over NWC: PAID, entitled, in the library, ledger balanced, developer sees the sale', async () => {
    const buyer = newKey()
    const r = await buy({ game: `${dev.pubkey}/paid` }, { auth: buyer })
    expect(r.status).toBe(201)
    const p = (await r.json()) as CreatePurchaseResponse
    expect(p).toMatchObject({
      status: 'PENDING',
      amount_msat: PRICE,
      payment_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    })
    expect(p.receipt_code).toBeUndefined()
    expect(await h.wallet.lookupInvoice(p.payment_hash)).toMatchObject({
      state: 'PENDING',
      amountMsat: PRICE,
    })
    expect(
      count(
        `SELECT count(*) AS n FROM ledger_entries WHERE purchase_id = ? AND type = 'INVOICE_CREATED' AND amount_msat = ?`,
        p.id,
        PRICE,
      ),
    ).toBe(1)

    expect((await h.buyerWallet.payInvoice(p.bolt11)).status).toBe('SUCCEEDED')
    const v = await waitPaid(p.id, { auth: buyer })
    expect(v).toMatchObject({
      owner: 'buyer',
      paid_late: false,
      entitlement_id: expect.any(String),
      game: { slug: 'paid', title: 'Paid Game' },
    })

    const lib = await (await h.call('/api/v1/me/library', { auth: buyer })).json()
    expect(lib.items).toEqual([
      expect.objectContaining({
        entitlement_id: v.entitlement_id,
        purchase_id: p.id,
        revoked_at: null,
        game: expect.objectContaining({ pubkey: dev.pubkey, slug: 'paid' }),
        releases: [
          expect.objectContaining({
            version: '1.0.0',
            asset: { sha256: 'c'.repeat(64), size_bytes: 1234 },
          }),
        ],
      }),
    ])
    // Fee 5% default: floor(21000 × bps / 10000) to the platform, the rest to the developer's payout.
    const feeBps = h.svc.config.feeBps,
      fee = Math.floor((PRICE * feeBps) / 10_000)
    const payout = h.svc.db
      .prepare(
        'SELECT amount_msat, destination_ln_address, idempotency_key FROM payouts WHERE purchase_id = ?',
      )
      .get(p.id)
    expect(payout).toMatchObject({
      amount_msat: PRICE - fee,
      destination_ln_address: h.devnet.developer.lud16,
      idempotency_key: `payout:${p.id}`,
    })

    const check = await (await h.call('/api/v1/admin/ledger/check', { auth: h.admin })).json()
    expect(check).toMatchObject({ ok: true, violations: [] })
    const sales = await (await h.call('/api/v1/developer/sales', { auth: dev })).json()
    expect(sales.items[0]).toMatchObject({
      purchase_id: p.id,
      amount_msat: PRICE,
      platform_fee_msat: fee,
      developer_net_msat: PRICE - fee,
    })
    const ledger = await (await h.call('/api/v1/developer/ledger?limit=1', { auth: dev })).json()
    expect(ledger.items).toHaveLength(1)
    expect(ledger.balance_owed_msat).toBe(ledger.total_net_msat - ledger.total_paid_out_msat)
    expect(ledger.total_net_msat).toBeGreaterThanOrEqual(PRICE - fee)
    // Another pubkey cannot see the purchase at all.
    expect((await h.call(`/api/v1/purchases/${p.id}`, { auth: newKey() })).status).toBe(404)
  })

  it('a guest gets a receipt code once (only its sha256 kept), reads the purchase with it, and claims it into a pubkey', async () => {
    const r = await buy({ game: `${dev.pubkey}/paid` })
    const p = (await r.json()) as CreatePurchaseResponse
    expect(p.receipt_code).toMatch(/^ZC(-[0-9A-Z]{4})+$/)
    const code = p.receipt_code!
    expect(code.replace(/[^0-9A-Z]/g, '').length * 5 - 10).toBeGreaterThanOrEqual(128) // ≥ 128 bits after "ZC"
    const row = h.svc.db.prepare('SELECT * FROM purchases WHERE id = ?').get(p.id) as Record<
      string,
      unknown
    >
    expect(row['guest_receipt_code_hash']).toBe(sha(code))
    expect(JSON.stringify(row)).not.toContain(code)
    expect(
      (await h.call(`/api/v1/purchases/${p.id}`, { headers: { 'x-receipt-code': `${code}X` } }))
        .status,
    ).toBe(404)

    await h.buyerWallet.payInvoice(p.bolt11)
    const v = await waitPaid(p.id, { headers: { 'x-receipt-code': code } })
    expect(v.owner).toBe('guest')

    const alice = newKey(),
      mallory = newKey()
    let n = 0
    const claim = (who: Key, receipt: string) =>
      h.call('/api/v1/purchases/claim', {
        method: 'POST',
        body: JSON.stringify({ receipt_code: receipt }),
        auth: { key: who, createdAtOffsetSec: -n++ },
      })
    const wrong = await claim(alice, 'ZC-0000-0000')
    expect(wrong.status).toBe(422)
    expect((await wrong.json()).code).toBe('RECEIPT_INVALID')

    const first = await claim(alice, code)
    expect(first.status).toBe(200)
    const claimed = await first.json()
    expect(claimed).toEqual({
      purchase_id: p.id,
      status: 'PAID',
      owner_pubkey: alice.pubkey,
      entitlement_id: v.entitlement_id,
    })
    expect((await claim(alice, code)).status).toBe(200) // the same owner again: the same answer
    expect(await (await claim(alice, code)).json()).toEqual(claimed)
    const stolen = await claim(mallory, code)
    expect(stolen.status).toBe(409)
    expect((await stolen.json()).code).toBe('ALREADY_CLAIMED')

    const after = h.svc.db
      .prepare(
        'SELECT p.guest_receipt_code_hash, e.user_id, u.pubkey FROM purchases p JOIN entitlements e ON e.purchase_id = p.id JOIN users u ON u.id = p.buyer_user_id WHERE p.id = ?',
      )
      .get(p.id)
    expect(after).toMatchObject({
      guest_receipt_code_hash: null,
      pubkey: alice.pubkey,
      user_id: expect.any(Number),
    })
    const lib = await (await h.call('/api/v1/me/library', { auth: alice })).json()
    expect(lib.items.map((i: { purchase_id: string }) => i.purchase_id)).toEqual([p.id])
    expect((await h.call(`/api/v1/purchases/${p.id}`, { auth: alice })).status).toBe(200)
  })

  it('pay what you want: an amount above the price is invoiced as asked; below the price is AMOUNT_TOO_LOW', async () => {
    const buyer = newKey()
    const more = (await (
      await buy({ game: `${dev.pubkey}/paid`, amount_msat: PRICE * 3 }, { auth: buyer })
    ).json()) as CreatePurchaseResponse
    expect(more.amount_msat).toBe(PRICE * 3)
    expect(await h.wallet.lookupInvoice(more.payment_hash)).toMatchObject({ amountMsat: PRICE * 3 })
    // The game may also be named by naddr (NIP-19) or by its 32267 coordinate.
    const byNaddr = await buy(
      { game: gameNaddr({ pubkey: dev.pubkey as Pubkey, slug: 'paid' }) },
      { auth: { key: buyer, createdAtOffsetSec: -1 } },
    )
    expect(byNaddr.status).toBe(201)
    expect(
      (
        await buy(
          { game: `32267:${dev.pubkey}:paid` },
          { auth: { key: buyer, createdAtOffsetSec: -2 } },
        )
      ).status,
    ).toBe(201)
    const less = await buy(
      { game: `${dev.pubkey}/paid`, amount_msat: PRICE - 1 },
      { auth: { key: buyer, createdAtOffsetSec: -3 } },
    )
    expect(less.status).toBe(422)
    expect((await less.json()).code).toBe('AMOUNT_TOO_LOW')
  })

  it('free, banned, draft, deleted and foreign-routed games are refused and nothing is written', async () => {
    const before = count('SELECT count(*) AS n FROM purchases')
    for (const [slug, detail] of [
      ['free', /free/],
      ['banned', /banned/],
      ['draft', /draft/],
      ['deleted', /deleted/],
      ['elsewhere', /zap tag/],
    ] as const) {
      const r = await buy({ game: `${dev.pubkey}/${slug}` })
      expect(r.status, slug).toBe(422)
      const b = await r.json()
      expect(b.code).toBe('GAME_NOT_PURCHASABLE')
      expect(b.detail).toMatch(detail)
    }
    expect((await buy({ game: `${dev.pubkey}/nope` })).status).toBe(404)
    expect((await buy({ game: 'not-a-ref' })).status).toBe(400)
    expect((await buy({ game: `${dev.pubkey}/paid`, extra: 1 })).status).toBe(400)
    expect(count('SELECT count(*) AS n FROM purchases')).toBe(before)
  })

  it('Idempotency-Key: the same body five times gives one purchase and the same answer; another body is IDEMPOTENCY_MISMATCH', async () => {
    const buyer = newKey()
    const headers = { 'idempotency-key': `k-${buyer.pubkey.slice(0, 8)}` }
    const answers = []
    for (let i = 0; i < 5; i++) {
      const r = await buy(
        { game: `${dev.pubkey}/paid` },
        { auth: { key: buyer, createdAtOffsetSec: -i }, headers },
      )
      expect(r.status).toBe(201)
      answers.push(await r.json())
    }
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1)
    expect(
      count(
        'SELECT count(*) AS n FROM purchases p JOIN users u ON u.id = p.buyer_user_id WHERE u.pubkey = ?',
        buyer.pubkey,
      ),
    ).toBe(1)
    const other = await buy(
      { game: `${dev.pubkey}/paid`, amount_msat: PRICE + 1 },
      { auth: buyer, headers },
    )
    expect(other.status).toBe(422)
    expect((await other.json()).code).toBe('IDEMPOTENCY_MISMATCH')
    // A guest's replay names the same purchase but never carries the receipt code: the key is no proof of
    // being that guest (anyone may send the same key and body), and the code is random, not derived from it.
    const g1 = (await (
      await buy({ game: `${dev.pubkey}/paid` }, { headers: { 'idempotency-key': 'guest-key-1' } })
    ).json()) as CreatePurchaseResponse
    const r2 = await buy(
      { game: `${dev.pubkey}/paid` },
      { headers: { 'idempotency-key': 'guest-key-1' } },
    )
    expect(r2.status).toBe(201)
    const g2 = (await r2.json()) as CreatePurchaseResponse
    expect(g1.receipt_code).toMatch(/^ZC-/)
    const { receipt_code: _code, ...rest } = g1
    expect(g2).toEqual({ ...rest, receipt_code_withheld: true })
    expect(JSON.stringify(g2)).not.toContain(g1.receipt_code!)
    const stored = h.svc.db
      .prepare(`SELECT response_json FROM idempotency_records WHERE key LIKE '%guest-key-1'`)
      .get() as { response_json: string }
    expect(stored.response_json).not.toContain(g1.receipt_code!)
    // The replay gives no access either: the purchase is shown only with the code.
    expect(
      (await h.call(`/api/v1/purchases/${g2.id}`, { headers: { 'x-receipt-code': 'ZC-0000' } }))
        .status,
    ).toBe(404)
    expect(
      (
        await h.call(`/api/v1/purchases/${g1.id}`, {
          headers: { 'x-receipt-code': g1.receipt_code! },
        })
      ).status,
    ).toBe(200)
  })

  it('the same Idempotency-Key sent twice at once: one purchase; the other request waits its turn or gets IDEMPOTENCY_IN_FLIGHT', async () => {
    const buyer = newKey()
    const headers = { 'idempotency-key': `race-${buyer.pubkey.slice(0, 8)}` }
    const [a, b] = await Promise.all(
      [0, 1].map((i) =>
        buy(
          { game: `${dev.pubkey}/paid` },
          { auth: { key: buyer, createdAtOffsetSec: -i }, headers },
        ),
      ),
    )
    const statuses = [a!.status, b!.status].sort()
    expect([
      [201, 201],
      [201, 409],
    ]).toContainEqual(statuses)
    if (statuses[1] === 409)
      expect((await (a!.status === 409 ? a! : b!).json()).code).toBe('IDEMPOTENCY_IN_FLIGHT')
    expect(
      count(
        'SELECT count(*) AS n FROM purchases p JOIN users u ON u.id = p.buyer_user_id WHERE u.pubkey = ?',
        buyer.pubkey,
      ),
    ).toBe(1)
  })

  it('an admin revokes an entitlement (once; the library shows it); nobody else may', async () => {
    const buyer = newKey()
    const p = (await (
      await buy({ game: `${dev.pubkey}/paid` }, { auth: buyer })
    ).json()) as CreatePurchaseResponse
    await h.buyerWallet.payInvoice(p.bolt11)
    const v = await waitPaid(p.id, { auth: buyer })
    let n = 0
    const revoke = (who: Key) =>
      h.call(`/api/v1/admin/entitlements/${v.entitlement_id}/revoke`, {
        method: 'POST',
        body: JSON.stringify({ reason: 'chargeback' }),
        auth: { key: who, createdAtOffsetSec: -n++ },
      })
    expect((await revoke(buyer)).status).toBe(403)
    const r = await revoke(h.admin)
    expect(r.status).toBe(200)
    const body = await r.json()
    expect(body).toMatchObject({ id: v.entitlement_id, revoked_reason: 'chargeback' })
    expect(await (await revoke(h.admin)).json()).toEqual(body)
    const lib = await (await h.call('/api/v1/me/library', { auth: buyer })).json()
    expect(lib.items[0].revoked_at).toBe(body.revoked_at)
    expect((await (await h.call('/api/v1/admin/ledger/check', { auth: h.admin })).json()).ok).toBe(
      true,
    )
  })

  it('an unpaid guest purchase cannot be claimed (409 PURCHASE_NOT_PAID, the code still works); once paid it can', async () => {
    const p = (await (await buy({ game: `${dev.pubkey}/paid` })).json()) as CreatePurchaseResponse
    const bob = newKey()
    let n = 0
    const claim = () =>
      h.call('/api/v1/purchases/claim', {
        method: 'POST',
        body: JSON.stringify({ receipt_code: p.receipt_code }),
        auth: { key: bob, createdAtOffsetSec: -n++ },
      })
    const early = await claim()
    expect(early.status).toBe(409)
    expect(early.headers.get('content-type')).toMatch(/application\/problem\+json/)
    expect(await early.json()).toMatchObject({
      code: 'PURCHASE_NOT_PAID',
      status: 409,
      detail: expect.stringMatching(/pending/),
    })
    // Nothing moved: the guest still reads the purchase with its code, no owner was set.
    expect(
      count(
        'SELECT count(*) AS n FROM purchases WHERE id = ? AND buyer_user_id IS NULL AND guest_receipt_code_hash = ?',
        p.id,
        sha(p.receipt_code!),
      ),
    ).toBe(1)
    expect(
      (
        await h.call(`/api/v1/purchases/${p.id}`, {
          headers: { 'x-receipt-code': p.receipt_code! },
        })
      ).status,
    ).toBe(200)
    // An expired one is refused the same way.
    const x = (await (await buy({ game: `${dev.pubkey}/paid` })).json()) as CreatePurchaseResponse
    h.svc.db.prepare(`UPDATE purchases SET status = 'EXPIRED' WHERE id = ?`).run(x.id)
    const expired = await h.call('/api/v1/purchases/claim', {
      method: 'POST',
      body: JSON.stringify({ receipt_code: x.receipt_code }),
      auth: { key: bob, createdAtOffsetSec: -n++ },
    })
    expect(await expired.json()).toMatchObject({
      code: 'PURCHASE_NOT_PAID',
      status: 409,
      detail: expect.stringMatching(/expired/),
    })

    await h.buyerWallet.payInvoice(p.bolt11)
    await waitPaid(p.id, { headers: { 'x-receipt-code': p.receipt_code! } })
    const c = await claim()
    expect(c.status).toBe(200)
    const claimed = await c.json()
    expect(claimed).toMatchObject({
      purchase_id: p.id,
      status: 'PAID',
      owner_pubkey: bob.pubkey,
      entitlement_id: expect.any(String),
    })
    const lib = await (
      await h.call('/api/v1/me/library', { auth: { key: bob, createdAtOffsetSec: -n++ } })
    ).json()
    expect(lib.items.map((x: { entitlement_id: string }) => x.entitlement_id)).toEqual([
      claimed.entitlement_id,
    ])
  })

  it('a paid game with no verified build is not sold (409 NO_BUILD, nothing written) and shows as coming soon', async () => {
    seedGame(h.svc.db, dev, 'soon', {
      priceMsat: PRICE,
      build: false,
      marketPubkey: h.marketPubkey,
      title: 'Soon',
    })
    const before = count('SELECT count(*) AS n FROM purchases')
    const r = await buy({ game: `${dev.pubkey}/soon` })
    expect(r.status).toBe(409)
    expect(await r.json()).toMatchObject({
      code: 'NO_BUILD',
      detail: expect.stringMatching(/no verified build/),
    })
    expect(count('SELECT count(*) AS n FROM purchases')).toBe(before)
    const game = await (await h.call(`/api/v1/games/${dev.pubkey}/soon`)).json()
    expect(game).toMatchObject({ coming_soon: true })
    const built = await (await h.call(`/api/v1/games/${dev.pubkey}/paid`)).json()
    expect(built).toMatchObject({ coming_soon: false })
    const list = await (await h.call('/api/v1/games?q=soon')).json()
    expect(list.items).toEqual([expect.objectContaining({ slug: 'soon', coming_soon: true })])
    // An admin cannot feature it either.
    const feature = await h.call(`/api/v1/admin/games/${dev.pubkey}/soon/status`, {
      method: 'POST',
      body: JSON.stringify({ status: 'FEATURED' }),
      auth: h.admin,
    })
    expect(feature.status).toBe(409)
    expect((await feature.json()).code).toBe('NO_BUILD')

    // Once the bytes of its release are verified (an upload with the asset's sha256), it is sold.
    const g = h.svc.db
      .prepare(`SELECT g.id, g.developer_user_id FROM games g WHERE g.slug = 'soon'`)
      .get() as { id: number; developer_user_id: number }
    h.svc.db
      .prepare(`INSERT INTO uploads (id, game_id, developer_user_id, version, object_key, sha256, size_bytes, content_type, status, expires_at, created_at, verified_at)
      VALUES ('up-soon', ?, ?, '1.0.0', 'builds/soon.zip', ?, 1234, 'application/zip', 'VERIFIED', 9, 1, 2)`)
      .run(g.id, g.developer_user_id, 'c'.repeat(64))
    expect((await buy({ game: `${dev.pubkey}/soon` })).status).toBe(201)
    expect(await (await h.call(`/api/v1/games/${dev.pubkey}/soon`)).json()).toMatchObject({
      coming_soon: false,
    })
    const featured = await h.call(`/api/v1/admin/games/${dev.pubkey}/soon/status`, {
      method: 'POST',
      body: JSON.stringify({ status: 'FEATURED' }),
      auth: { key: h.admin, createdAtOffsetSec: -1 },
    })
    expect(featured.status).toBe(200)
  })

  it('the developer pages through every sale and every entry with next_cursor; the balance owed is the sum', async () => {
    const paid = count(
      `SELECT count(*) AS n FROM purchases p JOIN games g ON g.id = p.game_id JOIN users u ON u.id = g.developer_user_id WHERE u.pubkey = ? AND p.status = 'PAID'`,
      dev.pubkey,
    )
    const walk = async (
      path: string,
    ): Promise<{ items: Record<string, unknown>[]; last: Record<string, unknown> }> => {
      const items: Record<string, unknown>[] = []
      let cursor: string | null = null,
        last: Record<string, unknown> = {},
        i = 0
      do {
        const r = await h.call(`${path}?limit=2${cursor ? `&cursor=${cursor}` : ''}`, {
          auth: { key: dev, createdAtOffsetSec: -i++ },
        })
        expect(r.status).toBe(200)
        last = (await r.json()) as Record<string, unknown>
        items.push(...(last['items'] as Record<string, unknown>[]))
        cursor = last['next_cursor'] as string | null
      } while (cursor)
      return { items, last }
    }
    const sales = await walk('/api/v1/developer/sales')
    expect(sales.items).toHaveLength(paid)
    expect(new Set(sales.items.map((x) => x['purchase_id'])).size).toBe(paid)
    const ledger = await walk('/api/v1/developer/ledger')
    const net = ledger.items.filter((x) => x['type'] === 'DEVELOPER_NET')
    expect(net).toHaveLength(paid)
    const sumNet = net.reduce((a, x) => a + (x['amount_msat'] as number), 0)
    const sumSent = ledger.items
      .filter((x) => x['type'] === 'PAYOUT_SENT')
      .reduce((a, x) => a + (x['amount_msat'] as number), 0)
    expect(ledger.last).toMatchObject({
      total_net_msat: sumNet,
      total_paid_out_msat: sumSent,
      balance_owed_msat: sumNet - sumSent,
    })
    expect(
      (
        await h.call('/api/v1/developer/sales?cursor=%%%', {
          auth: { key: dev, createdAtOffsetSec: -30 },
        })
      ).status,
    ).toBe(400)
  })

  it('a payment the wallet proves short of the invoice is not booked: an admin sees the alert and resolves it (the purchase becomes FAILED)', async () => {
    const p = (await (await buy({ game: `${dev.pubkey}/paid` })).json()) as CreatePurchaseResponse
    // A wallet that reports less than the invoice amount (devnet pays exactly, so the report is made up
    // here from the invoice's real preimage): settlement refuses to book it.
    const { preimage } = h.devnet.node.db
      .prepare('SELECT preimage FROM invoices WHERE payment_hash = ?')
      .get(p.payment_hash) as { preimage: string }
    const settle = makePayments({
      db: h.svc.db,
      clock: systemClock,
      secret: Buffer.from('x'),
      marketPubkey: h.marketPubkey,
      feeBps: 250,
      wallet: undefined,
    }).settle
    expect(
      await settle(p.payment_hash, { preimage, settledAtSec: 0, amountMsat: msat(PRICE - 1) }),
    ).toMatchObject({ outcome: 'REJECTED' })
    let n = 0
    const as = (key: Key) => ({ key, createdAtOffsetSec: -n++ })
    const list = async (q = '') => h.call(`/api/v1/admin/payment-alerts${q}`, { auth: as(h.admin) })
    expect((await h.call('/api/v1/admin/payment-alerts', { auth: as(dev) })).status).toBe(403)
    const open = (await (await list()).json()) as PaymentAlertsResponse
    expect(open.items).toEqual([
      expect.objectContaining({
        purchase_id: p.id,
        payment_hash: p.payment_hash,
        amount_msat: PRICE,
        received_msat: PRICE - 1,
        purchase_status: 'PENDING',
        reason: `received ${PRICE - 1} msat of ${PRICE}`,
        seen_count: 1,
        resolved_at: null,
        resolved_note: null,
      }),
    ])
    const resolve = (id: string) =>
      h.call(`/api/v1/admin/payment-alerts/${id}/resolve`, {
        method: 'POST',
        body: JSON.stringify({ note: 'refunded off-platform' }),
        auth: as(h.admin),
      })
    const r = await resolve(p.id)
    expect(r.status).toBe(200)
    expect(await r.json()).toMatchObject({
      purchase_id: p.id,
      purchase_status: 'FAILED',
      resolved_note: 'refunded off-platform',
      resolved_at: expect.any(Number),
    })
    expect((await resolve(p.id)).status).toBe(409)
    expect((await resolve('no-such-purchase')).status).toBe(404)
    expect(((await (await list()).json()) as PaymentAlertsResponse).items).toEqual([])
    expect(
      ((await (await list('?status=all')).json()) as PaymentAlertsResponse).items,
    ).toHaveLength(1)
    expect((await list('?status=bogus')).status).toBe(400)
    expect(
      (await (await h.call('/api/v1/admin/ledger/check', { auth: as(h.admin) })).json()).ok,
    ).toBe(true)
  })

  it('the payments routes are in /openapi.json', async () => {
    const doc = (await (await h.call('/openapi.json')).json()) as { paths: Record<string, unknown> }
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/purchases',
        '/api/v1/purchases/{id}',
        '/api/v1/purchases/claim',
        '/api/v1/me/library',
        '/api/v1/developer/sales',
        '/api/v1/developer/ledger',
        '/api/v1/admin/ledger/check',
        '/api/v1/admin/entitlements/{id}/revoke',
        '/api/v1/admin/payment-alerts',
        '/api/v1/admin/payment-alerts/{purchaseId}/resolve',
      ]),
    )
  })
})
