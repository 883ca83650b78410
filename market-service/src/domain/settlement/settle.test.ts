/** settlePayment on a real SQLite file with the real migrations: what one settlement books, exactly once. */
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type Database from 'better-sqlite3'
import { msat } from '@zapcade/shared/money'
import { sqliteLedgerRepo } from '../../adapters/sqlite/ledger-repo.ts'
import { sqlitePurchaseRepo } from '../../adapters/sqlite/purchase-repo.ts'
import { addGame, addUser, freshDb } from '../../adapters/sqlite/testing/blob-seed.ts'
import type { NewPurchase, PurchaseRepo } from '../../ports/purchase-repo.ts'
import { checkLedger } from '../ledger/ledger-check.ts'
import { canTransition, purchaseTransitions } from '../purchase/purchase-machine.ts'
import { ledgerKey, settlePayment } from './settle.ts'

const T = 1_900_000_000
let dir: string, db: Database.Database, repo: PurchaseRepo, gameId: number, devId: number

function invoice(): { preimage: string; hash: string } {
  const preimage = randomBytes(32).toString('hex')
  return { preimage, hash: createHash('sha256').update(Buffer.from(preimage, 'hex')).digest('hex') }
}

async function pending(o: Partial<NewPurchase> & { hash: string }): Promise<string> {
  const id = randomUUID()
  await repo.createPending(
    {
      id,
      buyerPubkey: null,
      guestReceiptCodeHash: randomBytes(32).toString('hex'),
      gameId,
      kind: 'CHECKOUT',
      isTip: false,
      invoiceProvider: 'test',
      paymentHash: o.hash,
      bolt11: 'lnbcrt1',
      amountMsat: msat(10_001),
      priceMsat: msat(10_000),
      feeBps: 333,
      zapRequest: null,
      createdAtSec: T,
      expiresAtSec: T + 900,
      ...o,
    },
    undefined,
    ledgerKey(id, 'INVOICE_CREATED'),
  )
  return id
}

