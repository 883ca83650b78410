/**
 * Download keys, gifts, sales and discount codes over real HTTP, with checkouts paid by the devnet
 * buyer wallet over NWC: keys minted (JSON and CSV), redeemed once (a race of two: one wins),
 * revoked before redemption, redeemed by a guest and claimed; a gift entitles its recipient, not the
 * buyer, and a NIP-17 message reaches the relay that only the recipient's key opens; a sale shows on
 * the game page and lowers checkout's price (pay what you want respects it), a code's max_uses holds
 * under concurrent checkouts, and the ledger's INVOICE_CREATED meta records list price, discount and
 * code. The admin ledger check stays clean.
 */
import { unwrapEvent } from 'nostr-tools/nip17'
import { nip19 } from 'nostr-tools'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MintKeysResponse, RedeemKeyResponse } from '@zapcade/shared/api/keys'
import type { CreatePurchaseResponse, LibraryResponse } from '@zapcade/shared/api/purchases'
import type { PriceBreakdown } from '@zapcade/shared/api/sales'
import type { NostrEvent } from '@zapcade/shared/events/event'
import {
  newKey,
  seedGame,
  setPayoutAddress,
  startPayments,
  type Key,
  type PaymentsHarness,
} from '../testing/payments-harness.ts'
import { eventually } from '../testing/service-harness.ts'

const PRICE = 50_000

