/**
 * Collaborator revenue splits end to end (docs/splits.md), over real HTTP with devnet money: a listing
 * whose weighted zap tags name two collaborators with a Lightning address and one without, a guest
 * purchase paid over NWC, one DEVELOPER_NET leg and one payout per recipient, each paid leg arriving in
 * its devnet wallet after the service's payout worker runs, the developer's sales view showing the split
 * and the ledger check clean.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CreatePurchaseResponse, SalesResponse } from '@zapcade/shared/api/purchases'
import { splitFee, msat } from '@zapcade/shared/money'
import { eventually, sign } from './testing/service-harness.ts'
import {
  newKey,
  seedGame,
  setPayoutAddress,
  startPayments,
  type PaymentsHarness,
} from './testing/payments-harness.ts'

const PRICE = 2_100_000

describe('collaborator splits', () => {
  let h: PaymentsHarness
  const dev = newKey(),
    c1 = newKey(),
    c2 = newKey(),
    c3 = newKey()
  const wallets: Record<string, number> = {}

  beforeAll(async () => {
    h = await startPayments()
    const db = h.svc.db
    const gameId = seedGame(db, dev, 'coop', { priceMsat: PRICE, marketPubkey: h.marketPubkey })
    // The listing as the developer signs it and the indexer stores it: the market's zap tag first (it
    // routes the money and takes no share), then weighted collaborator tags as applesauce writes them.
    const listing = sign(dev, {
      kind: 32267,
      created_at: 1_700_000_000,
      content: '',
      tags: [
        ['d', 'coop'],
        ['name', 'Coop'],
        ['price', String(PRICE / 1000), 'SAT'],
        ['zap', h.marketPubkey, 'wss://relay.market.example', '1'],
        ['zap', dev.pubkey, 'wss://relay.damus.io', '3'],
        ['zap', c1.pubkey, 'wss://nos.lol', '2'],
        ['zap', c2.pubkey, '', '2'],
        ['zap', c3.pubkey, '', '1'],
      ],
    })
    db.prepare(
      `INSERT INTO raw_events (id, pubkey, kind, created_at, tags_json, content, sig, d_tag, state, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'coop', 'ACCEPTED', 1)`,
    ).run(
      listing.id,
      listing.pubkey,
      listing.kind,
      listing.created_at,
      JSON.stringify(listing.tags),
      listing.content,
      listing.sig,
    )
    db.prepare('UPDATE games SET event_id = ? WHERE id = ?').run(listing.id, gameId)
    // The developer's payout address; c1 and c2 carry a lud16 in their kind-0 (as the indexer stores
    // it in users.lud16); c3 has no profile, so their share accrues on their market balance.
    const devWallet = h.devnet.createWallet({ name: 'split-dev' })
    setPayoutAddress(db, dev, devWallet.lud16!)
    wallets[dev.pubkey] = devWallet.walletId
    for (const [k, name] of [
      [c1, 'split-c1'],
      [c2, 'split-c2'],
    ] as const) {
      const w = h.devnet.createWallet({ name })
      db.prepare('INSERT INTO users (pubkey, lud16, created_at) VALUES (?, ?, 1)').run(
        k.pubkey,
        w.lud16!,
      )
      wallets[k.pubkey] = w.walletId
    }
  })
  afterAll(async () => {
    await h?.stopAll()
  })

  it('a guest purchase is split by weight, each leg paid to its Lightning address, the remainder to the developer', async () => {
    const r = await h.call('/api/v1/purchases', {
      method: 'POST',
      body: JSON.stringify({ game: `${dev.pubkey}/coop` }),
    })
    expect(r.status).toBe(201)
    const p = (await r.json()) as CreatePurchaseResponse
    expect(p.receipt_code).toEqual(expect.any(String))
    expect((await h.buyerWallet.payInvoice(p.bolt11)).status).toBe('SUCCEEDED')

    // Weights 3:2:2:1 of the developer net; each share floored, the remainder to the developer.
    const { netMsat } = splitFee(msat(PRICE), h.svc.config.feeBps)
    const share = (w: number) => Math.floor((netMsat * w) / 8)
    const want = {
      [c1.pubkey]: share(2),
      [c2.pubkey]: share(2),
      [c3.pubkey]: share(1),
      [dev.pubkey]: netMsat - 2 * share(2) - share(1),
    }
    expect(Object.values(want).reduce((a, b) => a + b, 0)).toBe(netMsat)
    const legs = await eventually(async () => {
      const rows = h.svc.db
        .prepare(
          `SELECT u.pubkey, l.amount_msat FROM ledger_entries l JOIN users u ON u.id = l.developer_user_id
           WHERE l.purchase_id = ? AND l.type = 'DEVELOPER_NET' ORDER BY l.id`,
        )
        .all(p.id) as { pubkey: string; amount_msat: number }[]
      return rows.length > 0 && rows
    })
    expect(legs).toEqual([
      { pubkey: dev.pubkey, amount_msat: want[dev.pubkey] },
      { pubkey: c1.pubkey, amount_msat: want[c1.pubkey] },
      { pubkey: c2.pubkey, amount_msat: want[c2.pubkey] },
      { pubkey: c3.pubkey, amount_msat: want[c3.pubkey] },
    ])

    // One payout per recipient; the three with an address are SENT by the service's payout worker.
    const payouts = () =>
      h.svc.db
        .prepare(
          `SELECT u.pubkey, po.amount_msat, po.status, po.destination_ln_address AS dest, po.last_error
           FROM payouts po JOIN users u ON u.id = po.developer_user_id WHERE po.purchase_id = ?`,
        )
        .all(p.id) as {
        pubkey: string
        amount_msat: number
        status: string
        dest: string | null
        last_error: string | null
      }[]
    await eventually(async () => payouts().filter((x) => x.status === 'SENT').length === 3, 800)
    const byKey = new Map(payouts().map((x) => [x.pubkey, x]))
    expect(byKey.size).toBe(4)
    for (const k of [dev, c1, c2]) {
      expect(byKey.get(k.pubkey)).toMatchObject({ status: 'SENT', amount_msat: want[k.pubkey] })
      expect(h.devnet.node.balance(wallets[k.pubkey]!)).toBe(want[k.pubkey])
    }
    // No address: the leg waits on the collaborator's market balance until they set one.
    expect(byKey.get(c3.pubkey)).toMatchObject({ amount_msat: want[c3.pubkey], dest: null })
    expect(byKey.get(c3.pubkey)!.status).not.toBe('SENT')

    // The developer's sales view shows the split.
    const sales = (await (
      await h.call('/api/v1/developer/sales', { auth: dev })
    ).json()) as SalesResponse
    expect(sales.items).toEqual([
      expect.objectContaining({
        purchase_id: p.id,
        developer_net_msat: netMsat,
        split: legs.map((l) => ({ pubkey: l.pubkey, amount_msat: l.amount_msat })),
      }),
    ])
    // The collaborator sees their leg on their own ledger.
    const c1Ledger = await (await h.call('/api/v1/developer/ledger', { auth: c1 })).json()
    expect(JSON.stringify(c1Ledger)).toContain(String(want[c1.pubkey]))

    const check = await (await h.call('/api/v1/admin/ledger/check', { auth: h.admin })).json()
    expect(check).toMatchObject({ ok: true, violations: [] })
  }, 60_000)

  it('the ledger check reports a split whose legs do not add up to the developer net', () => {
    const db = h.svc.db
    const pid = (
      db.prepare(`SELECT id FROM purchases WHERE status = 'PAID'`).get() as { id: string }
    ).id
    const c1Id = (
      db.prepare('SELECT id FROM users WHERE pubkey = ?').get(c1.pubkey) as { id: number }
    ).id
    db.prepare(
      `INSERT INTO ledger_entries (purchase_id, developer_user_id, type, amount_msat, meta_json, idempotency_key, created_at)
       VALUES (?, ?, 'DEVELOPER_NET', 1, '{}', 'forged-leg', 1)`,
    ).run(pid, c1Id)
    return h
      .call('/api/v1/admin/ledger/check', { auth: h.admin })
      .then((r) => r.json())
      .then((c: { violations: { rule: string }[] }) =>
        expect(c.violations.map((v) => v.rule).sort()).toEqual(
          [
            'money-in-equals-net-fee-refunds',
            'net-legs-sum-to-net',
            'one-net-leg-per-recipient',
            'paid-equals-fee-plus-net',
          ].sort(),
        ),
      )
  })
})
