/**
 * Zap-to-own through the whole service (real HTTP, devnet NWC, the service's own payment listener): a
 * Damus-shaped zap to the developer's market-hosted address and an Amethyst-shaped zap to the market's,
 * each half the price, from one key → the library shows the progress, then the game; the ledger check
 * stays clean; the developer's sales list both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nip19 } from 'nostr-tools'
import { generateSecretKey, getPublicKey } from 'nostr-tools/pure'
import { CLIENT_ZAPS } from './domain/zap/testing/client-zap-shapes.ts'
import {
  newKey,
  seedGame,
  startPayments,
  type PaymentsHarness,
} from './testing/payments-harness.ts'

let h: PaymentsHarness
beforeAll(async () => {
  h = await startPayments()
}, 60_000)
afterAll(async () => {
  await h.stopAll()
})

const PRICE = 20_000

async function zapPaid(name: string, query: string): Promise<void> {
  const pay = (await (await fetch(`${h.svc.url}/.well-known/lnurlp/${name}`)).json()) as {
    callback: string
    nostrPubkey: string
  }
  expect(pay.nostrPubkey).toBe(h.marketPubkey)
  const res = await fetch(`${pay.callback.replace(h.svc.config.publicUrl, h.svc.url)}?${query}`)
  const body = (await res.json()) as { pr?: string; reason?: string }
  expect(body.reason).toBeUndefined()
  expect((await h.buyerWallet.payInvoice(body.pr!)).status).toBe('SUCCEEDED')
}

async function until<T>(f: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  const end = Date.now() + 15_000
  for (;;) {
    const v = await f()
    if (ok(v) || Date.now() > end) return v
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('zap-to-own through the service', () => {
  it('two half-price zaps from one key, from two clients to two addresses, own the game; the library shows progress first', async () => {
    const dev = newKey()
    seedGame(h.svc.db, dev, 'owl-pass', { priceMsat: PRICE, marketPubkey: h.marketPubkey })
    const listingId = 'f1'.repeat(32)
    h.svc.db
      .prepare(`INSERT INTO raw_events (id, pubkey, kind, created_at, tags_json, content, sig, d_tag, state, received_at)
      VALUES (?, ?, 32267, 1, '[["d","owl-pass"]]', '', ?, 'owl-pass', 'ACCEPTED', 1)`)
      .run(listingId, dev.pubkey, '0'.repeat(128))
    const event = { id: listingId, pubkey: dev.pubkey, kind: 32267, tags: [['d', 'owl-pass']] }
    const sk = generateSecretKey()
    const zapper = { sk, pubkey: getPublicKey(sk) }
    const library = async () =>
      (await h.call('/api/v1/me/library', { auth: zapper })).json() as Promise<{
        items: unknown[]
        zap_progress: unknown[]
      }>

    // Damus ignores the listing's zap tag: the developer's own lud16, which is their market-hosted address.
    const damus = CLIENT_ZAPS.damus({
      sk,
      recipientPubkey: dev.pubkey,
      target: { event },
      amountMsat: PRICE / 2,
      relays: [h.relay.url],
      comment: 'half',
      lnurl: '',
    })
    await zapPaid(nip19.npubEncode(dev.pubkey), damus.callbackQuery)
    const half = await until(library, (l) => l.zap_progress.length === 1)
    expect(half).toEqual({
      items: [],
      zap_progress: [
        {
          game: { pubkey: dev.pubkey, slug: 'owl-pass', title: 'Game owl-pass' },
          paid_msat: PRICE / 2,
          price_msat: PRICE,
        },
      ],
    })

    // Amethyst honours the zap tag: the market's address, p = the market.
    const lud16 = h.svc.config.lud16Name
    const amethyst = CLIENT_ZAPS.amethyst({
      sk,
      recipientPubkey: h.marketPubkey,
      target: { event },
      amountMsat: PRICE / 2,
      relays: [h.relay.url],
      comment: 'the other half',
      lnurl: '',
    })
    await zapPaid(lud16, amethyst.callbackQuery)
    const owned = await until(library, (l) => l.items.length === 1)
    expect(owned.items).toEqual([
      expect.objectContaining({ game: expect.objectContaining({ slug: 'owl-pass' }) }),
    ])
    expect(owned.zap_progress).toEqual([])

    const check = await (await h.call('/api/v1/admin/ledger/check', { auth: h.admin })).json()
    expect(check).toMatchObject({ ok: true, violations: [] })
    const sales = (await (await h.call('/api/v1/developer/sales', { auth: dev })).json()) as {
      items: { kind: string; amount_msat: number }[]
    }
    expect(sales.items.map((s) => [s.kind, s.amount_msat])).toEqual([
      ['ZAP', PRICE / 2],
      ['ZAP', PRICE / 2],
    ])
    // The receipts reached the relays the zap requests named, signed by the market.
    const receipts = await until(
      () => h.query({ kinds: [9735], '#P': [zapper.pubkey] }),
      (r) => r.length === 2,
    )
    expect(receipts.map((r) => r.pubkey)).toEqual([h.marketPubkey, h.marketPubkey])
  })

  it('during a sale, a zap of the sale price owns the game (the zap counts toward the price of its invoice)', async () => {
    const dev = newKey()
    seedGame(h.svc.db, dev, 'sale-pass', { priceMsat: PRICE, marketPubkey: h.marketPubkey })
    const now = Math.floor(Date.now() / 1000)
    const sale = await h.call('/api/v1/developer/games/sale-pass/sales', {
      method: 'POST',
      body: JSON.stringify({ percent_off: 50, starts_at: now - 10, ends_at: now + 3600 }),
      auth: dev,
    })
    expect(sale.status).toBe(201)
    const sk = generateSecretKey()
    const zapper = { sk, pubkey: getPublicKey(sk) }
    const zap = CLIENT_ZAPS.amethyst({
      sk,
      recipientPubkey: h.marketPubkey,
      target: {
        event: { id: 'f2'.repeat(32), pubkey: dev.pubkey, kind: 32267, tags: [['d', 'sale-pass']] },
      },
      amountMsat: PRICE / 2,
      relays: [h.relay.url],
      comment: 'on sale',
      lnurl: '',
    })
    await zapPaid(h.svc.config.lud16Name, zap.callbackQuery)
    const library = async () =>
      (await h.call('/api/v1/me/library', { auth: zapper })).json() as Promise<{
        items: { game: { slug: string } }[]
        zap_progress: unknown[]
      }>
    const owned = await until(library, (l) => l.items.length === 1)
    expect(owned.items.map((i) => i.game.slug)).toEqual(['sale-pass'])
    expect(owned.zap_progress).toEqual([])
    const check = await (await h.call('/api/v1/admin/ledger/check', { auth: h.admin })).json()
    expect(check).toMatchObject({ ok: true, violations: [] })
  })
})
