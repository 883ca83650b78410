import { createHash, randomUUID } from 'node:crypto'
import { SimplePool, useWebSocketImplementation } from 'nostr-tools/pool'
import { verifyEvent } from 'nostr-tools/pure'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { NostrEvent } from '@zapcade/shared/events/event'
import { parseZapReceipt } from '@zapcade/shared/events/zap-receipt'
import { decodeInvoice } from '../adapters/lnurl/decode-invoice.ts'
import { poolRelayPublisher } from '../adapters/nostr/relay-publisher.ts'
import { sqliteOutboxRepo } from '../adapters/sqlite/outbox-repo.ts'
import { sqlitePurchaseRepo } from '../adapters/sqlite/purchase-repo.ts'
import { processDueJobs } from '../domain/outbox/outbox.ts'
import { settlePayment } from '../domain/settlement/settle.ts'
import { zapReceiptHandler } from '../domain/zap/zap-receipt-job.ts'
import {
  LNURL_NAME,
  callback,
  newBuyer,
  seedGame,
  signedZapRequest,
  startZapWorld,
  type ZapWorld,
} from '../domain/zap/testing/zap-world.ts'

useWebSocketImplementation(WebSocket)

let w: ZapWorld
let game: string
beforeAll(async () => {
  w = await startZapWorld()
  game = seedGame(w, 'space-goats', { priceSats: 10 })
})
afterAll(async () => {
  await w.stop()
})

const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex')
const purchaseCount = (): number =>
  (w.db.prepare('SELECT count(*) AS n FROM purchases').get() as { n: number }).n
type PurchaseRow = {
  id: string
  kind: string
  is_tip: number
  status: string
  zap_request: string
  game_id: number | null
  buyer_user_id: number
  invoice_id: string
  paid_at: number | null
}
const purchaseByHash = (hash: string): PurchaseRow =>
  w.db.prepare('SELECT * FROM purchases WHERE invoice_id = ?').get(hash) as PurchaseRow

/** Pay `pr` from the devnet buyer wallet and settle as the notification or the poller would. */
async function payAndSettle(pr: string): Promise<{ hash: string; settledAtSec: number }> {
  const hash = decodeInvoice(pr).paymentHash
  await w.devnet.control.payInvoice('buyer', pr)
  const st = await w.wallet.lookupInvoice(hash)
  expect(st?.state).toBe('SETTLED')
  const out = await settlePayment(
    {
      repo: sqlitePurchaseRepo(w.db),
      newId: randomUUID,
      nowSec: () => Math.floor(Date.now() / 1000),
    },
    hash,
    { preimage: st!.preimage!, settledAtSec: st!.settledAtSec! },
  )
  expect(out.outcome).toBe('SETTLED')
  return { hash, settledAtSec: st!.settledAtSec! }
}

async function publishReceipts(): Promise<void> {
  const publisher = poolRelayPublisher({ relays: [w.marketRelay.url] })
  try {
    const out = await processDueJobs({
      repo: sqliteOutboxRepo(w.db),
      handlers: {
        PUBLISH_ZAP_RECEIPT: zapReceiptHandler({
          purchases: sqlitePurchaseRepo(w.db),
          signer: w.signer,
        }),
      },
      publisher,
      configuredRelays: [w.marketRelay.url],
      nowSec: () => Math.floor(Date.now() / 1000),
      random: () => 0.5,
    })
    expect(out.map((o) => [o.type, o.status, o.error])).toEqual(
      out.map((o) => [o.type, 'DONE', undefined]),
    )
  } finally {
    await publisher.close()
  }
}

async function receiptsOn(relay: string, filter: Record<string, unknown>): Promise<NostrEvent[]> {
  const pool = new SimplePool()
  try {
    return (await pool.querySync([relay], { kinds: [9735], ...filter } as never, {
      maxWait: 3000,
    })) as NostrEvent[]
  } finally {
    pool.destroy()
  }
}

