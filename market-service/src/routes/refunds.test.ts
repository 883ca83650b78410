/**
 * Refunds over real HTTP with real NIP-98, the market's wallet and buyers' wallets on devnet over real
 * NIP-47 on a real relay, SQLite files: the policy, automatic and decided refunds, money back to a
 * BOLT11, to a Lightning address and through an LNURL-withdraw link claimed the way a wallet does it,
 * the purchase REFUNDED and the download refused, and a refund after the developer's payout recovered
 * from their next payout with the ledger check clean throughout.
 */
import { randomUUID } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CreatePurchaseResponse, LedgerCheckResponse } from '@zapcade/shared/api/purchases'
import type { RefundListResponse, RefundView } from '@zapcade/shared/api/refunds'
import { msat } from '@zapcade/shared/money'
import { NwcWallet } from '../adapters/nwc/nwc-wallet.ts'
import { insidePolicy } from '../domain/refund/refund-machine.ts'
import type { Worker } from '../workers/worker.ts'
import {
  newKey,
  seedGame,
  setPayoutAddress,
  startPayments,
  type Key,
  type PaymentsHarness,
} from '../testing/payments-harness.ts'

const PRICE = 21_000
/**
 * An invoice without an amount ("Please make a donation of any amount"): the first example of BOLT 11,
 * lightning/bolts 11-payment-encoding.md "Examples", as quoted by trezor-firmware's bolt11 tests.
 */
const AMOUNTLESS_BOLT11 =
  'lnbc1pvjluezsp5zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3zygspp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypqdpl2pkx2ctnv5sxxmmwwd5kgetjypeh2ursdae8g6twvus8g6rfwvs8qun0dfjkxaq9qrsgq357wnc5r2ueh7ck6q93dj32dlqnls087fxdwk8qakdyafkq3yap9us6v52vjjsrvywa6rt52cm9r9zqt8r2t7mlcwspyetp5h2tztugp9lfyql'

/**
 * How a wallet claims an LNURL-withdraw link (LUD-03), after Blink's redeem screen
 * (GaloyMoney/blink-mobile, app/screens/redeem-lnurl-withdrawal-screen/redeem-bitcoin-result-screen.tsx
 * at 18ecfb39b87bbbcb288e44a59a9bfcd0ac1f9208): the callback gets `k1` and the invoice appended
 * unencoded, with `&` when the callback already has a query, and the answer's `status` is compared
 * case-insensitively with "ok". The withdrawRequest fields are those wallets read (LNURLResponse of
 * lawalletio/mobile-pos src/types/lnurl.ts at fde015454ddc75a83df0a367066f2c2ff1627efb).
 */
interface WithdrawRequest {
  tag: string
  callback: string
  k1: string
  minWithdrawable: number
  maxWithdrawable: number
  defaultDescription: string
}
const claimUrl = (w: WithdrawRequest, pr: string): string =>
  `${w.callback}${w.callback.includes('?') ? '&' : '?'}k1=${w.k1}&pr=${pr}`

