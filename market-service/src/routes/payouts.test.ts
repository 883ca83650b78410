import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startMarketRelay, type MarketRelay } from '@zapcade/relay'
import { startDevnet, type Devnet } from '@zapcade/devnet'
import {
  adminPayoutsResponseSchema,
  payoutsResponseSchema,
  payoutViewSchema,
} from '@zapcade/shared/api/payouts'
import { buildZapRequest } from '@zapcade/shared/events/zap-request'
import { parseZapReceipt } from '@zapcade/shared/events/zap-receipt'
import { splitFee, msat } from '@zapcade/shared/money'
import { NwcWallet } from '../adapters/nwc/nwc-wallet.ts'
import { addRelease } from '../adapters/sqlite/testing/blob-seed.ts'
import { newKey, sign, startHarness, type Harness, type Key } from '../testing/service-harness.ts'

let relay: MarketRelay
let devnet: Devnet
let wallet: NwcWallet
let h: Harness
let dir: string
let marketPubkey: string
const dev = newKey()
let devWallet: { walletId: number; lud16: string }

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zapcade-e2e-zap-'))
  relay = await startMarketRelay({ port: 0 })
  devnet = await startDevnet({
    relayUrl: relay.url,
    dataDir: join(dir, 'devnet'),
    writeJson: false,
  })
  wallet = new NwcWallet({ url: devnet.marketNwcUrl })
  h = await startHarness({ relay, env: { ZAPCADE_FEE_BPS: '500' }, overrides: { wallet } })
  marketPubkey = ((await (await h.call('/api/v1/info')).json()) as { market_pubkey: string })
    .market_pubkey
  const c = devnet.createWallet({ name: 'e2e-dev' })
  devWallet = { walletId: c.walletId, lud16: c.lud16! }
  const db = h.svc.db
  const uid = Number(
    db.prepare('INSERT INTO users (pubkey, created_at) VALUES (?, 1)').run(dev.pubkey)
      .lastInsertRowid,
  )
  db.prepare(
    'INSERT INTO developer_profiles (user_id, payout_ln_address, updated_at) VALUES (?, ?, 1)',
  ).run(uid, devWallet.lud16)
  const gameId = Number(
    db
      .prepare(`INSERT INTO games (developer_user_id, slug, title, status, listing, price_msat, zap_pubkey, event_id, event_created_at, created_at, updated_at)
    VALUES (?, 'moon-miner', 'Moon Miner', 'LISTED', 'LISTED', 21000, ?, ?, 1, 1, 1)`)
      .run(uid, marketPubkey, 'e'.repeat(64)).lastInsertRowid,
  )
  // A paid game is sold only once a release of it has a verified build.
  addRelease(db, gameId, '1.0.0', {
    sha256: 'c'.repeat(64),
    sizeBytes: 1234,
    objectKey: `builds/${gameId}/moon-miner.zip`,
  })
})
afterAll(async () => {
  await h.stop()
  await wallet.close()
  await devnet.stop()
  await relay.stop()
  await rm(dir, { recursive: true, force: true })
})

const kickPayouts = (): void => h.svc.workers.find((x) => x.name === 'payouts')!.kick()

async function listPayouts(key: Key | undefined): Promise<Response> {
  return h.call('/api/v1/developer/payouts', key ? { auth: key } : {})
}

