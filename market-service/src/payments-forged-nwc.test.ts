/**
 * Forged NWC messages (reliability catalogue INV-6): payment_received notifications that the market's
 * wallet did not send, sent to a wrong `p`, that do not decrypt, or for a hash the market never made,
 * are published to the relay the service's NWC adapter listens on. None of them moves the purchase,
 * the ledger or the entitlements; the real payment afterwards is still booked once. The service runs
 * over real HTTP with its real NWC adapter and settlement listener; devnet speaks real NIP-47.
 */
import { createHash, randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import { finalizeEvent, getPublicKey, generateSecretKey } from 'nostr-tools/pure'
import * as nip44 from 'nostr-tools/nip44'
import { bytesToHex, hexToBytes } from 'nostr-tools/utils'
import type { CreatePurchaseResponse } from '@zapcade/shared/api/purchases'
import { groupCommit } from './adapters/sqlite/group-commit.ts'
import type { InvoiceStatus } from './ports/wallet.ts'
import {
  newKey,
  seedGame,
  startPayments,
  type Key,
  type PaymentsHarness,
} from './testing/payments-harness.ts'

const PRICE = 21_000
const NOTIFICATION_KIND = 23197 // NIP-47 notification, NIP-44 encrypted

/** Publish one event to the relay and answer its OK verdict. */
async function publish(
  relayUrl: string,
  ev: object & { id: string },
): Promise<{ accepted: boolean; message: string }> {
  const ws = new WebSocket(relayUrl)
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    })
    const ok = new Promise<{ accepted: boolean; message: string }>((resolve) => {
      ws.on('message', (data) => {
        const msg = JSON.parse(String(data)) as unknown[]
        if (msg[0] === 'OK' && msg[1] === ev.id)
          resolve({ accepted: msg[2] === true, message: String(msg[3] ?? '') })
      })
    })
    ws.send(JSON.stringify(['EVENT', ev]))
    return await ok
  } finally {
    ws.close()
  }
}

