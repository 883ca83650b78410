/** `zapcade refund …` as a child process against the service over real HTTP, with devnet money. */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nip19 } from 'nostr-tools'
import { msat } from '@zapcade/shared/money'
import {
  newKey,
  seedGame,
  startPayments,
  type Key,
  type PaymentsHarness,
} from '@zapcade/market-service/testing/payments-harness'
import { jsonOf, runZapcade } from './testing/run-cli.ts'

const PRICE = 21_000
let h: PaymentsHarness, dir: string
const dev = newKey(),
  buyer = newKey()
const cli = (key: Key | undefined, args: string[]) =>
  runZapcade(args, {
    cwd: dir,
    env: {
      ZAPCADE_API: h.svc.config.publicUrl,
      ...(key ? { ZAPCADE_NSEC: nip19.nsecEncode(key.sk) } : {}),
    },
  })

async function paid(slug: string, key?: Key): Promise<{ id: string; receipt_code?: string }> {
  const r = await h.call('/api/v1/purchases', {
    method: 'POST',
    body: JSON.stringify({ game: `${dev.pubkey}/${slug}` }),
    ...(key ? { auth: key } : {}),
  })
  const p = (await r.json()) as { id: string; bolt11: string; receipt_code?: string }
  expect((await h.buyerWallet.payInvoice(p.bolt11)).status).toBe('SUCCEEDED')
  await expect
    .poll(
      () =>
        (
          h.svc.db.prepare('SELECT status FROM purchases WHERE id = ?').get(p.id) as {
            status: string
          }
        ).status,
      { timeout: 20_000 },
    )
    .toBe('PAID')
  return p
}

beforeAll(async () => {
  h = await startPayments()
  dir = await mkdtemp(join(tmpdir(), 'zapcade-refund-'))
  seedGame(h.svc.db, dev, 'lenient', { priceMsat: PRICE, marketPubkey: h.marketPubkey })
  seedGame(h.svc.db, dev, 'strict', { priceMsat: PRICE, marketPubkey: h.marketPubkey })
}, 60_000)
afterAll(async () => {
  await h?.stopAll()
  await rm(dir, { recursive: true, force: true })
})

describe('zapcade refund', { timeout: 240_000 }, () => {
  it('policy, a buyer refunded to their invoice, a guest waiting, the developer approving into a withdraw link', async () => {
    const policy = await cli(dev, ['refund', 'policy', 'lenient', '--days', '14'])
    expect(policy.stderr).toBe('')
    expect(policy.stdout).toContain('Refund policy of lenient: 14 days')

    const p = await paid('lenient', buyer)
    const w = h.devnet.createWallet({ name: 'cli-refundee' })
    const inv = h.devnet.node.makeInvoice(w.walletId, { amountMsat: msat(PRICE) })
    const mine = await cli(buyer, ['refund', 'request', p.id, '--to', inv.invoice, '--json'])
    expect(mine.code).toBe(0)
    expect(jsonOf(mine)).toMatchObject({ status: 'APPROVED', auto_approved: true })
    h.svc.workers.find((x) => x.name === 'refunds')!.kick()
    await expect
      .poll(() => Number(h.devnet.node.balance(w.walletId)), { timeout: 20_000 })
      .toBe(PRICE)

    const g = await paid('strict')
    const asked = await cli(undefined, ['refund', 'request', g.id, '--receipt', g.receipt_code!])
    expect(asked.code).toBe(0)
    expect(asked.stdout).toContain('REQUESTED')
    expect(asked.stdout).toContain('the developer decides')
    const list = await cli(dev, ['refund', 'list', '--status', 'REQUESTED', '--json'])
    const items = jsonOf<{ items: { refund_id: string; purchase_id: string }[] }>(list).items
    const r = items.find((i) => i.purchase_id === g.id)!
    expect(r).toBeDefined()
    const ok = await cli(dev, ['refund', 'approve', r.refund_id])
    expect(ok.code).toBe(0)
    expect(ok.stdout).toContain('AWAITING_CLAIM')
    const link = await cli(undefined, ['refund', 'request', g.id, '--receipt', g.receipt_code!])
    expect(link.stdout).toMatch(/LNURL1[0-9A-Z]+/)
    const again = await cli(dev, ['refund', 'decline', r.refund_id, '--json'])
    expect(again.code).toBe(2)
    expect(jsonOf(again)).toMatchObject({ error: { code: 'CONFLICT' } })
  })
})