const deps = () => ({ repo, newId: randomUUID, nowSec: () => T + 10 })
const n = (sql: string, ...a: unknown[]): number => (db.prepare(sql).get(...a) as { n: number }).n

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'settle-'))
  db = freshDb(join(dir, 'm.db'))
  repo = sqlitePurchaseRepo(db)
  devId = addUser(db, 'd'.repeat(64))
  gameId = addGame(db, devId, 'g', { priceMsat: 10_000 })
})
afterEach(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('settlePayment', () => {
  it('books PAID, INVOICE_PAID = PLATFORM_FEE (floor of bps) + DEVELOPER_NET, one entitlement and a payout with no address yet', async () => {
    const { preimage, hash } = invoice()
    const id = await pending({ hash })
    const r = await settlePayment(deps(), hash, { preimage, settledAtSec: T + 5 })
    expect(r).toMatchObject({ outcome: 'SETTLED', purchaseId: id, paidLate: false })
    const rows = db
      .prepare(
        'SELECT type, amount_msat, developer_user_id, idempotency_key FROM ledger_entries WHERE purchase_id = ? ORDER BY id',
      )
      .all(id)
    expect(rows).toEqual([
      {
        type: 'INVOICE_CREATED',
        amount_msat: 10_001,
        developer_user_id: null,
        idempotency_key: `purchase:${id}:INVOICE_CREATED`,
      },
      {
        type: 'INVOICE_PAID',
        amount_msat: 10_001,
        developer_user_id: null,
        idempotency_key: `purchase:${id}:INVOICE_PAID`,
      },
      {
        type: 'PLATFORM_FEE',
        amount_msat: 333,
        developer_user_id: null,
        idempotency_key: `purchase:${id}:PLATFORM_FEE`,
      }, // floor(10001 × 333 / 10000)
      {
        type: 'DEVELOPER_NET',
        amount_msat: 9_668,
        developer_user_id: devId,
        idempotency_key: `purchase:${id}:DEVELOPER_NET`,
      },
    ])
    expect(
      db.prepare('SELECT status, paid_at, preimage FROM purchases WHERE id = ?').get(id),
    ).toEqual({ status: 'PAID', paid_at: T + 5, preimage })
    expect(
      db
        .prepare('SELECT amount_msat, status, destination_ln_address, idempotency_key FROM payouts')
        .all(),
    ).toEqual([
      {
        amount_msat: 9_668,
        status: 'SCHEDULED',
        destination_ln_address: null,
        idempotency_key: `payout:${id}`,
      },
    ])
    expect(n('SELECT count(*) AS n FROM entitlements WHERE purchase_id = ?', id)).toBe(1)
    expect(checkLedger(sqliteLedgerRepo(db).facts())).toMatchObject({ ok: true })
  })

  it('replayed ten times it books once', async () => {
    const { preimage, hash } = invoice()
    const id = await pending({ hash })
    // All ten at once: they share one group commit, and the status guard still books only the first.
    const outcomes = (
      await Promise.all(
        Array.from({ length: 10 }, () =>
          settlePayment(deps(), hash, { preimage, settledAtSec: T + 5 }),
        ),
      )
    ).map((r) => r.outcome)
    expect(outcomes).toEqual(['SETTLED', ...Array(9).fill('ALREADY_SETTLED')])
    expect(
      n(
        `SELECT count(*) AS n FROM ledger_entries WHERE purchase_id = ? AND type = 'INVOICE_PAID'`,
        id,
      ),
    ).toBe(1)
    expect(n('SELECT count(*) AS n FROM entitlements')).toBe(1)
    expect(n('SELECT count(*) AS n FROM payouts')).toBe(1)
  })

  it('a payment after EXPIRED is booked with paid_late; the payout goes to the address set at that time', async () => {
    const { preimage, hash } = invoice()
    const id = await pending({ hash })
    db.prepare(
      'INSERT INTO developer_profiles (user_id, payout_ln_address, updated_at) VALUES (?, ?, 1)',
    ).run(devId, 'dev@example.test')
    expect(repo.markExpired(id, T + 2000)).toBe(true)
    expect(await settlePayment(deps(), hash, { preimage, settledAtSec: T + 2100 })).toMatchObject({
      outcome: 'SETTLED',
      paidLate: true,
    })
    expect(db.prepare('SELECT status, paid_late FROM purchases WHERE id = ?').get(id)).toEqual({
      status: 'PAID',
      paid_late: 1,
    })
    expect(db.prepare('SELECT destination_ln_address FROM payouts').get()).toEqual({
      destination_ln_address: 'dev@example.test',
    })
  })

  it('expiry boundary (INV-9, injected clock): paid_late follows the EXPIRED mark, not settled_at; 1 s before or after expiry while PENDING is on time', async () => {
    const E = T + 900
    const before = invoice(),
      after = invoice(),
      late = invoice()
    const idBefore = await pending({ hash: before.hash, expiresAtSec: E })
    const idAfter = await pending({ hash: after.hash, expiresAtSec: E })
    const idLate = await pending({ hash: late.hash, expiresAtSec: E })
    const at = (s: number) => ({ repo, newId: randomUUID, nowSec: () => s })
    expect(
      await settlePayment(at(E - 1), before.hash, {
        preimage: before.preimage,
        settledAtSec: E - 1,
      }),
    ).toMatchObject({ outcome: 'SETTLED', paidLate: false })
    // Paid 1 s after expiry, before any sweeper marked it EXPIRED: money received entitles, on time.
    expect(
      await settlePayment(at(E + 1), after.hash, { preimage: after.preimage, settledAtSec: E + 1 }),
    ).toMatchObject({ outcome: 'SETTLED', paidLate: false })
    // Marked EXPIRED by the sweeper, then reported: settled all the same, flagged paid_late (docs/architecture.md "Money flows").
    expect(repo.markExpired(idLate, E + 1)).toBe(true)
    expect(
      await settlePayment(at(E + 2), late.hash, { preimage: late.preimage, settledAtSec: E + 2 }),
    ).toMatchObject({ outcome: 'SETTLED', paidLate: true })
    const rows = db
      .prepare('SELECT id, status, paid_late, paid_at FROM purchases WHERE id IN (?, ?, ?)')
      .all(idBefore, idAfter, idLate)
    expect(rows).toEqual(
      expect.arrayContaining([
        { id: idBefore, status: 'PAID', paid_late: 0, paid_at: E - 1 },
        { id: idAfter, status: 'PAID', paid_late: 0, paid_at: E + 1 },
        { id: idLate, status: 'PAID', paid_late: 1, paid_at: E + 2 },
      ]),
    )
    expect(n('SELECT count(*) AS n FROM entitlements')).toBe(3)
  })

  it('an overpayment entitles and is booked at the invoice amount, the ledger balanced (INV-5, docs/architecture.md: no buyer credit in v1)', async () => {
    const { preimage, hash } = invoice()
    const id = await pending({ hash })
    expect(
      await settlePayment(deps(), hash, {
        preimage,
        settledAtSec: T + 5,
        amountMsat: msat(50_000),
      }),
    ).toMatchObject({ outcome: 'SETTLED', purchaseId: id })
    expect(
      db
        .prepare(
          `SELECT type, amount_msat FROM ledger_entries WHERE purchase_id = ? AND type <> 'INVOICE_CREATED' ORDER BY id`,
        )
        .all(id),
    ).toEqual([
      { type: 'INVOICE_PAID', amount_msat: 10_001 },
      { type: 'PLATFORM_FEE', amount_msat: 333 },
      { type: 'DEVELOPER_NET', amount_msat: 9_668 },
    ])
    expect(n('SELECT count(*) AS n FROM entitlements WHERE purchase_id = ?', id)).toBe(1)
    expect(checkLedger(sqliteLedgerRepo(db).facts())).toMatchObject({ ok: true })
  })

  it('a booking that cannot be completed balanced is rolled back whole: no INVOICE_PAID without its FEE and NET, no PAID, no entitlement (LED-2)', async () => {
    const { preimage, hash } = invoice()
    const id = await pending({ hash })
    // Make the last leg of the booking fail inside the settlement transaction.
    db.exec(
      `CREATE TEMP TRIGGER refuse_net BEFORE INSERT ON ledger_entries WHEN NEW.type = 'DEVELOPER_NET' BEGIN SELECT RAISE(ABORT, 'net leg refused (test)'); END`,
    )
    await expect(settlePayment(deps(), hash, { preimage, settledAtSec: T + 5 })).rejects.toThrow(
      /net leg refused/,
    )
    expect(
      n(
        `SELECT count(*) AS n FROM ledger_entries WHERE purchase_id = ? AND type <> 'INVOICE_CREATED'`,
        id,
      ),
    ).toBe(0)
    expect(n('SELECT count(*) AS n FROM entitlements')).toBe(0)
    expect(n('SELECT count(*) AS n FROM payouts')).toBe(0)
    expect(repo.byId(id)?.status).toBe('PENDING')
    db.exec('DROP TRIGGER refuse_net')
    expect(await settlePayment(deps(), hash, { preimage, settledAtSec: T + 5 })).toMatchObject({
      outcome: 'SETTLED',
    })
    expect(checkLedger(sqliteLedgerRepo(db).facts())).toMatchObject({ ok: true })
  })

  it('every amount is integer msat: booked rows are SQLite integers and msat() refuses fractions, negatives and unsafe numbers (LED-4)', async () => {
    for (const amount of [1, 999, 10_001, 123_457]) {
      const { preimage, hash } = invoice()
      await pending({ hash, amountMsat: msat(amount) })
      expect(await settlePayment(deps(), hash, { preimage, settledAtSec: T + 5 })).toMatchObject({
        outcome: 'SETTLED',
      })
    }
    expect(
      n(`SELECT count(*) AS n FROM ledger_entries WHERE typeof(amount_msat) <> 'integer'`),
    ).toBe(0)
    expect(n(`SELECT count(*) AS n FROM payouts WHERE typeof(amount_msat) <> 'integer'`)).toBe(0)
    expect(n(`SELECT count(*) AS n FROM ledger_entries`)).toBe(16)
    for (const bad of [1.5, -1, Number.MAX_SAFE_INTEGER + 2, Number.NaN])
      expect(() => msat(bad)).toThrow(RangeError)
    expect(checkLedger(sqliteLedgerRepo(db).facts())).toMatchObject({ ok: true })
  })

  it('refuses what does not prove payment: a preimage of another hash, an amount below the invoice, an unknown hash', async () => {
    const { preimage, hash } = invoice()
    const id = await pending({ hash })
    expect(
      await settlePayment(deps(), hash, { preimage: invoice().preimage, settledAtSec: T }),
    ).toMatchObject({ outcome: 'REJECTED', purchaseId: id })
    expect(
      await settlePayment(deps(), hash, { preimage, settledAtSec: T, amountMsat: msat(10_000) }),
    ).toMatchObject({ outcome: 'REJECTED' })
    const other = invoice()
    expect(
      await settlePayment(deps(), other.hash, { preimage: other.preimage, settledAtSec: T }),
    ).toEqual({ outcome: 'UNKNOWN_HASH' })
    expect(n(`SELECT count(*) AS n FROM ledger_entries WHERE type <> 'INVOICE_CREATED'`)).toBe(0)
    expect(repo.byId(id)?.status).toBe('PENDING')
  })

  it('a proven payment that cannot be booked raises one admin alert (bumped when seen again); a forged preimage raises none', async () => {
    const short = invoice(),
      failed = invoice()
    const shortId = await pending({ hash: short.hash })
    const failedId = await pending({ hash: failed.hash })
    db.prepare(`UPDATE purchases SET status = 'FAILED' WHERE id = ?`).run(failedId)
    const alerts = () =>
      db
        .prepare(
          'SELECT purchase_id, reason, received_msat, seen_count FROM payment_alerts ORDER BY purchase_id',
        )
        .all()
    // A forged notification (the preimage of another invoice) proves nothing: refused, no alert.
    expect(
      await settlePayment(deps(), short.hash, { preimage: invoice().preimage, settledAtSec: T }),
    ).toMatchObject({ outcome: 'REJECTED' })
    expect(alerts()).toEqual([])
    for (let i = 0; i < 2; i++) {
      expect(
        await settlePayment(deps(), short.hash, {
          preimage: short.preimage,
          settledAtSec: T,
          amountMsat: msat(9_000),
        }),
      ).toMatchObject({ outcome: 'REJECTED', purchaseId: shortId })
    }
    expect(
      await settlePayment(deps(), failed.hash, { preimage: failed.preimage, settledAtSec: T }),
    ).toMatchObject({ outcome: 'REJECTED', purchaseId: failedId })
    expect(alerts()).toEqual(
      [
        {
          purchase_id: shortId,
          reason: 'received 9000 msat of 10001',
          received_msat: 9_000,
          seen_count: 2,
        },
        {
          purchase_id: failedId,
          reason: 'a FAILED purchase cannot be paid',
          received_msat: null,
          seen_count: 1,
        },
      ].sort((a, b) => a.purchase_id.localeCompare(b.purchase_id)),
    )
    // Nothing was booked for either.
    expect(n(`SELECT count(*) AS n FROM ledger_entries WHERE type <> 'INVOICE_CREATED'`)).toBe(0)
    expect(repo.byId(shortId)?.status).toBe('PENDING')
  })

  it("a zap: one PUBLISH_ZAP_RECEIPT outbox job with the zap request's relays; a tip books money but no entitlement", async () => {
    const zapRequest = JSON.stringify({
      kind: 9734,
      tags: [
        ['p', 'a'.repeat(64)],
        ['relays', 'wss://r1.example', 'wss://r2.example', 'https://not-a-relay'],
      ],
    })
    const zap = invoice(),
      tip = invoice()
    const zid = await pending({
      hash: zap.hash,
      kind: 'ZAP',
      zapRequest,
      guestReceiptCodeHash: null,
      buyerPubkey: 'b'.repeat(64),
    })
    const tid = await pending({
      hash: tip.hash,
      kind: 'ZAP',
      zapRequest,
      isTip: true,
      guestReceiptCodeHash: null,
      buyerPubkey: 'b'.repeat(64),
      amountMsat: msat(500),
    })
    for (let i = 0; i < 3; i++) {
      await settlePayment(deps(), zap.hash, { preimage: zap.preimage, settledAtSec: T })
      await settlePayment(deps(), tip.hash, { preimage: tip.preimage, settledAtSec: T })
    }
    const jobs = db
      .prepare(
        'SELECT type, payload_json, relays_json, idempotency_key FROM outbox_jobs ORDER BY id',
      )
      .all()
    expect(jobs).toEqual([
      {
        type: 'PUBLISH_ZAP_RECEIPT',
        payload_json: JSON.stringify({ purchase_id: zid }),
        relays_json: JSON.stringify(['wss://r1.example', 'wss://r2.example']),
        idempotency_key: `zap-receipt:${zid}`,
      },
      {
        type: 'PUBLISH_ZAP_RECEIPT',
        payload_json: JSON.stringify({ purchase_id: tid }),
        relays_json: JSON.stringify(['wss://r1.example', 'wss://r2.example']),
        idempotency_key: `zap-receipt:${tid}`,
      },
    ])
    expect(n('SELECT count(*) AS n FROM entitlements WHERE purchase_id = ?', tid)).toBe(0)
    expect(n('SELECT count(*) AS n FROM entitlements WHERE purchase_id = ?', zid)).toBe(1)
    expect(checkLedger(sqliteLedgerRepo(db).facts())).toMatchObject({ ok: true })
  })

  it('zaps from one pubkey toward one game add up: the zap that reaches the price entitles, once; other keys do not add', async () => {
    const zapper = 'c'.repeat(64),
      other = 'd'.repeat(64)
    const zap = (buyerPubkey: string, amount: number) => {
      const inv = invoice()
      return {
        inv,
        id: pending({
          hash: inv.hash,
          kind: 'ZAP',
          zapRequest: '{}',
          guestReceiptCodeHash: null,
          buyerPubkey,
          amountMsat: msat(amount),
        }),
      }
    }
    const half1 = zap(zapper, 5_000),
      half2 = zap(zapper, 5_000),
      more = zap(zapper, 5_000),
      stranger = zap(other, 9_999)
    const settle = async (z: ReturnType<typeof zap>) =>
      settlePayment(deps(), z.inv.hash, { preimage: z.inv.preimage, settledAtSec: T })
    expect(await settle(half1)).toMatchObject({ outcome: 'SETTLED', entitlementId: null })
    expect(await settle(stranger)).toMatchObject({ outcome: 'SETTLED', entitlementId: null })
    const second = await settle(half2)
    expect(second).toMatchObject({ outcome: 'SETTLED', entitlementId: expect.any(String) })
    expect(await settle(more)).toMatchObject({ outcome: 'SETTLED', entitlementId: null })
    expect(await settle(half2)).toMatchObject({ outcome: 'ALREADY_SETTLED' })
    const owners = db
      .prepare(
        `SELECT u.pubkey, e.purchase_id FROM entitlements e JOIN users u ON u.id = e.user_id`,
      )
      .all()
    expect(owners).toEqual([{ pubkey: zapper, purchase_id: await half2.id }])
    // Every zap is booked in full: three legs each, fee and net split per zap.
    expect(n(`SELECT count(*) AS n FROM ledger_entries WHERE type = 'INVOICE_PAID'`)).toBe(4)
    expect(checkLedger(sqliteLedgerRepo(db).facts())).toMatchObject({ ok: true })
  })

  it('the ledger check flags a zapper whose zaps reached the price but who owns nothing, and zaps that entitled twice', async () => {
    const zapper = 'e'.repeat(64)
    const ids: string[] = []
    for (const amount of [6_000, 6_000]) {
      const inv = invoice()
      ids.push(
        await pending({
          hash: inv.hash,
          kind: 'ZAP',
          zapRequest: '{}',
          guestReceiptCodeHash: null,
          buyerPubkey: zapper,
          amountMsat: msat(amount),
        }),
      )
      await settlePayment(deps(), inv.hash, { preimage: inv.preimage, settledAtSec: T })
    }
    expect(checkLedger(sqliteLedgerRepo(db).facts())).toMatchObject({ ok: true })
    db.prepare('DELETE FROM entitlements').run()
    expect(checkLedger(sqliteLedgerRepo(db).facts()).violations.map((v) => v.rule)).toEqual([
      'zaps-reaching-price-entitle',
    ])
    const user = (db.prepare('SELECT id FROM users WHERE pubkey = ?').get(zapper) as { id: number })
      .id
    for (const pid of ids)
      db.prepare(
        'INSERT INTO entitlements (id, purchase_id, game_id, user_id, granted_at) VALUES (?, ?, ?, ?, ?)',
      ).run(randomUUID(), pid, gameId, user, T)
    expect(checkLedger(sqliteLedgerRepo(db).facts()).violations.map((v) => v.rule)).toEqual([
      'zaps-entitle-once',
    ])
  })

  it('the ledger check reports a tampered booking, and the database refuses edits of ledger rows', async () => {
    const { preimage, hash } = invoice()
    const id = await pending({ hash })
    await settlePayment(deps(), hash, { preimage, settledAtSec: T })
    expect(() => db.prepare('UPDATE ledger_entries SET amount_msat = 1').run()).toThrow(
      /append-only/,
    )
    expect(() => db.prepare('DELETE FROM ledger_entries').run()).toThrow(/append-only/)
    db.prepare(
      `INSERT INTO ledger_entries (purchase_id, type, amount_msat, idempotency_key, created_at) VALUES (?, 'PLATFORM_FEE', 1, 'forged', 1)`,
    ).run(id)
    db.prepare('DELETE FROM entitlements').run()
    const check = checkLedger(sqliteLedgerRepo(db).facts())
    expect(check.ok).toBe(false)
    expect(check.violations.map((v) => v.rule).sort()).toEqual(
      [
        'one-entry-per-type',
        'paid-equals-fee-plus-net',
        'fee-is-floor-bps',
        'paid-purchase-entitles',
        'money-in-equals-net-fee-refunds',
      ].sort(),
    )
  })
})

describe('purchase machine', () => {
  it('allows exactly the transitions of docs/architecture.md "Money flows"', () => {
    const all = Object.keys(purchaseTransitions) as (keyof typeof purchaseTransitions)[]
    const allowed = all.flatMap((f) =>
      all.filter((t) => canTransition(f, t)).map((t) => `${f}→${t}`),
    )
    expect(allowed.sort()).toEqual(
      ['EXPIRED→PAID', 'PAID→REFUNDED', 'PENDING→EXPIRED', 'PENDING→FAILED', 'PENDING→PAID'].sort(),
    )
  })
})