describe('zap to payout through the running service (real HTTP, devnet over NIP-47, the relay)', () => {
  it('a zap buys the game, the receipt is published, the developer is paid the net once and sees the payout', async () => {
    const coordinate = `32267:${dev.pubkey}:moon-miner`
    const info = (await (await h.call('/api/v1/info')).json()) as { lud16: string }
    const [name, host] = info.lud16.split('@') as [string, string]
    const payReq = (await (await fetch(`${h.svc.url}/.well-known/lnurlp/${name}`)).json()) as {
      callback: string
      nostrPubkey: string
      allowsNostr: boolean
    }
    expect(payReq).toMatchObject({ allowsNostr: true, nostrPubkey: marketPubkey })
    expect(new URL(payReq.callback).host).toBe(host)

    const buyer = newKey()
    const zr = sign(
      buyer,
      buildZapRequest({
        recipientPubkey: marketPubkey,
        relays: [relay.url],
        amountMsat: 21_000,
        coordinate,
        targetKind: 32267,
        createdAtSec: Math.floor(Date.now() / 1000),
      }),
    )
    const cbUrl = new URL(payReq.callback)
    const cb = await fetch(
      `${h.svc.url}${cbUrl.pathname}?amount=21000&nostr=${encodeURIComponent(JSON.stringify(zr))}`,
    )
    expect(cb.status).toBe(200)
    const { pr } = (await cb.json()) as { pr: string }
    await devnet.control.payInvoice('buyer', pr)

    // Settlement by the service's own listener/poller, then the outbox publishes the receipt.
    await expect
      .poll(
        () =>
          (
            h.svc.db
              .prepare("SELECT status FROM purchases WHERE kind = 'ZAP' AND bolt11 = ?")
              .get(pr) as { status: string } | undefined
          )?.status,
        { timeout: 20_000 },
      )
      .toBe('PAID')
    await expect
      .poll(async () => (await h.query({ kinds: [9735], '#a': [coordinate] })).length, {
        timeout: 20_000,
      })
      .toBe(1)
    const receipts = await h.query({ kinds: [9735], '#a': [coordinate] })
    expect(receipts).toHaveLength(1)
    const receipt = parseZapReceipt(receipts[0]!)
    expect(receipt.ok && receipt.value.senderPubkey).toBe(buyer.pubkey)
    expect(receipts[0]!.pubkey).toBe(marketPubkey)

    const { netMsat } = splitFee(msat(21_000), 500)
    await expect
      .poll(
        () => {
          kickPayouts()
          return devnet.node.balance(devWallet.walletId)
        },
        { timeout: 20_000, interval: 200 },
      )
      .toBe(netMsat)
    await expect
      .poll(
        () =>
          (
            h.svc.db.prepare('SELECT status FROM payouts WHERE amount_msat = ?').get(netMsat) as {
              status: string
            }
          ).status,
        { timeout: 20_000 },
      )
      .toBe('SENT')

    const res = await listPayouts(dev)
    expect(res.status).toBe(200)
    const body = payoutsResponseSchema.parse(await res.json())
    expect(body.next_cursor).toBeNull()
    expect(body.items).toHaveLength(1)
    expect(body.items[0]).toMatchObject({
      status: 'SENT',
      amount_msat: netMsat,
      destination: devWallet.lud16,
      attempts: 1,
      preimage: expect.stringMatching(/^[0-9a-f]{64}$/),
    })

    // More passes pay nothing more.
    kickPayouts()
    await h.svc.workers.find((x) => x.name === 'payouts')!.stop()
    expect(
      devnet.node
        .listTransactions(devWallet.walletId, { type: 'incoming' })
        .transactions.filter((t) => t.state === 'settled'),
    ).toHaveLength(1)
    const check = await h.call('/api/v1/admin/ledger/check', { auth: h.admin })
    expect(await check.json()).toMatchObject({ ok: true })
  })

  it('lists only the caller’s payouts, pages with a cursor, and needs NIP-98', async () => {
    expect((await listPayouts(undefined)).status).toBe(401)
    const other = newKey()
    const empty = payoutsResponseSchema.parse(await (await listPayouts(other)).json())
    expect(empty.items).toEqual([])

    const db = h.svc.db
    const uid = (
      db.prepare('SELECT id FROM users WHERE pubkey = ?').get(dev.pubkey) as { id: number }
    ).id
    for (let i = 0; i < 3; i++) {
      db.prepare(`INSERT INTO payouts (id, developer_user_id, amount_msat, status, idempotency_key, next_attempt_at, created_at, updated_at)
        VALUES (?, ?, 1000, 'CANCELED', ?, 0, ?, ?)`).run(
        `page-${i}`,
        uid,
        `page-${i}`,
        10 + i,
        10 + i,
      )
    }
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page = payoutsResponseSchema.parse(
        await (
          await h.call(`/api/v1/developer/payouts?limit=2${cursor ? `&cursor=${cursor}` : ''}`, {
            auth: dev,
          })
        ).json(),
      )
      seen.push(...page.items.map((p) => p.id))
      cursor = page.next_cursor
    } while (cursor)
    expect(seen).toHaveLength(4)
    expect(seen.slice(1)).toEqual(['page-2', 'page-1', 'page-0'])
    expect((await h.call('/api/v1/developer/payouts?limit=0', { auth: dev })).status).toBe(400)
  })

  it('admin retry moves a FAILED payout to RETRYING; cancel refuses a paid one and cancels an unpaid one; others get 403', async () => {
    const db = h.svc.db
    const uid = (
      db.prepare('SELECT id FROM users WHERE pubkey = ?').get(dev.pubkey) as { id: number }
    ).id
    db.prepare(`INSERT INTO payouts (id, developer_user_id, amount_msat, status, idempotency_key, attempts, next_attempt_at, last_error, created_at, updated_at)
      VALUES ('failed-1', ?, 1000, 'FAILED', 'failed-1', 6, 0, 'payment failed: no route', 1, 1)`).run(
      uid,
    )
    db.prepare(`INSERT INTO payouts (id, developer_user_id, amount_msat, status, idempotency_key, next_attempt_at, created_at, updated_at)
      VALUES ('sched-1', ?, 1000, 'SCHEDULED', 'sched-1', 9999999999, 1, 1)`).run(uid)
    const sent = (
      db.prepare("SELECT id FROM payouts WHERE status = 'SENT'").get() as { id: string }
    ).id

    // The admin finds what needs a person: FAILED and RETRYING payouts, with their developer.
    let n = 10
    const admin = () => ({ key: h.admin, createdAtOffsetSec: -n++ })
    expect((await h.call('/api/v1/admin/payouts', { auth: dev })).status).toBe(403)
    const attention = adminPayoutsResponseSchema.parse(
      await (await h.call('/api/v1/admin/payouts', { auth: admin() })).json(),
    )
    expect(attention.items.map((p) => [p.id, p.status, p.developer_pubkey, p.last_error])).toEqual([
      ['failed-1', 'FAILED', dev.pubkey, 'payment failed: no route'],
    ])
    const scheduled = adminPayoutsResponseSchema.parse(
      await (await h.call('/api/v1/admin/payouts?status=SCHEDULED', { auth: admin() })).json(),
    )
    expect(scheduled.items.map((p) => p.id)).toContain('sched-1')
    expect((await h.call('/api/v1/admin/payouts?status=LOST', { auth: admin() })).status).toBe(400)

    expect(
      (await h.call('/api/v1/admin/payouts/failed-1/retry', { method: 'POST', auth: dev })).status,
    ).toBe(403)
    const retried = await h.call('/api/v1/admin/payouts/failed-1/retry', {
      method: 'POST',
      auth: h.admin,
    })
    expect(retried.status).toBe(200)
    expect(payoutViewSchema.parse(await retried.json())).toMatchObject({
      status: 'RETRYING',
      attempts: 0,
    })
    // The same request in the same second would be the same NIP-98 event (a replay): sign it a second earlier.
    const again = await h.call('/api/v1/admin/payouts/failed-1/retry', {
      method: 'POST',
      auth: { key: h.admin, createdAtOffsetSec: -1 },
    })
    expect(again.status).toBe(409)
    expect(await again.json()).toMatchObject({ code: 'CONFLICT' })

    const paidCancel = await h.call(`/api/v1/admin/payouts/${sent}/cancel`, {
      method: 'POST',
      auth: h.admin,
    })
    expect(await paidCancel.json()).toMatchObject({ code: 'CONFLICT' })
    expect(paidCancel.status).toBe(409)
    const canceled = await h.call('/api/v1/admin/payouts/sched-1/cancel', {
      method: 'POST',
      auth: h.admin,
      body: JSON.stringify({ reason: 'duplicate' }),
    })
    expect(canceled.status).toBe(200)
    expect(await canceled.json()).toMatchObject({
      status: 'CANCELED',
      last_error: 'canceled: duplicate',
    })
    expect(
      (await h.call('/api/v1/admin/payouts/nope/cancel', { method: 'POST', auth: h.admin })).status,
    ).toBe(404)
  })
})
