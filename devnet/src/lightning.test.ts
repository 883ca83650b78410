import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import bolt11 from 'bolt11'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { msat } from '@zapcade/shared/money'
import { LightningError, LightningNode, type DevnetClock } from './lightning.ts'
import { foreignInvoice } from './testing/nwc-contract.ts'
import { seededRandom } from './testing/seeded-random.ts'

let dir: string
let offsetMs: number
const clock: DevnetClock = { nowMs: () => Date.now() + offsetMs }
const open = () => LightningNode.open({ file: join(dir, 'devnet.db'), clock })
const nodes: LightningNode[] = []
const fresh = () => {
  const n = open()
  nodes.push(n)
  return n
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'devnet-node-'))
  offsetMs = 0
})
afterEach(async () => {
  for (const n of nodes.splice(0)) if (n.db.open) await n.close()
  rmSync(dir, { recursive: true, force: true })
})

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (e) {
    if (e instanceof LightningError) return e.code
    throw e
  }
  return 'NO_ERROR'
}

describe('devnet Lightning node', () => {
  it('makes regtest BOLT11 invoices signed by the node key, with a payment hash of a random preimage', async () => {
    const node = fresh()
    const w = node.createWallet({ name: 'w' })
    const tx = node.makeInvoice(w.id, {
      amountMsat: msat(1_234_567),
      description: 'a game',
      expirySec: 900,
    })
    const d = bolt11.decode(tx.invoice)
    expect(tx.invoice.startsWith('lnbcrt')).toBe(true)
    expect(d.payeeNodeKey).toBe(node.nodePubkey)
    expect(d.millisatoshis).toBe('1234567')
    expect(d.tagsObject.description).toBe('a game')
    expect(d.tagsObject.expire_time).toBe(900)
    const other = node.makeInvoice(w.id, { amountMsat: msat(1_234_567), description: 'a game' })
    expect(other.payment_hash).not.toBe(tx.payment_hash)
    const payer = node.createWallet({ balanceMsat: msat(2_000_000) })
    // As a QR code reads it: upper case, with the URI scheme.
    const paid = await node.payInvoice(payer.id, `lightning:${tx.invoice.toUpperCase()}`)
    expect(createHash('sha256').update(Buffer.from(paid.preimage, 'hex')).digest('hex')).toBe(
      tx.payment_hash,
    )
  })

  it('an invoice with a description hash carries h and no d', () => {
    const node = fresh()
    const w = node.createWallet()
    const h = createHash('sha256').update('metadata').digest('hex')
    const d = bolt11.decode(
      node.makeInvoice(w.id, {
        amountMsat: msat(1000),
        descriptionHash: h,
        description: 'metadata',
      }).invoice,
    )
    expect(d.tagsObject.purpose_commit_hash).toBe(h)
    expect(d.tagsObject.description).toBeUndefined()
  })

  it('an invoice is paid once, even by another wallet', async () => {
    const node = fresh()
    const payee = node.createWallet()
    const a = node.createWallet({ balanceMsat: msat(10_000) })
    const b = node.createWallet({ balanceMsat: msat(10_000) })
    const tx = node.makeInvoice(payee.id, { amountMsat: msat(3_000) })
    await node.payInvoice(a.id, tx.invoice)
    expect(await codeOf(node.payInvoice(a.id, tx.invoice))).toBe('PAYMENT_FAILED')
    expect(await codeOf(node.payInvoice(b.id, tx.invoice))).toBe('PAYMENT_FAILED')
    expect([node.balance(payee.id), node.balance(a.id), node.balance(b.id)]).toEqual([
      3_000, 7_000, 10_000,
    ])
  })

  it('concurrent payments of one invoice settle exactly one of them', async () => {
    const node = fresh()
    const payee = node.createWallet()
    const payers = Array.from({ length: 5 }, () => node.createWallet({ balanceMsat: msat(5_000) }))
    const tx = node.makeInvoice(payee.id, { amountMsat: msat(5_000) })
    node.holdSettlements()
    const results = await Promise.allSettled(
      payers.map(async (p, i) => {
        if (i === 4) setImmediate(() => node.releaseHeld())
        return node.payInvoice(p.id, tx.invoice)
      }),
    )
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    expect(node.balance(payee.id)).toBe(5_000)
    expect(node.totalMsat()).toBe(5 * 5_000)
  })

  it('an expired invoice is never paid, and lookup says expired', async () => {
    const node = fresh()
    const payee = node.createWallet()
    const payer = node.createWallet({ balanceMsat: msat(10_000) })
    const tx = node.makeInvoice(payee.id, { amountMsat: msat(1_000), expirySec: 60 })
    offsetMs = 60_000
    expect(await codeOf(node.payInvoice(payer.id, tx.invoice))).toBe('PAYMENT_FAILED')
    expect(node.lookup(payee.id, { paymentHash: tx.payment_hash }).state).toBe('expired')
    expect(node.lookup(payer.id, { paymentHash: tx.payment_hash }).state).toBe('failed')
    expect(node.balance(payer.id)).toBe(10_000)
  })

  it('a payer without the balance gets INSUFFICIENT_BALANCE and the invoice stays payable', async () => {
    const node = fresh()
    const payee = node.createWallet()
    const poor = node.createWallet({ balanceMsat: msat(999) })
    const tx = node.makeInvoice(payee.id, { amountMsat: msat(1_000) })
    expect(await codeOf(node.payInvoice(poor.id, tx.invoice))).toBe('INSUFFICIENT_BALANCE')
    node.fund(poor.id, msat(1))
    await node.payInvoice(poor.id, tx.invoice)
    expect(node.balance(poor.id)).toBe(0)
  })

  it('an invoice the node did not make has no route', async () => {
    const node = fresh()
    const payer = node.createWallet({ balanceMsat: msat(10_000) })
    expect(await codeOf(node.payInvoice(payer.id, foreignInvoice()))).toBe('PAYMENT_FAILED')
    expect(await codeOf(node.payInvoice(payer.id, 'lnbcrt1notaninvoice'))).toBe('OTHER')
  })

  it('a failed payment (fault knob) moves no money and the retry succeeds', async () => {
    const node = fresh()
    const payee = node.createWallet()
    const payer = node.createWallet({ balanceMsat: msat(10_000) })
    const tx = node.makeInvoice(payee.id, { amountMsat: msat(4_000) })
    node.failNextPayments(1, 'no route found')
    expect(await codeOf(node.payInvoice(payer.id, tx.invoice))).toBe('PAYMENT_FAILED')
    expect(node.lookup(payer.id, { invoice: tx.invoice }).state).toBe('failed')
    expect(node.balance(payer.id)).toBe(10_000)
    await node.payInvoice(payer.id, tx.invoice)
    expect(node.lookup(payer.id, { invoice: tx.invoice }).state).toBe('settled')
    expect(node.balance(payee.id)).toBe(4_000)
  })

  it('a held payment is pending on both sides until released, and money is conserved meanwhile', async () => {
    const node = fresh()
    const payee = node.createWallet()
    const payer = node.createWallet({ balanceMsat: msat(10_000) })
    const tx = node.makeInvoice(payee.id, { amountMsat: msat(6_000) })
    node.holdSettlements()
    const paying = node.payInvoice(payer.id, tx.invoice)
    expect(node.heldCount()).toBe(1)
    expect(node.lookup(payer.id, { paymentHash: tx.payment_hash }).state).toBe('pending')
    expect(node.lookup(payee.id, { paymentHash: tx.payment_hash }).state).toBe('pending')
    expect(node.balance(payer.id) + node.balance(payee.id)).toBe(4_000)
    expect(node.totalMsat()).toBe(10_000)
    node.releaseHeld()
    await paying
    expect(node.lookup(payee.id, { paymentHash: tx.payment_hash }).state).toBe('settled')
    expect(node.balance(payee.id)).toBe(6_000)
  })

  it('a held payment that fails after all refunds the payer and leaves the invoice payable', async () => {
    const node = fresh()
    const payee = node.createWallet()
    const payer = node.createWallet({ balanceMsat: msat(10_000) })
    const tx = node.makeInvoice(payee.id, { amountMsat: msat(6_000) })
    node.holdSettlements()
    const paying = node.payInvoice(payer.id, tx.invoice)
    expect(node.balance(payer.id)).toBe(4_000)
    node.failHeld('HTLC timed out')
    await expect(paying).rejects.toMatchObject({
      code: 'PAYMENT_FAILED',
      message: 'HTLC timed out',
    })
    expect(node.balance(payer.id)).toBe(10_000)
    expect(node.lookup(payer.id, { paymentHash: tx.payment_hash }).state).toBe('failed')
    expect(node.lookup(payee.id, { paymentHash: tx.payment_hash }).state).toBe('pending')
    node.clearHold()
    await node.payInvoice(payer.id, tx.invoice)
    expect(node.balance(payee.id)).toBe(6_000)
    expect(node.lookup(payer.id, { paymentHash: tx.payment_hash }).state).toBe('settled')
  })

  it('paying your own invoice returns the outgoing record and moves nothing', async () => {
    const node = fresh()
    const w = node.createWallet({ balanceMsat: msat(5_000) })
    const tx = node.makeInvoice(w.id, { amountMsat: msat(2_000) })
    const paid = await node.payInvoice(w.id, tx.invoice)
    expect(paid.transaction).toMatchObject({
      type: 'outgoing',
      state: 'settled',
      preimage: paid.preimage,
    })
    expect(node.balance(w.id)).toBe(5_000)
  })

  it('balances, invoices and payments survive a restart, and a payment held at a crash settles on reopen', async () => {
    const node = open()
    const payee = node.createWallet({ name: 'dev' })
    const payer = node.createWallet({ name: 'buyer', balanceMsat: msat(50_000) })
    const paidTx = node.makeInvoice(payee.id, { amountMsat: msat(1_000) })
    await node.payInvoice(payer.id, paidTx.invoice)
    const heldTx = node.makeInvoice(payee.id, { amountMsat: msat(2_000) })
    node.holdSettlements()
    void node.payInvoice(payer.id, heldTx.invoice).catch(() => undefined)
    node.db.close() // crash: the held payment is debited, not credited
    const again = fresh()
    expect(again.nodePubkey).toBe(node.nodePubkey)
    expect(again.balance(again.wallet('dev').id)).toBe(3_000)
    expect(again.balance(again.wallet('buyer').id)).toBe(47_000)
    expect(again.lookup(payee.id, { paymentHash: heldTx.payment_hash }).state).toBe('settled')
    expect(again.lookup(payer.id, { paymentHash: paidTx.payment_hash }).state).toBe('settled')
  })

  it('conserves money across 1,000 random payments between wallets (settled, refused, failed, held then settled or failed)', async () => {
    const node = fresh()
    const rand = seededRandom(42)
    const wallets = Array.from({ length: 10 }, (_, i) =>
      node.createWallet({ balanceMsat: msat(i < 5 ? 1_000_000 : 0) }),
    )
    const minted = 5 * 1_000_000
    let settled = 0
    let refused = 0
    for (let i = 0; i < 1_000; i++) {
      const payer = wallets[rand(wallets.length)]!
      const payee = wallets[rand(wallets.length)]!
      const tx = node.makeInvoice(payee.id, { amountMsat: msat(1 + rand(300_000)) })
      if (rand(20) === 0) node.failNextPayments(1)
      const held = rand(12) === 0
      if (held) node.holdSettlements()
      const paying = node.payInvoice(payer.id, tx.invoice)
      if (held) {
        expect(node.totalMsat()).toBe(minted) // debited, not yet credited: counted as in flight
        if (rand(2) === 0) node.failHeld()
        node.clearHold()
      }
      let paid = false
      try {
        await paying
        paid = true
        settled++
      } catch (e) {
        expect(e).toBeInstanceOf(LightningError)
        refused++
      }
      if (paid && rand(20) === 0)
        expect(await codeOf(node.payInvoice(payer.id, tx.invoice))).toBe('PAYMENT_FAILED')
      expect(node.totalMsat()).toBe(minted)
    }
    const balances = node.listWallets().reduce((s, w) => s + w.balanceMsat, 0)
    expect(balances).toBe(minted)
    expect(settled + refused).toBe(1_000)
    expect(settled).toBeGreaterThan(0)
    expect(refused).toBeGreaterThan(0)
    // Each wallet's balance equals what it started with plus settled incoming minus settled outgoing.
    for (const [i, w] of wallets.entries()) {
      const txs = node.listTransactions(w.id).transactions
      const net = txs.reduce(
        (s, t) => s + (t.type === 'incoming' ? t.amount : -t.amount - t.fees_paid),
        0,
      )
      expect(node.balance(w.id)).toBe((i < 5 ? 1_000_000 : 0) + net)
    }
  })

  it('list_transactions is newest first, even within one second', async () => {
    const node = fresh()
    const payee = node.createWallet()
    const payer = node.createWallet({ balanceMsat: msat(100_000) })
    const hashes: string[] = []
    for (let i = 0; i < 5; i++) {
      offsetMs += 1 // same second, later ms
      const tx = node.makeInvoice(payee.id, { amountMsat: msat(1_000 + i) })
      await node.payInvoice(payer.id, tx.invoice)
      hashes.push(tx.payment_hash)
    }
    expect(node.listTransactions(payee.id).transactions.map((t) => t.payment_hash)).toEqual(
      [...hashes].reverse(),
    )
    expect(
      node
        .listTransactions(payee.id, { limit: 2, offset: 1 })
        .transactions.map((t) => t.payment_hash),
    ).toEqual([hashes[3], hashes[2]])
  })
})