describe('forged NWC notifications are ignored (INV-6)', () => {
  let h: PaymentsHarness, dev: Key
  let walletPubkey: string, walletSk: Uint8Array, marketClientPubkey: string
  const n = (sql: string, ...a: unknown[]): number =>
    (h.svc.db.prepare(sql).get(...a) as { n: number }).n
  const effects = (id: string) => ({
    status: (
      h.svc.db.prepare('SELECT status FROM purchases WHERE id = ?').get(id) as { status: string }
    ).status,
    ledger: n('SELECT count(*) AS n FROM ledger_entries WHERE purchase_id = ?', id),
    entitlements: n('SELECT count(*) AS n FROM entitlements WHERE purchase_id = ?', id),
    payouts: n('SELECT count(*) AS n FROM payouts WHERE purchase_id = ?', id),
  })
  const notification = (tx: Record<string, unknown>): string =>
    JSON.stringify({ notification_type: 'payment_received', notification: tx })
  const notificationEvent = (sk: Uint8Array, p: string, content: string) =>
    finalizeEvent(
      {
        kind: NOTIFICATION_KIND,
        created_at: Math.floor(Date.now() / 1000),
        tags: [['p', p]],
        content,
      },
      sk,
    )
  const encrypted = (sk: Uint8Array, to: string, text: string): string =>
    nip44.encrypt(text, nip44.getConversationKey(sk, to))

  beforeAll(async () => {
    h = await startPayments()
    dev = newKey()
    seedGame(h.svc.db, dev, 'game', { priceMsat: PRICE, marketPubkey: h.marketPubkey })
    const url = new URL(h.devnet.marketNwcUrl)
    walletPubkey = url.host || url.pathname.replace(/^\/+/, '')
    marketClientPubkey = getPublicKey(hexToBytes(url.searchParams.get('secret')!))
    // The wallet service's own key (test-only peek into devnet): even events it signs must prove payment.
    walletSk = hexToBytes(
      h.devnet.node.metaOr('nwc_service_key', () => {
        throw new Error('devnet has no service key')
      }),
    )
    expect(getPublicKey(walletSk)).toBe(walletPubkey)
  })
  afterAll(async () => {
    await h?.stopAll()
  })

  it('a notification from a foreign key, to a wrong p, undecryptable, with a wrong preimage or for an unknown hash books nothing; the real one books once', async () => {
    const r = await h.call('/api/v1/purchases', {
      method: 'POST',
      body: JSON.stringify({ game: `${dev.pubkey}/game` }),
      auth: newKey(),
    })
    expect(r.status).toBe(201)
    const p = (await r.json()) as CreatePurchaseResponse
    // The true preimage of the market's invoice (known to devnet only until someone pays): the forger
    // is given the best possible claim, so only the checks below can stop it.
    const truePreimage = (
      h.devnet.node.db
        .prepare('SELECT preimage FROM invoices WHERE payment_hash = ?')
        .get(p.payment_hash) as { preimage: string }
    ).preimage
    const now = Math.floor(Date.now() / 1000)
    const settledTx = (hash: string, preimage: string) => ({
      type: 'incoming',
      state: 'settled',
      payment_hash: hash,
      preimage,
      amount: PRICE,
      settled_at: now,
      created_at: now,
    })
    const claim = notification(settledTx(p.payment_hash, truePreimage))

    const foreign = generateSecretKey()
    const otherClient = newKey()
    const unknownPreimage = randomBytes(32)
    const unknownHash = createHash('sha256').update(unknownPreimage).digest('hex')
    const forged = {
      // Signed by a key that is not the wallet service, addressed to the market, encrypted to it.
      foreignKey: notificationEvent(
        foreign,
        marketClientPubkey,
        encrypted(foreign, marketClientPubkey, claim),
      ),
      // Signed by the wallet service but addressed to another connection.
      wrongP: notificationEvent(
        walletSk,
        otherClient.pubkey,
        encrypted(walletSk, otherClient.pubkey, claim),
      ),
      // Signed by the wallet service, addressed to the market, but not decryptable by it.
      undecryptable: notificationEvent(
        walletSk,
        marketClientPubkey,
        encrypted(foreign, marketClientPubkey, claim),
      ),
      garbage: notificationEvent(
        walletSk,
        marketClientPubkey,
        Buffer.from('not nip44 at all').toString('base64'),
      ),
      // Authentic in every way but the preimage: it does not hash to the payment hash.
      wrongPreimage: notificationEvent(
        walletSk,
        marketClientPubkey,
        encrypted(
          walletSk,
          marketClientPubkey,
          notification(settledTx(p.payment_hash, bytesToHex(randomBytes(32)))),
        ),
      ),
      // Authentic, with a valid preimage, for a hash the market never invoiced.
      unknownHash: notificationEvent(
        walletSk,
        marketClientPubkey,
        encrypted(
          walletSk,
          marketClientPubkey,
          notification(settledTx(unknownHash, bytesToHex(unknownPreimage))),
        ),
      ),
    }
    // A forged signature claiming the wallet's pubkey: the relay refuses it (and the client verifies too).
    const badSig = {
      ...notificationEvent(
        walletSk,
        marketClientPubkey,
        encrypted(walletSk, marketClientPubkey, claim),
      ),
    }
    badSig.sig = badSig.sig.replace(/^./, (c) => (c === '0' ? '1' : '0'))
    expect((await publish(h.relay.url, badSig)).accepted).toBe(false)

    // Watch what the adapter hands to its listeners while the forgeries arrive.
    const delivered: InvoiceStatus[] = []
    const offWatch = h.wallet.onPaymentReceived((s) => {
      delivered.push(s)
    })
    try {
      // A last authentic notification (for a hash nobody invoiced) marks the end: the relay sends in
      // order on one socket, so once the adapter delivers it every forgery has been delivered or dropped.
      const markerPreimage = randomBytes(32)
      const markerHash = createHash('sha256').update(markerPreimage).digest('hex')
      const marker = new Promise<void>((resolve) => {
        const off = h.wallet.onPaymentReceived((s) => {
          if (s.paymentHash === markerHash) {
            off()
            resolve()
          }
        })
      })
      for (const ev of Object.values(forged))
        expect((await publish(h.relay.url, ev)).accepted).toBe(true)
      await publish(
        h.relay.url,
        notificationEvent(
          walletSk,
          marketClientPubkey,
          encrypted(
            walletSk,
            marketClientPubkey,
            notification(settledTx(markerHash, bytesToHex(markerPreimage))),
          ),
        ),
      )
      await marker

      // The foreign-key, wrong-p and undecryptable copies (all carrying the true preimage) never reached
      // the listeners; the wrong preimage and the unknown hash did, and settlement refused them.
      expect(delivered.filter((s) => s.preimage === truePreimage)).toEqual([])
      expect(delivered.map((s) => s.paymentHash)).toEqual(
        expect.arrayContaining([p.payment_hash, unknownHash, markerHash]),
      )
      // A barrier: a unit queued now commits after every settlement the deliveries queued before it.
      await groupCommit(h.svc.db).run(() => undefined)
      expect(effects(p.id)).toEqual({ status: 'PENDING', ledger: 1, entitlements: 0, payouts: 0 }) // INVOICE_CREATED only

      // The real payment is still booked, once, with its true preimage.
      const real = new Promise<void>((resolve) => {
        const off = h.wallet.onPaymentReceived((s) => {
          if (s.paymentHash === p.payment_hash && s.preimage === truePreimage) {
            off()
            resolve()
          }
        })
      })
      await h.buyerWallet.payInvoice(p.bolt11)
      await real
    } finally {
      offWatch()
    }
    // The service's listener was subscribed first; its settlement commits with the next group commit.
    await vi.waitFor(
      () =>
        expect(effects(p.id)).toEqual({ status: 'PAID', ledger: 4, entitlements: 1, payouts: 1 }),
      { timeout: 5000 },
    )
    expect(
      (
        h.svc.db.prepare('SELECT preimage FROM purchases WHERE id = ?').get(p.id) as {
          preimage: string
        }
      ).preimage,
    ).toBe(truePreimage)
    expect(
      n(
        `SELECT count(*) AS n FROM ledger_entries WHERE type = 'INVOICE_PAID' AND json_extract(meta_json, '$.payment_hash') = ?`,
        unknownHash,
      ),
    ).toBe(0)
    expect(n('SELECT count(*) AS n FROM purchases WHERE invoice_id = ?', unknownHash)).toBe(0)
  })
})