describe('keys, gifts, sales and codes', { timeout: 120_000 }, () => {
  let h: PaymentsHarness, dev: Key
  let n = 0
  const call = (
    path: string,
    o: { method?: string; body?: unknown; key?: Key; headers?: Record<string, string> } = {},
  ) =>
    h.call(path, {
      method: o.method ?? (o.body !== undefined ? 'POST' : 'GET'),
      ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
      ...(o.headers ? { headers: o.headers } : {}),
      ...(o.key ? { auth: { key: o.key, createdAtOffsetSec: -(n++ % 50) } } : {}),
    })
  const paid = async (p: CreatePurchaseResponse, key?: Key): Promise<void> => {
    expect((await h.buyerWallet.payInvoice(p.bolt11)).status).toBe('SUCCEEDED')
    await eventually(async () => {
      const r = await call(
        `/api/v1/purchases/${p.id}`,
        key ? { key } : { headers: { 'x-receipt-code': p.receipt_code! } },
      )
      return ((await r.json()) as { status: string }).status === 'PAID'
    }, 200)
  }
  const library = async (key: Key): Promise<LibraryResponse> =>
    (await (await call('/api/v1/me/library', { key })).json()) as LibraryResponse
  const ledgerClean = async (): Promise<void> => {
    const r = await call('/api/v1/admin/ledger/check', { key: h.admin })
    const body = (await r.json()) as { ok: boolean; violations: unknown[] }
    expect(body.violations).toEqual([])
    expect(body.ok).toBe(true)
  }

  beforeAll(async () => {
    h = await startPayments()
    dev = newKey()
    for (const slug of ['keyed', 'gifted', 'onsale', 'coded'])
      seedGame(h.svc.db, dev, slug, { priceMsat: PRICE, marketPubkey: h.marketPubkey })
    setPayoutAddress(h.svc.db, dev, h.devnet.developer.lud16)
  }, 120_000)
  afterAll(async () => {
    await h?.stopAll()
  })

  it('mints keys as JSON and CSV, for the game’s developer only, 1 to 10,000', async () => {
    const r = await call(`/api/v1/developer/games/keyed/keys`, { body: { count: 3 }, key: dev })
    expect(r.status).toBe(201)
    const m = (await r.json()) as MintKeysResponse
    expect(m.keys).toHaveLength(3)
    expect(new Set(m.keys).size).toBe(3)
    for (const k of m.keys)
      expect(k).toMatch(/^ZK-[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){7}$/)
    // Stored hashed: no key text in the database.
    const stored = h.svc.db.prepare('SELECT key_hash FROM download_keys').all() as {
      key_hash: string
    }[]
    expect(stored.map((s) => s.key_hash).some((x) => m.keys.includes(x))).toBe(false)

    const csv = await call(`/api/v1/developer/games/keyed/keys`, {
      body: { count: 2 },
      key: dev,
      headers: { accept: 'text/csv' },
    })
    expect(csv.status).toBe(201)
    expect(csv.headers.get('content-type')).toContain('text/csv')
    const lines = (await csv.text()).trim().split('\n')
    expect(lines[0]).toBe('key')
    expect(lines.slice(1)).toHaveLength(2)

    const other = await call(`/api/v1/developer/games/keyed/keys`, {
      body: { count: 1 },
      key: newKey(),
    })
    expect(other.status).toBe(404)
    const tooMany = await call(`/api/v1/developer/games/keyed/keys`, {
      body: { count: 10_001 },
      key: dev,
    })
    expect(tooMany.status).toBe(400)
    expect(tooMany.headers.get('content-type')).toContain('application/problem+json')
  })

  it('redeems a key once: two concurrent redemptions, one wins; the signer owns the game (origin key)', async () => {
    const m = (await (
      await call(`/api/v1/developer/games/keyed/keys`, { body: { count: 1 }, key: dev })
    ).json()) as MintKeysResponse
    const a = newKey(),
      b = newKey()
    const [ra, rb] = await Promise.all([
      call('/api/v1/keys/redeem', { body: { key: m.keys[0] }, key: a }),
      call('/api/v1/keys/redeem', { body: { key: m.keys[0] }, key: b }),
    ])
    expect([ra.status, rb.status].sort()).toEqual([201, 409])
    const winner = ra.status === 201 ? a : b
    const loser = ra.status === 201 ? rb : ra
    expect(((await loser.json()) as { code: string }).code).toBe('KEY_REDEEMED')
    const again = await call('/api/v1/keys/redeem', {
      body: { key: m.keys[0]!.toLowerCase() },
      key: winner,
    })
    expect(again.status).toBe(200)
    const lib = await library(winner)
    expect(lib.items.map((i) => [i.game.slug, i.origin, i.purchase_id])).toEqual([
      ['keyed', 'key', null],
    ])
    const owns = await call(`/api/v1/entitlements/check?game=${dev.pubkey}/keyed`, { key: winner })
    expect(((await owns.json()) as { owned: boolean }).owned).toBe(true)
    // Comp keys move no money: nothing in the ledger.
    expect(
      h.svc.db
        .prepare(
          'SELECT count(*) AS n FROM ledger_entries WHERE purchase_id IS NULL AND payout_id IS NULL',
        )
        .get(),
    ).toEqual({ n: 0 })
    await ledgerClean()
  })

  it('revokes an unredeemed key (redeeming it then fails), not a redeemed one', async () => {
    const m = (await (
      await call(`/api/v1/developer/games/keyed/keys`, { body: { count: 2 }, key: dev })
    ).json()) as MintKeysResponse
    const [k1, k2] = m.keys as [string, string]
    const rv = await call(`/api/v1/developer/keys/${k1}/revoke`, { method: 'POST', key: dev })
    expect(rv.status).toBe(200)
    expect(
      await call(`/api/v1/developer/keys/${k1}/revoke`, { method: 'POST', key: newKey() }),
    ).toHaveProperty('status', 404)
    const r = await call('/api/v1/keys/redeem', { body: { key: k1 }, key: newKey() })
    expect(r.status).toBe(409)
    expect(((await r.json()) as { code: string }).code).toBe('KEY_REVOKED')
    expect((await call('/api/v1/keys/redeem', { body: { key: k2 }, key: newKey() })).status).toBe(
      201,
    )
    const late = await call(`/api/v1/developer/keys/${k2}/revoke`, { method: 'POST', key: dev })
    expect(late.status).toBe(409)
    expect(((await late.json()) as { code: string }).code).toBe('KEY_REDEEMED')
    const unknown = await call('/api/v1/keys/redeem', {
      body: { key: 'ZK-0000-0000-0000-0000' },
      key: newKey(),
    })
    expect(unknown.status).toBe(404)
    const stats = await (await call('/api/v1/developer/games/keyed/keys', { key: dev })).json()
    expect(stats).toMatchObject({ revoked: 1 })
  })

  it('a guest redeems with no NIP-98 and gets a receipt code, claimed later into a key', async () => {
    const m = (await (
      await call(`/api/v1/developer/games/keyed/keys`, { body: { count: 1 }, key: dev })
    ).json()) as MintKeysResponse
    const g = await call('/api/v1/keys/redeem', { body: { key: m.keys[0] } })
    expect(g.status).toBe(201)
    const body = (await g.json()) as RedeemKeyResponse
    expect(body.owner_pubkey).toBeNull()
    expect(body.receipt_code).toMatch(/^ZC-/)
    const later = newKey()
    const c = await call('/api/v1/keys/claim', {
      body: { receipt_code: body.receipt_code },
      key: later,
    })
    expect(c.status).toBe(200)
    expect((await library(later)).items.map((i) => i.entitlement_id)).toEqual([body.entitlement_id])
    const thief = await call('/api/v1/keys/claim', {
      body: { receipt_code: body.receipt_code },
      key: newKey(),
    })
    expect(thief.status).toBe(409)
  })

  it('a gift entitles its recipient (npub), not the buyer, and a NIP-17 message opens with their key only', async () => {
    const buyer = newKey(),
      friend = newKey()
    const r = await call('/api/v1/purchases', {
      body: {
        game: `${dev.pubkey}/gifted`,
        gift_to: nip19.npubEncode(friend.pubkey),
        gift_message: 'enjoy!',
      },
      key: buyer,
    })
    expect(r.status).toBe(201)
    const p = (await r.json()) as CreatePurchaseResponse
    expect(p.gift_to).toBe(friend.pubkey)
    await paid(p, buyer)
    expect((await library(buyer)).items).toEqual([])
    const lib = await library(friend)
    expect(lib.items.map((i) => [i.game.slug, i.origin, i.purchase_id])).toEqual([
      ['gifted', 'gift', p.id],
    ])

    const wraps = await eventually(async () => {
      const evs = (await h.query({ kinds: [1059], '#p': [friend.pubkey] })) as NostrEvent[]
      return evs.length > 0 ? evs : undefined
    }, 100)
    const rumor = unwrapEvent(wraps[0] as never, friend.sk)
    expect(rumor.kind).toBe(14)
    expect(rumor.pubkey).toBe(h.marketPubkey)
    expect(rumor.tags).toContainEqual(['p', friend.pubkey])
    expect(rumor.content).toContain('enjoy!')
    expect(rumor.content).toContain(`/game/${dev.pubkey}/gifted`)
    expect(() => unwrapEvent(wraps[0] as never, buyer.sk)).toThrow()

    const bad = await call('/api/v1/purchases', {
      body: { game: `${dev.pubkey}/gifted`, gift_to: 'npub1nope'.padEnd(64, 'x') },
      key: buyer,
    })
    expect(bad.status).toBe(400)
    await ledgerClean()
  })

  it('a running sale shows on the game page and lowers checkout’s price; pay what you want respects it', async () => {
    const now = Math.floor(Date.now() / 1000)
    const s = await call('/api/v1/developer/games/onsale/sales', {
      body: { percent_off: 40, starts_at: now - 10, ends_at: now + 3600 },
      key: dev,
    })
    expect(s.status).toBe(201)
    const later = await call('/api/v1/developer/games/onsale/sales', {
      body: { percent_off: 90, starts_at: now + 7200, ends_at: now + 9000 },
      key: dev,
    })
    expect(later.status).toBe(201)
    const page = (await (await call(`/api/v1/games/${dev.pubkey}/onsale`)).json()) as {
      price_msat: number
      sale?: { percent_off: number; list_price_msat: number; sale_price_msat: number }
    }
    expect(page.sale).toMatchObject({
      percent_off: 40,
      list_price_msat: PRICE,
      sale_price_msat: 30_000,
    })
    expect(page.price_msat).toBe(PRICE)

    const low = await call('/api/v1/purchases', {
      body: { game: `${dev.pubkey}/onsale`, amount_msat: 29_000 },
      key: newKey(),
    })
    expect(low.status).toBe(422)
    expect(((await low.json()) as { code: string }).code).toBe('AMOUNT_TOO_LOW')
    const buyer = newKey()
    const r = await call('/api/v1/purchases', {
      body: { game: `${dev.pubkey}/onsale` },
      key: buyer,
    })
    const p = (await r.json()) as CreatePurchaseResponse & { price: PriceBreakdown }
    expect(p.amount_msat).toBe(30_000)
    expect(p.price).toMatchObject({
      list_price_msat: PRICE,
      discount_msat: 20_000,
      final_price_msat: 30_000,
    })
    await paid(p, buyer)
    const meta = JSON.parse(
      (
        h.svc.db
          .prepare(
            "SELECT meta_json FROM ledger_entries WHERE purchase_id = ? AND type = 'INVOICE_CREATED'",
          )
          .get(p.id) as { meta_json: string }
      ).meta_json,
    )
    expect(meta).toMatchObject({
      list_price_msat: PRICE,
      discount_msat: 20_000,
      price_msat: 30_000,
      sale_percent_off: 40,
      discount_code: null,
    })
    await ledgerClean()
  })

  it('a code stacks on the price, records itself in the ledger meta, and holds max_uses under concurrent checkouts', async () => {
    const c = await call('/api/v1/developer/games/coded/codes', {
      body: { code: 'launch-10', amount_off_msat: 10_000, max_uses: 2 },
      key: dev,
    })
    expect(c.status).toBe(201)
    const dup = await call('/api/v1/developer/games/coded/codes', {
      body: { code: 'LAUNCH-10', percent_off: 5, max_uses: 1 },
      key: dev,
    })
    expect(dup.status).toBe(409)
    const quote = (await (
      await call(`/api/v1/games/${dev.pubkey}/coded/price?code=launch-10`)
    ).json()) as PriceBreakdown
    expect(quote).toMatchObject({ final_price_msat: 40_000, discount_code: 'LAUNCH-10' })
    const wrong = await call('/api/v1/purchases', {
      body: { game: `${dev.pubkey}/coded`, discount_code: 'NOPE' },
      key: newKey(),
    })
    expect(((await wrong.json()) as { code: string }).code).toBe('DISCOUNT_CODE_INVALID')

    const buyers = Array.from({ length: 5 }, () => newKey())
    const answers = await Promise.all(
      buyers.map((b) =>
        call('/api/v1/purchases', {
          body: { game: `${dev.pubkey}/coded`, discount_code: 'launch-10' },
          key: b,
        }),
      ),
    )
    const statuses = answers.map((a) => a.status).sort()
    expect(statuses).toEqual([201, 201, 409, 409, 409])
    const won = answers.findIndex((a) => a.status === 201)
    const p = (await answers[won]!.json()) as CreatePurchaseResponse
    expect(p.amount_msat).toBe(40_000)
    await paid(p, buyers[won])
    const meta = JSON.parse(
      (
        h.svc.db
          .prepare(
            "SELECT meta_json FROM ledger_entries WHERE purchase_id = ? AND type = 'INVOICE_CREATED'",
          )
          .get(p.id) as { meta_json: string }
      ).meta_json,
    )
    expect(meta).toMatchObject({
      list_price_msat: PRICE,
      discount_msat: 10_000,
      discount_code: 'LAUNCH-10',
    })
    const codes = (await (
      await call('/api/v1/developer/games/coded/codes', { key: dev })
    ).json()) as { items: { uses: number }[] }
    expect(codes.items[0]!.uses).toBe(2)
    await ledgerClean()
  })
})