describe('LNURL pay request of the market (LUD-06/16, NIP-57)', () => {
  it('answers the configured name with allowsNostr, the zapper pubkey, bounds, metadata and a comment limit', async () => {
    const res = await fetch(`${w.served.url}/.well-known/lnurlp/${LNURL_NAME}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    const body = (await res.json()) as Record<string, unknown>
    expect(body).toEqual({
      callback: w.config.callbackUrl,
      minSendable: 1000,
      maxSendable: 1_000_000_000,
      tag: 'payRequest',
      allowsNostr: true,
      nostrPubkey: w.signer.pubkey,
      commentAllowed: 280,
      metadata: expect.any(String),
    })
    const meta = JSON.parse(body.metadata as string) as string[][]
    expect(meta).toContainEqual(['text/identifier', `${LNURL_NAME}@${new URL(w.served.url).host}`])
    expect(meta.filter((m) => m[0] === 'text/plain')).toHaveLength(1)
  })

  it('answers any other name with a LUD-06 error', async () => {
    const res = await fetch(`${w.served.url}/.well-known/lnurlp/someone-else`)
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({
      status: 'ERROR',
      reason: 'unknown lightning address',
      code: 'NOT_FOUND',
    })
  })
})

describe('zap request checks (NIP-57 Appendix D plus the market rules): refused with a LUD-06 error and nothing recorded', () => {
  const buyer = newBuyer()
  const ok = (tags: string[][]) => tags
  const cases: {
    name: string
    amount?: number | string
    nostr: () => string | undefined
    code: string
    reason: RegExp
  }[] = [
    {
      name: 'a bad signature',
      code: 'INVALID_EVENT',
      reason: /^sig: /,
      nostr: () =>
        JSON.stringify({
          ...signedZapRequest(w, buyer.sk, { amountMsat: 10_000, coordinate: game }),
          content: 'tampered',
        }),
    },
    {
      name: 'no tags',
      code: 'INVALID_EVENT',
      reason: /^tags: /,
      nostr: () => JSON.stringify(signedZapRequest(w, buyer.sk, { amountMsat: 10_000 }, () => [])),
    },
    {
      name: 'no p tag',
      code: 'INVALID_EVENT',
      reason: /^p: exactly one p tag required, got 0/,
      nostr: () =>
        JSON.stringify(
          signedZapRequest(w, buyer.sk, { amountMsat: 10_000, coordinate: game }, (t) =>
            t.filter((x) => x[0] !== 'p'),
          ),
        ),
    },
    {
      name: 'two p tags',
      code: 'INVALID_EVENT',
      reason: /^p: exactly one p tag required, got 2/,
      nostr: () =>
        JSON.stringify(
          signedZapRequest(w, buyer.sk, { amountMsat: 10_000, coordinate: game }, (t) => [
            ...t,
            ['p', w.developer.pubkey],
          ]),
        ),
    },
    {
      name: 'two e tags',
      code: 'INVALID_EVENT',
      reason: /^e: at most one e tag/,
      nostr: () =>
        JSON.stringify(
          signedZapRequest(
            w,
            buyer.sk,
            { amountMsat: 10_000, coordinate: game, targetEventId: 'a'.repeat(64) },
            (t) => [...t, ['e', 'b'.repeat(64)]],
          ),
        ),
    },
    {
      name: 'a p that is neither the market nor the game developer',
      code: 'INVALID_EVENT',
      reason: /^p: must be the market pubkey or the zapped game's developer/,
      nostr: () =>
        JSON.stringify(
          signedZapRequest(w, buyer.sk, {
            amountMsat: 10_000,
            coordinate: game,
            recipientPubkey: newBuyer().pubkey,
          }),
        ),
    },
    {
      name: 'an amount tag that differs from the query',
      code: 'INVALID_EVENT',
      reason: /^amount: tag must equal the amount query/,
      amount: 11_000,
      nostr: () =>
        JSON.stringify(signedZapRequest(w, buyer.sk, { amountMsat: 10_000, coordinate: game })),
    },
    {
      name: 'two P tags',
      code: 'INVALID_EVENT',
      reason: /^P: at most one P tag/,
      nostr: () =>
        JSON.stringify(
          signedZapRequest(w, buyer.sk, { amountMsat: 10_000, coordinate: game }, (t) => [
            ...t,
            ['P', buyer.pubkey],
            ['P', w.developer.pubkey],
          ]),
        ),
    },
    {
      name: 'an amount query that is not an integer',
      code: 'VALIDATION_FAILED',
      reason: /^amount: a positive integer/,
      amount: '10000.5',
      nostr: () =>
        JSON.stringify(signedZapRequest(w, buyer.sk, { amountMsat: 10_000, coordinate: game })),
    },
    {
      name: 'a kind other than 9734',
      code: 'INVALID_EVENT',
      reason: /^kind: expected 9734/,
      nostr: () =>
        JSON.stringify(
          signedZapRequest(w, buyer.sk, { amountMsat: 10_000, coordinate: game }, ok, 1),
        ),
    },
    {
      name: 'a nostr value that is not JSON',
      code: 'INVALID_EVENT',
      reason: /^nostr: not JSON/,
      nostr: () => '{"kind":9734',
    },
    {
      name: 'no nostr parameter',
      code: 'INVALID_EVENT',
      reason: /^nostr: a zap request/,
      nostr: () => undefined,
    },
    {
      name: 'an amount below minSendable (ZAP-5)',
      code: 'VALIDATION_FAILED',
      reason: /^amount: must be between 1000/,
      amount: 999,
      nostr: () =>
        JSON.stringify(signedZapRequest(w, buyer.sk, { amountMsat: 999, coordinate: game })),
    },
    {
      name: 'an amount above maxSendable (ZAP-5)',
      code: 'VALIDATION_FAILED',
      reason: /^amount: must be between 1000 and 1000000000/,
      amount: 1_000_000_001,
      nostr: () =>
        JSON.stringify(
          signedZapRequest(w, buyer.sk, { amountMsat: 1_000_000_001, coordinate: game }),
        ),
    },
    {
      name: 'a comment longer than commentAllowed (ZAP-5)',
      code: 'INVALID_EVENT',
      reason: /^content: comment longer than 280/,
      nostr: () =>
        JSON.stringify(
          signedZapRequest(w, buyer.sk, {
            amountMsat: 10_000,
            coordinate: game,
            comment: 'x'.repeat(281),
          }),
        ),
    },
    {
      name: 'an a that is not a game coordinate',
      code: 'GAME_NOT_PURCHASABLE',
      reason: /^a: not a game coordinate/,
      nostr: () =>
        JSON.stringify(
          signedZapRequest(w, buyer.sk, {
            amountMsat: 10_000,
            coordinate: `30023:${w.developer.pubkey}:post`,
          }),
        ),
    },
    {
      name: 'a game that does not exist',
      code: 'GAME_NOT_PURCHASABLE',
      reason: /^a: no such game/,
      nostr: () =>
        JSON.stringify(
          signedZapRequest(w, buyer.sk, {
            amountMsat: 10_000,
            coordinate: `32267:${w.developer.pubkey}:nope`,
          }),
        ),
    },
    {
      name: 'a banned game',
      code: 'GAME_NOT_PURCHASABLE',
      reason: /banned/,
      nostr: () =>
        JSON.stringify(
          signedZapRequest(w, buyer.sk, {
            amountMsat: 10_000,
            coordinate: seedGame(w, `banned-${randomUUID().slice(0, 8)}`, { status: 'BANNED' }),
          }),
        ),
    },
    {
      name: 'a draft game',
      code: 'GAME_NOT_PURCHASABLE',
      reason: /draft/,
      nostr: () =>
        JSON.stringify(
          signedZapRequest(w, buyer.sk, {
            amountMsat: 10_000,
            coordinate: seedGame(w, `draft-${randomUUID().slice(0, 8)}`, { status: 'DRAFT' }),
          }),
        ),
    },
    {
      name: 'a deleted game',
      code: 'GAME_NOT_PURCHASABLE',
      reason: /deleted/,
      nostr: () =>
        JSON.stringify(
          signedZapRequest(w, buyer.sk, {
            amountMsat: 10_000,
            coordinate: seedGame(w, `gone-${randomUUID().slice(0, 8)}`, { deleted: true }),
          }),
        ),
    },
    {
      name: 'a game whose zap tag names another market',
      code: 'GAME_NOT_PURCHASABLE',
      reason: /zap tag/,
      nostr: () =>
        JSON.stringify(
          signedZapRequest(w, buyer.sk, {
            amountMsat: 10_000,
            coordinate: seedGame(w, `elsewhere-${randomUUID().slice(0, 8)}`, {
              zapPubkey: w.developer.pubkey,
            }),
          }),
        ),
    },
  ]
  for (const c of cases) {
    it(`refuses ${c.name}`, async () => {
      const before = purchaseCount()
      const r = await callback(w, c.amount ?? 10_000, c.nostr())
      expect(r.status).toBe(400)
      expect(r.body).toMatchObject({ status: 'ERROR', code: c.code })
      expect(r.body.reason).toMatch(c.reason)
      expect(r.body.pr).toBeUndefined()
      expect(purchaseCount()).toBe(before)
    })
  }
})

describe('zap invoices, purchases, tips and receipts', () => {
  it('commits the invoice to sha256 of the zap request exactly as received (odd whitespace, key order and a "+")', async () => {
    const buyer = newBuyer()
    const ev = signedZapRequest(w, buyer.sk, {
      amountMsat: 10_000,
      coordinate: game,
      comment: '1+1 = 2 \u2603',
    })
    const raw = `{ "tags" :${JSON.stringify(ev.tags, null, 1)},\n  "content": ${JSON.stringify(ev.content)}, "sig":"${ev.sig}",\t"kind": 9734,\n"pubkey":"${ev.pubkey}", "created_at":${ev.created_at}, "id":"${ev.id}"  }`
    expect(sha256(raw)).not.toBe(sha256(JSON.stringify(ev)))
    const r = await callback(w, 10_000, raw)
    expect(r.status).toBe(200)
    expect(r.body.routes).toEqual([])
    const inv = decodeInvoice(r.body.pr as string)
    expect(inv.descriptionHash).toBe(sha256(raw))
    expect(inv.amountMsat).toBe(10_000)
    const p = purchaseByHash(inv.paymentHash)
    expect(p).toMatchObject({ kind: 'ZAP', is_tip: 0, status: 'PENDING', zap_request: raw })
    const buyerRow = w.db.prepare('SELECT pubkey FROM users WHERE id = ?').get(p.buyer_user_id) as {
      pubkey: string
    }
    expect(buyerRow.pubkey).toBe(buyer.pubkey)
    const ledger = w.db
      .prepare('SELECT type, amount_msat FROM ledger_entries WHERE purchase_id = ?')
      .all(p.id)
    expect(ledger).toEqual([{ type: 'INVOICE_CREATED', amount_msat: 10_000 }])
  })

  it('a zap at the price entitles the sender; after settlement the signed 9735 receipt is on the request relays and the market relay', async () => {
    const buyer = newBuyer()
    const ev = signedZapRequest(w, buyer.sk, {
      amountMsat: 12_000,
      coordinate: game,
      targetEventId: 'e'.repeat(64),
      comment: 'take my sats',
    })
    const raw = JSON.stringify(ev)
    const r = await callback(w, 12_000, raw)
    expect(r.status).toBe(200)
    const pr = r.body.pr as string
    const hash = decodeInvoice(pr).paymentHash
    // ZAP-3: nothing is published before settlement.
    expect(await receiptsOn(w.marketRelay.url, { '#P': [buyer.pubkey] })).toEqual([])

    const { settledAtSec } = await payAndSettle(pr)
    const p = purchaseByHash(hash)
    expect(p).toMatchObject({ status: 'PAID', is_tip: 0, paid_at: settledAtSec })
    expect(
      w.db.prepare('SELECT user_id FROM entitlements WHERE purchase_id = ?').get(p.id),
    ).toEqual({ user_id: p.buyer_user_id })
    await publishReceipts()

    for (const relay of [w.buyerRelay.url, w.marketRelay.url]) {
      const found = await receiptsOn(relay, { '#a': [game], '#P': [buyer.pubkey] })
      expect(found).toHaveLength(1)
      const receipt = found[0]!
      expect(verifyEvent({ ...receipt })).toBe(true)
      expect(receipt.pubkey).toBe(w.signer.pubkey)
      expect(receipt.created_at).toBe(settledAtSec)
      const parsed = parseZapReceipt(receipt)
      if (!parsed.ok) throw new Error(parsed.reason)
      expect(parsed.value).toMatchObject({
        recipientPubkey: w.signer.pubkey,
        senderPubkey: buyer.pubkey,
        coordinate: game,
        targetEventId: 'e'.repeat(64),
        targetKind: 32267,
        bolt11: pr,
        description: raw,
      })
      expect(
        createHash('sha256').update(Buffer.from(parsed.value.preimage!, 'hex')).digest('hex'),
      ).toBe(hash)
      expect(decodeInvoice(parsed.value.bolt11).descriptionHash).toBe(
        sha256(parsed.value.description),
      )
    }
  })

  it('a retried callback with the same zap request and amount gets the same invoice, and one purchase', async () => {
    const raw = JSON.stringify(
      signedZapRequest(w, newBuyer().sk, { amountMsat: 10_000, coordinate: game }),
    )
    const before = purchaseCount()
    const a = await callback(w, 10_000, raw)
    const b = await callback(w, 10_000, raw)
    expect(a.status).toBe(200)
    expect(b.body.pr).toBe(a.body.pr)
    expect(purchaseCount()).toBe(before + 1)
  })

  for (const status of ['UNLISTED', 'FEATURED'] as const) {
    it(`a zap above the price of a ${status} game is a purchase (not a tip)`, async () => {
      const coordinate = seedGame(w, `${status.toLowerCase()}-${randomUUID().slice(0, 8)}`, {
        status,
        priceSats: 5,
      })
      const ev = signedZapRequest(w, newBuyer().sk, { amountMsat: 7_000, coordinate })
      const r = await callback(w, 7_000, JSON.stringify(ev))
      expect(r.status).toBe(200)
      expect(purchaseByHash(decodeInvoice(r.body.pr as string).paymentHash)).toMatchObject({
        kind: 'ZAP',
        is_tip: 0,
        status: 'PENDING',
      })
    })
  }

  const tipCases: {
    name: string
    amountMsat: number
    withGame: boolean
    anon: boolean
    tip: boolean
  }[] = [
    // Below the price a zap counts toward owning the game (zaps from one key add up); alone it entitles nobody.
    { name: 'a zap below the price', amountMsat: 9_000, withGame: true, anon: false, tip: false },
    {
      name: 'an anonymous zap at the price',
      amountMsat: 10_000,
      withGame: true,
      anon: true,
      tip: true,
    },
    { name: 'a zap without an a tag', amountMsat: 50_000, withGame: false, anon: false, tip: true },
  ]
  for (const t of tipCases) {
    it(`${t.name} entitles nobody: booked in the ledger on settlement, still a receipt`, async () => {
      const buyer = newBuyer()
      const ev = signedZapRequest(
        w,
        buyer.sk,
        { amountMsat: t.amountMsat, ...(t.withGame ? { coordinate: game } : {}) },
        (tags) => (t.anon ? [...tags, ['anon']] : tags),
      )
      const r = await callback(w, t.amountMsat, JSON.stringify(ev))
      expect(r.status).toBe(200)
      const { hash } = await payAndSettle(r.body.pr as string)
      const p = purchaseByHash(hash)
      expect(p).toMatchObject({
        kind: 'ZAP',
        is_tip: t.tip ? 1 : 0,
        status: 'PAID',
        game_id: t.withGame ? expect.any(Number) : null,
      })
      expect(
        w.db.prepare('SELECT count(*) AS n FROM entitlements WHERE purchase_id = ?').get(p.id),
      ).toEqual({ n: 0 })
      const types = (
        w.db
          .prepare('SELECT type FROM ledger_entries WHERE purchase_id = ? ORDER BY id')
          .all(p.id) as { type: string }[]
      ).map((e) => e.type)
      expect(types).toEqual(
        t.withGame
          ? ['INVOICE_CREATED', 'INVOICE_PAID', 'PLATFORM_FEE', 'DEVELOPER_NET']
          : ['INVOICE_CREATED', 'INVOICE_PAID', 'PLATFORM_FEE'],
      )
      await publishReceipts()
      expect(await receiptsOn(w.marketRelay.url, { '#P': [buyer.pubkey] })).toHaveLength(1)
    })
  }
})