describe('refunds', () => {
  let h: PaymentsHarness, dev: Key, other: Key
  let refundee: { walletId: number; lud16: string; wallet: NwcWallet }
  const worker = (name: string): Worker => h.svc.workers.find((w) => w.name === name)!
  let seq = 0
  /** A NIP-98 event is accepted once: each signed call steps created_at back. */
  const as = (key: Key) => ({ key, createdAtOffsetSec: -(seq++ % 50) })
  const post = (path: string, body: unknown, init: Record<string, unknown> = {}) =>
    h.call(path, { method: 'POST', body: JSON.stringify(body), ...init })
  const balance = (walletId: number): number => Number(h.devnet.node.balance(walletId))
  const purchaseStatus = (id: string): string =>
    (h.svc.db.prepare('SELECT status FROM purchases WHERE id = ?').get(id) as { status: string })
      .status

  async function paidCheckout(
    slug: string,
    buyer?: Key,
    seller: Key = dev,
  ): Promise<CreatePurchaseResponse & { receipt_code?: string }> {
    const r = await post(
      '/api/v1/purchases',
      { game: `${seller.pubkey}/${slug}` },
      buyer ? { auth: as(buyer) } : {},
    )
    expect(r.status).toBe(201)
    const p = (await r.json()) as CreatePurchaseResponse & { receipt_code?: string }
    expect((await h.buyerWallet.payInvoice(p.bolt11)).status).toBe('SUCCEEDED')
    await expect.poll(() => purchaseStatus(p.id), { timeout: 20_000 }).toBe('PAID')
    return p
  }
  async function ledgerClean(): Promise<void> {
    const r = await h.call('/api/v1/admin/ledger/check', { auth: as(h.admin) })
    const body = (await r.json()) as LedgerCheckResponse
    expect(body.violations).toEqual([])
    expect(body.ok).toBe(true)
  }
  const refundsOf = async (key: Key, status?: string): Promise<RefundListResponse> =>
    (await (
      await h.call(`/api/v1/developer/refunds${status ? `?status=${status}` : ''}`, {
        auth: as(key),
      })
    ).json()) as RefundListResponse

  beforeAll(async () => {
    h = await startPayments()
    dev = newKey()
    other = newKey()
    const db = h.svc.db,
      m = h.marketPubkey
    const lenient = seedGame(db, dev, 'lenient', {
      priceMsat: PRICE,
      marketPubkey: m,
      title: 'Lenient',
    })
    // The seeded build's bytes in the local blob store (under a key the service could have made), so a
    // download can be granted.
    const key = `builds/${lenient}/${randomUUID()}.zip`
    db.prepare(
      'UPDATE build_assets SET object_key = ? WHERE release_id IN (SELECT id FROM releases WHERE game_id = ?)',
    ).run(key, lenient)
    mkdirSync(join(h.dir, 'blobs', 'builds', String(lenient)), { recursive: true })
    writeFileSync(join(h.dir, 'blobs', key), Buffer.alloc(1234))
    seedGame(db, dev, 'strict', { priceMsat: PRICE, marketPubkey: m, title: 'Strict' })
    seedGame(db, other, 'theirs', { priceMsat: PRICE, marketPubkey: m })
    const c = h.devnet.createWallet({ name: 'refundee' })
    refundee = {
      walletId: c.walletId,
      lud16: c.lud16!,
      wallet: new NwcWallet({ url: c.nwcUrl }),
    }
  })
  afterAll(async () => {
    await refundee?.wallet.close()
    await h?.stopAll()
  })

  it('the policy: set by the game developer only, checked, and automatic only inside it', async () => {
    const put = (key: Key, slug: string, body: unknown) =>
      h.call(`/api/v1/developer/games/${slug}/refund-policy`, {
        method: 'PUT',
        body: JSON.stringify(body),
        auth: as(key),
      })
    const ok = await put(dev, 'lenient', { window_days: 14, max_hours_since_download: 2 })
    expect(ok.status).toBe(200)
    expect(await ok.json()).toMatchObject({ window_days: 14, game: { slug: 'lenient' } })
    expect(
      (await (await put(dev, 'theirs', { window_days: 1, max_hours_since_download: null })).json())
        .code,
    ).toBe('GAME_NOT_FOUND')
    const shown = await h.call(`/api/v1/games/${dev.pubkey}/lenient/refund-policy`)
    expect(await shown.json()).toMatchObject({ window_days: 14, max_hours_since_download: 2 })
    const none = await h.call(`/api/v1/games/${dev.pubkey}/strict/refund-policy`)
    expect(await none.json()).toMatchObject({ window_days: 0, max_hours_since_download: null })
    expect((await h.call(`/api/v1/games/${dev.pubkey}/nope/refund-policy`)).status).toBe(404)
    // Every refund route is in the OpenAPI document.
    const doc = (await (await h.call('/openapi.json')).json()) as { paths: Record<string, unknown> }
    for (const path of [
      '/api/v1/purchases/{id}/refund',
      '/api/v1/developer/games/{slug}/refund-policy',
      '/api/v1/games/{pubkey}/{slug}/refund-policy',
      '/api/v1/developer/refunds',
      '/api/v1/developer/refunds/{id}/approve',
      '/api/v1/developer/refunds/{id}/decline',
      '/api/v1/admin/purchases/{id}/refund',
      '/api/v1/refunds/{id}/withdraw',
      '/api/v1/refunds/{id}/withdraw/callback',
    ])
      expect(Object.keys(doc.paths)).toContain(path)
    const bad = await put(dev, 'lenient', { window_days: 400, max_hours_since_download: null })
    expect(bad.status).toBe(400)
    expect(bad.headers.get('content-type')).toContain('application/problem+json')
    expect((await bad.json()).code).toBe('VALIDATION_FAILED')
    const anon = await h.call('/api/v1/developer/games/lenient/refund-policy', {
      method: 'PUT',
      body: JSON.stringify({ window_days: 1, max_hours_since_download: null }),
    })
    expect(anon.status).toBe(401)

    const day = 86_400
    const p = { windowDays: 14, maxHoursSinceDownload: 2 }
    expect(insidePolicy(undefined, 0, undefined, 10)).toBe(false)
    expect(insidePolicy({ windowDays: 0, maxHoursSinceDownload: null }, 0, undefined, 10)).toBe(
      false,
    )
    expect(insidePolicy(p, 0, undefined, 14 * day)).toBe(true)
    expect(insidePolicy(p, 0, undefined, 14 * day + 1)).toBe(false)
    expect(insidePolicy(p, 0, 100, 100 + 2 * 3600)).toBe(true)
    expect(insidePolicy(p, 0, 100, 100 + 2 * 3600 + 1)).toBe(false)
    expect(insidePolicy({ windowDays: 14, maxHoursSinceDownload: null }, 0, 100, day)).toBe(true)
  })

  it('inside the policy a buyer is refunded to their BOLT11 at once: REFUNDED, revoked, download refused, wallet credited, ledger clean', async () => {
    const buyer = newKey()
    const p = await paidCheckout('lenient', buyer)
    const dl = await h.call(`/api/v1/games/${dev.pubkey}/lenient/download?format=json`, {
      auth: as(buyer),
    })
    expect(dl.status, await dl.clone().text()).toBe(200)

    // Refused destinations: no amount, another amount, not an invoice or address.
    const amountless = await post(
      `/api/v1/purchases/${p.id}/refund`,
      { destination: AMOUNTLESS_BOLT11 },
      { auth: as(buyer) },
    )
    expect(amountless.status).toBe(400)
    expect((await amountless.json()).detail).toContain('without an amount')
    const wrong = await refundee.wallet.makeInvoice({
      amountMsat: msat(PRICE - 1000),
      description: 'refund',
      expirySec: 600,
    })
    const w = await post(
      `/api/v1/purchases/${p.id}/refund`,
      { destination: wrong.bolt11 },
      { auth: as(buyer) },
    )
    expect(w.status).toBe(400)
    expect(await w.json()).toMatchObject({ code: 'VALIDATION_FAILED' })
    const junk = await post(
      `/api/v1/purchases/${p.id}/refund`,
      { destination: 'cash please' },
      { auth: as(buyer) },
    )
    expect(junk.status).toBe(400)
    // Somebody else's key sees no such purchase.
    const stranger = await post(`/api/v1/purchases/${p.id}/refund`, {}, { auth: as(newKey()) })
    expect(stranger.status).toBe(404)

    const before = balance(refundee.walletId)
    const inv = await refundee.wallet.makeInvoice({
      amountMsat: msat(PRICE),
      description: 'refund',
      expirySec: 600,
    })
    const r = await post(
      `/api/v1/purchases/${p.id}/refund`,
      { destination: inv.bolt11, reason: 'does not run on my machine' },
      { auth: as(buyer) },
    )
    expect(r.status).toBe(202)
    const v = (await r.json()) as RefundView
    expect(v).toMatchObject({
      status: 'APPROVED',
      auto_approved: true,
      destination_kind: 'BOLT11',
      amount_msat: PRICE,
    })
    expect(v.withdraw_url).toBeUndefined()
    worker('refunds').kick()
    await expect.poll(() => purchaseStatus(p.id), { timeout: 20_000 }).toBe('REFUNDED')
    expect(balance(refundee.walletId) - before).toBe(PRICE)

    const again = await post(`/api/v1/purchases/${p.id}/refund`, {}, { auth: as(buyer) })
    expect(again.status).toBe(202)
    expect(await again.json()).toMatchObject({ refund_id: v.refund_id, status: 'SENT' })
    const view = await (await h.call(`/api/v1/purchases/${p.id}`, { auth: as(buyer) })).json()
    expect(view.status).toBe('REFUNDED')
    const refused = await h.call(`/api/v1/games/${dev.pubkey}/lenient/download?format=json`, {
      auth: as(buyer),
    })
    expect(refused.status).toBe(403)
    expect((await refused.json()).code).toBe('NOT_ENTITLED')
    const types = h.svc.db
      .prepare(
        `SELECT type, amount_msat AS a FROM ledger_entries WHERE purchase_id = ? AND type LIKE 'REFUND_%' ORDER BY type`,
      )
      .all(p.id) as { type: string; a: number }[]
    expect(types.map((t) => t.type)).toEqual([
      'REFUND_DEVELOPER_DEBIT',
      'REFUND_FEE_REVERSAL',
      'REFUND_SENT',
    ])
    expect(types[0]!.a + types[1]!.a).toBe(PRICE)
    expect(types[2]!.a).toBe(PRICE)
    await ledgerClean()
  })

  it('a guest outside any policy waits for the developer, then claims an LNURL-withdraw link with a devnet wallet; the link works once', async () => {
    const p = await paidCheckout('strict')
    const code = p.receipt_code!
    expect(code).toMatch(/^ZC-/)
    const noCaller = await post(`/api/v1/purchases/${p.id}/refund`, {})
    expect(noCaller.status).toBe(401)
    const wrongCode = await post(
      `/api/v1/purchases/${p.id}/refund`,
      {},
      { headers: { 'x-receipt-code': 'ZC-NOPE' } },
    )
    expect(wrongCode.status).toBe(404)
    const r = await post(
      `/api/v1/purchases/${p.id}/refund`,
      { reason: 'bought twice' },
      { headers: { 'x-receipt-code': code } },
    )
    expect(r.status).toBe(202)
    const v = (await r.json()) as RefundView
    expect(v).toMatchObject({ status: 'REQUESTED', requested_by: 'GUEST', auto_approved: false })

    const list = await refundsOf(dev, 'REQUESTED')
    expect(list.items.map((i) => i.refund_id)).toContain(v.refund_id)
    expect(list.items.find((i) => i.refund_id === v.refund_id)?.withdraw_url).toBeUndefined()
    // Another developer cannot decide it.
    expect(
      (await post(`/api/v1/developer/refunds/${v.refund_id}/approve`, {}, { auth: as(other) }))
        .status,
    ).toBe(404)
    const ap = await post(
      `/api/v1/developer/refunds/${v.refund_id}/approve`,
      { note: 'ok' },
      { auth: as(dev) },
    )
    expect(ap.status).toBe(200)
    expect(await ap.json()).toMatchObject({
      status: 'AWAITING_CLAIM',
      destination_kind: 'WITHDRAW',
    })
    expect(
      (await post(`/api/v1/developer/refunds/${v.refund_id}/decline`, {}, { auth: as(dev) }))
        .status,
    ).toBe(409)

    const mine = (await (
      await h.call(`/api/v1/purchases/${p.id}/refund`, { headers: { 'x-receipt-code': code } })
    ).json()) as RefundView
    expect(mine.withdraw_url).toMatch(/\/api\/v1\/refunds\/.+\/withdraw\?k1=[0-9a-f]{64}$/)
    expect(mine.lnurl).toMatch(/^LNURL1[0-9A-Z]+$/)
    // The entitlement ends at approval.
    const dl = await h.call(`/api/v1/games/${dev.pubkey}/strict/download?format=json`, {
      headers: { 'x-receipt-code': code },
    })
    expect(dl.status).toBe(403)

    // The wallet's side of LUD-03.
    const wr = (await (await fetch(mine.withdraw_url!)).json()) as WithdrawRequest
    expect(wr).toMatchObject({
      tag: 'withdrawRequest',
      maxWithdrawable: PRICE,
      minWithdrawable: PRICE,
    })
    const k1 = new URL(mine.withdraw_url!).searchParams.get('k1')!
    const otherK1 = (k1[0] === '0' ? '1' : '0') + k1.slice(1)
    const tampered = (await (await fetch(mine.withdraw_url!.replace(k1, otherK1))).json()) as {
      status: string
    }
    expect(tampered.status).toBe('ERROR')
    const claimer = h.devnet.createWallet({ name: 'guest-claimer' })
    const cw = new NwcWallet({ url: claimer.nwcUrl })
    try {
      const tooSmall = await cw.makeInvoice({
        amountMsat: msat(PRICE - 1000),
        description: 'x',
        expirySec: 600,
      })
      const small = (await (await fetch(claimUrl(wr, tooSmall.bolt11))).json()) as {
        status: string
        reason: string
      }
      expect(small.status).toBe('ERROR')
      expect(small.reason).toContain(String(PRICE))
      const inv = await cw.makeInvoice({
        amountMsat: msat(wr.maxWithdrawable),
        description: wr.defaultDescription,
        expirySec: 600,
      })
      const res = await fetch(claimUrl(wr, inv.bolt11))
      const ok = (await res.json()) as { status: string }
      expect(ok.status.toLowerCase()).toBe('ok')
      await expect.poll(() => balance(claimer.walletId), { timeout: 20_000 }).toBe(PRICE)
      await expect.poll(() => purchaseStatus(p.id), { timeout: 20_000 }).toBe('REFUNDED')
      const inv2 = await cw.makeInvoice({
        amountMsat: msat(PRICE),
        description: 'again',
        expirySec: 600,
      })
      const twice = (await (await fetch(claimUrl(wr, inv2.bolt11))).json()) as { status: string }
      expect(twice.status).toBe('ERROR')
      expect(balance(claimer.walletId)).toBe(PRICE)
    } finally {
      await cw.close()
    }
    const guestView = await (
      await h.call(`/api/v1/purchases/${p.id}`, { headers: { 'x-receipt-code': code } })
    ).json()
    expect(guestView.status).toBe('REFUNDED')
    await ledgerClean()
  })

  it('a declined request stays declined for the buyer; an admin refunds it anyway to a Lightning address', async () => {
    const buyer = newKey()
    const p = await paidCheckout('strict', buyer)
    // A bare POST (no body at all) asks with neither a destination nor a reason.
    const v = (await (
      await h.call(`/api/v1/purchases/${p.id}/refund`, { method: 'POST', auth: as(buyer) })
    ).json()) as RefundView
    expect(v.status).toBe('REQUESTED')
    const d = await post(
      `/api/v1/developer/refunds/${v.refund_id}/decline`,
      { note: 'played 40 hours' },
      { auth: as(dev) },
    )
    expect(await d.json()).toMatchObject({ status: 'DECLINED', decision_note: 'played 40 hours' })
    const asked = await post(`/api/v1/purchases/${p.id}/refund`, {}, { auth: as(buyer) })
    expect(await asked.json()).toMatchObject({ status: 'DECLINED' })
    expect(
      (await post(`/api/v1/developer/refunds/${v.refund_id}/approve`, {}, { auth: as(dev) }))
        .status,
    ).toBe(409)
    // Not an admin: 403.
    expect(
      (await post(`/api/v1/admin/purchases/${p.id}/refund`, {}, { auth: as(dev) })).status,
    ).toBe(403)

    const before = balance(refundee.walletId)
    const a = await post(
      `/api/v1/admin/purchases/${p.id}/refund`,
      { destination: refundee.lud16, reason: 'support ticket' },
      { auth: as(h.admin) },
    )
    expect(a.status).toBe(202)
    expect(await a.json()).toMatchObject({
      refund_id: v.refund_id,
      status: 'APPROVED',
      destination_kind: 'LN_ADDRESS',
    })
    worker('refunds').kick()
    await expect.poll(() => purchaseStatus(p.id), { timeout: 20_000 }).toBe('REFUNDED')
    expect(balance(refundee.walletId) - before).toBe(PRICE)
    await ledgerClean()
  })

  it('a refund after the developer was paid out leaves their balance negative until their next payout recovers it', async () => {
    // The market's float: it pays the refund after the developer's share already left its wallet.
    h.devnet.node.fund(h.devnet.node.findWallet('market')!.id, msat(1_000_000))
    // A developer of its own, so the balance starts at zero.
    const solo = newKey()
    seedGame(h.svc.db, solo, 'solo', { priceMsat: PRICE, marketPubkey: h.marketPubkey })
    const payee = h.devnet.createWallet({ name: 'payee-dev' })
    setPayoutAddress(h.svc.db, solo, payee.lud16!)
    const buyer = newKey()
    const p = await paidCheckout('solo', buyer, solo)
    worker('payouts').kick()
    const net = PRICE - Math.floor((PRICE * 500) / 10_000)
    await expect.poll(() => balance(payee.walletId), { timeout: 20_000 }).toBe(net)
    const payoutOf = (id: string) =>
      (
        h.svc.db.prepare('SELECT status FROM payouts WHERE purchase_id = ?').get(id) as
          | { status: string }
          | undefined
      )?.status
    await expect.poll(() => payoutOf(p.id), { timeout: 20_000 }).toBe('SENT')
    const before = await refundsOf(solo)

    const inv = await refundee.wallet.makeInvoice({
      amountMsat: msat(PRICE),
      description: 'r',
      expirySec: 600,
    })
    const v = (await (
      await post(
        `/api/v1/admin/purchases/${p.id}/refund`,
        { destination: inv.bolt11 },
        { auth: as(h.admin) },
      )
    ).json()) as RefundView
    expect(v.status).toBe('APPROVED')
    worker('refunds').kick()
    await expect.poll(() => purchaseStatus(p.id), { timeout: 20_000 }).toBe('REFUNDED')
    const after = await refundsOf(solo)
    expect(before.balance_msat).toBe(0)
    expect(after.balance_msat).toBe(-net)
    expect(after.owed_back_msat).toBe(net)
    await ledgerClean()

    // The next sale's payout is withheld: nothing more reaches the developer until the debt is gone.
    const p2 = await paidCheckout('solo', newKey(), solo)
    const payouts = h.svc.db
      .prepare(`SELECT count(*) AS n FROM payouts WHERE purchase_id = ?`)
      .get(p2.id) as { n: number }
    expect(payouts.n).toBe(0)
    const settled = await refundsOf(solo)
    expect(settled.owed_back_msat).toBe(0)
    expect(settled.balance_msat).toBe(before.balance_msat)
    worker('payouts').kick()
    expect(balance(payee.walletId)).toBe(net)
    await ledgerClean()
  })

  it('a refund that cannot be paid (its invoice inside the worker margin of expiry) is FAILED with the reason; asking again with a new invoice pays it once', async () => {
    await h.call('/api/v1/developer/games/lenient/refund-policy', {
      method: 'PUT',
      body: JSON.stringify({ window_days: 14, max_hours_since_download: null }),
      auth: as(dev),
    })
    const buyer = newKey()
    const p = await paidCheckout('lenient', buyer)
    const before = balance(refundee.walletId)
    const dying = await refundee.wallet.makeInvoice({
      amountMsat: msat(PRICE),
      description: 'refund',
      expirySec: 30,
    })
    const v = (await (
      await post(
        `/api/v1/purchases/${p.id}/refund`,
        { destination: dying.bolt11 },
        { auth: as(buyer) },
      )
    ).json()) as RefundView
    expect(v.status).toBe('APPROVED')
    worker('refunds').kick()
    const mine = async () =>
      (await (
        await h.call(`/api/v1/purchases/${p.id}/refund`, { auth: as(buyer) })
      ).json()) as RefundView
    await expect.poll(async () => (await mine()).status, { timeout: 20_000 }).toBe('FAILED')
    expect((await mine()).last_error).toContain('expired')
    expect(purchaseStatus(p.id)).toBe('PAID')

    const fresh = await refundee.wallet.makeInvoice({
      amountMsat: msat(PRICE),
      description: 'refund',
      expirySec: 600,
    })
    const again = (await (
      await post(
        `/api/v1/purchases/${p.id}/refund`,
        { destination: fresh.bolt11 },
        { auth: as(buyer) },
      )
    ).json()) as RefundView
    expect(again).toMatchObject({ refund_id: v.refund_id, status: 'APPROVED', last_error: null })
    worker('refunds').kick()
    await expect.poll(() => purchaseStatus(p.id), { timeout: 20_000 }).toBe('REFUNDED')
    expect(balance(refundee.walletId) - before).toBe(PRICE)
    await ledgerClean()
  })

  it('crash-safe: a refund whose payment hash was recorded before a crash is looked up after the restart and paid exactly once', async () => {
    // Two refunds stopped where a crash would leave them (the hash committed, SENDING): one whose
    // pay_invoice never left, one the wallet had already paid. The restarted worker looks each up first.
    const setup = async () => {
      const buyer = newKey()
      const p = await paidCheckout('strict', buyer)
      const r = (await (
        await post(`/api/v1/purchases/${p.id}/refund`, {}, { auth: as(buyer) })
      ).json()) as RefundView
      expect(r.status).toBe('REQUESTED')
      const inv = await refundee.wallet.makeInvoice({
        amountMsat: msat(PRICE),
        description: 'refund',
        expirySec: 600,
      })
      h.svc.db
        .prepare(
          `UPDATE refunds SET status = 'SENDING', destination_kind = 'BOLT11', destination = ?, bolt11 = ?,
           payment_hash = ?, attempts = 1 WHERE id = ?`,
        )
        .run(inv.bolt11, inv.bolt11, inv.paymentHash, r.refund_id)
      h.svc.db
        .prepare(
          `UPDATE entitlements SET revoked_at = 1, revoked_reason = 'refunded' WHERE purchase_id = ?`,
        )
        .run(p.id)
      return { p, r, inv }
    }
    const neverSent = await setup()
    const alreadyPaid = await setup()
    const before = balance(refundee.walletId)
    expect((await h.wallet.payInvoice(alreadyPaid.inv.bolt11)).status).toBe('SUCCEEDED')
    expect(balance(refundee.walletId) - before).toBe(PRICE)

    await h.restart()
    await expect.poll(() => purchaseStatus(neverSent.p.id), { timeout: 20_000 }).toBe('REFUNDED')
    await expect.poll(() => purchaseStatus(alreadyPaid.p.id), { timeout: 20_000 }).toBe('REFUNDED')
    worker('refunds').kick()
    // Each refund reached the wallet once: two refunds, two amounts.
    expect(balance(refundee.walletId) - before).toBe(2 * PRICE)
    const sent = h.svc.db
      .prepare(
        `SELECT count(*) AS n FROM ledger_entries WHERE type = 'REFUND_SENT' AND purchase_id IN (?, ?)`,
      )
      .get(neverSent.p.id, alreadyPaid.p.id) as { n: number }
    expect(sent.n).toBe(2)
    await ledgerClean()
  })
})
