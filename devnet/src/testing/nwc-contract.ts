/**
 * The NWC wallet contract: what Zapcade needs from any NIP-47 wallet, checked over the real protocol
 * with the project's own NIP-47 client (shared/src/nwc, the one the market's adapter uses). It takes the wallet under test
 * as a parameter so the same suite runs against devnet today and any other wallet later.
 */
import { createHash, randomBytes } from 'node:crypto'
import bolt11 from 'bolt11'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nodeNwcClient } from '@zapcade/shared/crypto/nwc-node'
import type { Nip47Notification, NwcClient } from '@zapcade/shared/nwc/client'
import { bytesToHex, hexToBytes } from 'nostr-tools/utils'
import { finalizeEvent, getPublicKey, verifyEvent, type Event } from 'nostr-tools/pure'
import { Relay, useWebSocketImplementation } from 'nostr-tools/relay'
import * as nip04 from 'nostr-tools/nip04'

// Node 20 has no global WebSocket: nostr-tools' Relay (the raw checks below) gets `ws`.
useWebSocketImplementation(WebSocket)

export interface NwcWalletUnderTest {
  /** Full-permission connection to a wallet holding at least 1,000,000 msat. */
  payerUrl: string
  /** Full-permission connection to a second wallet. */
  payeeUrl: string
  /** Full-permission connection to a wallet with no money. */
  emptyUrl: string
  /** A connection without pay_invoice (make/lookup/list/get_*, notifications). */
  receiveOnlyUrl: string
  /** Move the wallet's clock forward; absent = the suite waits for real time to pass. */
  advanceClockSec?: (sec: number) => void
  /** A syntactically valid invoice this wallet has no route to. */
  foreignInvoice?: () => string
  stop(): Promise<void>
}

type Client = NwcClient
type Notification = Nip47Notification

const sha256 = (hex: string) => createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex')

/** Await a wallet error and return its NIP-47 code. */
async function errorCode(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (e) {
    return (e as { code?: string }).code ?? 'NO_CODE'
  }
  return 'NO_ERROR'
}

/**
 * Subscribe to notifications and return once the subscription is live (a round trip on the same
 * connection follows the REQ); `next` resolves with the first match or rejects after `ms`.
 */
async function listen(
  c: Client,
  pred: (n: Notification) => boolean,
  ms = 10_000,
): Promise<{ next: Promise<Notification> }> {
  let resolveNext: (n: Notification) => void = () => undefined
  const arrived = new Promise<Notification>((resolve) => (resolveNext = resolve))
  const unsub = await c.subscribeNotifications((n) => {
    if (pred(n)) resolveNext(n)
  })
  await c.getBalance()
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error('no notification arrived')), ms)),
  )
  const next = Promise.race([arrived, timeout]).finally(() => {
    clearTimeout(timer)
    unsub()
  })
  next.catch(() => undefined)
  return { next }
}

export function nwcContract(name: string, setup: () => Promise<NwcWalletUnderTest>): void {
  describe(`NWC wallet contract: ${name}`, () => {
    let w: NwcWalletUnderTest
    const clients: Client[] = []
    const client = (url: string, o: { nip04?: boolean } = {}) => {
      // A NIP-04 client although the wallet offers NIP-44 (the negotiation would pick nip44_v2).
      const c = nodeNwcClient(url, WebSocket, o.nip04 ? { encryption: 'nip04' } : {})
      clients.push(c)
      return c
    }
    let payer: Client
    let payee: Client

    beforeAll(async () => {
      w = await setup()
      payer = client(w.payerUrl)
      payee = client(w.payeeUrl)
    })
    afterAll(async () => {
      for (const c of clients) c.close()
      await w?.stop()
    })

    it('publishes an info event offering nip44_v2 and nip04, the methods and both notifications', async () => {
      const info = await payer.getWalletServiceInfo()
      expect(info.encryptions).toEqual(expect.arrayContaining(['nip44_v2', 'nip04']))
      expect(info.capabilities).toEqual(
        expect.arrayContaining([
          'get_info',
          'get_balance',
          'make_invoice',
          'lookup_invoice',
          'pay_invoice',
          'list_transactions',
        ]),
      )
      expect(info.notifications).toEqual(
        expect.arrayContaining(['payment_received', 'payment_sent']),
      )
    })

    it('get_info names the node and the methods this connection may call', async () => {
      const info = await payer.getInfo()
      expect(info.pubkey).toMatch(/^0[23][0-9a-f]{64}$/)
      expect(info.methods).toContain('pay_invoice')
      const receiveOnly = await client(w.receiveOnlyUrl).getInfo()
      expect(receiveOnly.methods).toContain('make_invoice')
      expect(receiveOnly.methods).not.toContain('pay_invoice')
    })

    it('make_invoice returns a signed BOLT11 with the amount, description and expiry asked for', async () => {
      const tx = await payee.makeInvoice({
        amount: 21_000,
        description: 'contract #1',
        expiry: 600,
      })
      const d = bolt11.decode(tx.invoice)
      expect(d.millisatoshis).toBe('21000')
      expect(d.tagsObject.description).toBe('contract #1')
      expect(d.tagsObject.payment_hash).toBe(tx.payment_hash)
      expect((d.timeExpireDate ?? 0) - (d.timestamp ?? 0)).toBe(600)
      expect(tx.amount).toBe(21_000)
      expect(tx.state).toBe('pending')
      expect(tx.expires_at - tx.created_at).toBe(600)
      expect(d.payeeNodeKey).toBe((await payee.getInfo()).pubkey)
    })

    it('make_invoice commits a description_hash as the invoice h tag', async () => {
      const hash = createHash('sha256').update('[["text/plain","x"]]').digest('hex')
      const tx = await payee.makeInvoice({ amount: 5_000, description_hash: hash })
      expect(bolt11.decode(tx.invoice).tagsObject.purpose_commit_hash).toBe(hash)
    })

    it('lookup_invoice finds an unpaid invoice by payment hash and by invoice, as pending', async () => {
      const tx = await payee.makeInvoice({ amount: 3_000, description: 'lookup' })
      expect((await payee.lookupInvoice({ payment_hash: tx.payment_hash })).state).toBe('pending')
      const byInvoice = await payee.lookupInvoice({ invoice: tx.invoice })
      expect(byInvoice.payment_hash).toBe(tx.payment_hash)
      expect(byInvoice.type).toBe('incoming')
    })

    it('an unknown payment hash is NOT_FOUND', async () => {
      expect(
        await errorCode(payee.lookupInvoice({ payment_hash: bytesToHex(randomBytes(32)) })),
      ).toBe('NOT_FOUND')
    })

    it('pay_invoice moves exactly the amount plus fees, and the preimage hashes to the payment hash', async () => {
      const before = {
        payer: (await payer.getBalance()).balance,
        payee: (await payee.getBalance()).balance,
      }
      const tx = await payee.makeInvoice({ amount: 12_345, description: 'pay' })
      const paid = await payer.payInvoice({ invoice: tx.invoice })
      expect(sha256(paid.preimage)).toBe(tx.payment_hash)
      const after = {
        payer: (await payer.getBalance()).balance,
        payee: (await payee.getBalance()).balance,
      }
      expect(after.payee - before.payee).toBe(12_345)
      expect(before.payer - after.payer).toBe(12_345 + (paid.fees_paid ?? 0))
      const incoming = await payee.lookupInvoice({ payment_hash: tx.payment_hash })
      expect(incoming).toMatchObject({ state: 'settled', preimage: paid.preimage, amount: 12_345 })
      expect(incoming.settled_at).toBeGreaterThan(0)
      const outgoing = await payer.lookupInvoice({ payment_hash: tx.payment_hash })
      expect(outgoing).toMatchObject({
        type: 'outgoing',
        state: 'settled',
        preimage: paid.preimage,
      })
    })

    it('an invoice is paid once: the second payment is refused and moves no money', async () => {
      const tx = await payee.makeInvoice({ amount: 4_000, description: 'twice' })
      await payer.payInvoice({ invoice: tx.invoice })
      const balance = (await payer.getBalance()).balance
      expect(await errorCode(payer.payInvoice({ invoice: tx.invoice }))).toMatch(
        /^(PAYMENT_FAILED|OTHER)$/,
      )
      expect((await payer.getBalance()).balance).toBe(balance)
    })

    it('a wallet without the balance gets INSUFFICIENT_BALANCE', async () => {
      const empty = client(w.emptyUrl)
      const tx = await payee.makeInvoice({ amount: 50_000, description: 'too much' })
      expect(await errorCode(empty.payInvoice({ invoice: tx.invoice }))).toBe(
        'INSUFFICIENT_BALANCE',
      )
      expect((await payee.lookupInvoice({ payment_hash: tx.payment_hash })).state).toBe('pending')
    })

    it('an expired invoice is never paid', async () => {
      const tx = await payee.makeInvoice({ amount: 2_000, description: 'late', expiry: 1 })
      if (w.advanceClockSec) w.advanceClockSec(5)
      else await new Promise((r) => setTimeout(r, 2_100))
      const balance = (await payer.getBalance()).balance
      expect(await errorCode(payer.payInvoice({ invoice: tx.invoice }))).toMatch(
        /^(PAYMENT_FAILED|OTHER)$/,
      )
      expect((await payer.getBalance()).balance).toBe(balance)
      expect((await payee.lookupInvoice({ payment_hash: tx.payment_hash })).state).not.toBe(
        'settled',
      )
    })

    it('a receive-only connection gets RESTRICTED on pay_invoice and may still make invoices', async () => {
      const ro = client(w.receiveOnlyUrl)
      const tx = await payer.makeInvoice({ amount: 1_000, description: 'ro' })
      expect(await errorCode(ro.payInvoice({ invoice: tx.invoice }))).toBe('RESTRICTED')
      expect((await ro.makeInvoice({ amount: 1_000 })).invoice).toMatch(/^ln/)
    })

    it('a client key the wallet never connected is UNAUTHORIZED', async () => {
      const url = new URL(w.payerUrl.replace('nostr+walletconnect:', 'http:'))
      url.searchParams.set('secret', bytesToHex(randomBytes(32)))
      const stranger = client(url.toString().replace('http:', 'nostr+walletconnect:'))
      expect(await errorCode(stranger.getBalance())).toBe('UNAUTHORIZED')
    })

    it('a method the wallet does not know is NOT_IMPLEMENTED', async () => {
      expect(await errorCode(payer.request('sign_message', { message: 'hi' }))).toBe(
        'NOT_IMPLEMENTED',
      )
    })

    it('an invoice the wallet has no route to fails with PAYMENT_FAILED', async () => {
      const foreign = w.foreignInvoice?.() ?? foreignInvoice()
      expect(await errorCode(payer.payInvoice({ invoice: foreign }))).toBe('PAYMENT_FAILED')
    })

    it('payment_received reaches the payee and payment_sent the payer, with the settled transaction (NIP-44, 23197)', async () => {
      const tx = await payee.makeInvoice({ amount: 7_000, description: 'notify' })
      const received = await listen(payee, (n) => n.notification.payment_hash === tx.payment_hash)
      const sent = await listen(payer, (n) => n.notification.payment_hash === tx.payment_hash)
      const paid = await payer.payInvoice({ invoice: tx.invoice })
      const r = await received.next
      expect(r.notification_type).toBe('payment_received')
      expect(r.notification).toMatchObject({
        type: 'incoming',
        state: 'settled',
        amount: 7_000,
        preimage: paid.preimage,
      })
      const s = await sent.next
      expect(s.notification_type).toBe('payment_sent')
      expect(s.notification).toMatchObject({
        type: 'outgoing',
        amount: 7_000,
        preimage: paid.preimage,
      })
    })

    it('a NIP-04 client is answered in NIP-04 for every method and gets 23196 notifications', async () => {
      const p04 = client(w.payerUrl, { nip04: true })
      const q04 = client(w.payeeUrl, { nip04: true })
      expect((await p04.getInfo()).methods).toContain('pay_invoice')
      expect((await p04.getBalance()).balance).toBeGreaterThan(0)
      const tx = await q04.makeInvoice({ amount: 9_000, description: 'nip04' })
      expect((await q04.lookupInvoice({ invoice: tx.invoice })).state).toBe('pending')
      const received = await listen(q04, (n) => n.notification.payment_hash === tx.payment_hash)
      const paid = await p04.payInvoice({ invoice: tx.invoice })
      expect((await received.next).notification.preimage).toBe(paid.preimage)
      const list = await p04.listTransactions({ type: 'outgoing', limit: 5 })
      expect(list.transactions.map((t) => t.payment_hash)).toContain(tx.payment_hash)
    })

    it('list_transactions lists settled payments newest first, filtered by type, limited and offset', async () => {
      const a = await payee.makeInvoice({ amount: 1_100, description: 'list a' })
      await payer.payInvoice({ invoice: a.invoice })
      const b = await payee.makeInvoice({ amount: 1_200, description: 'list b' })
      await payer.payInvoice({ invoice: b.invoice })
      const unpaid = await payee.makeInvoice({ amount: 1_300, description: 'list unpaid' })
      const incoming = await payee.listTransactions({ type: 'incoming', limit: 50 })
      const hashes = incoming.transactions.map((t) => t.payment_hash)
      expect(hashes).toContain(a.payment_hash)
      expect(hashes).not.toContain(unpaid.payment_hash)
      expect(incoming.transactions.every((t) => t.type === 'incoming')).toBe(true)
      const times = incoming.transactions.map((t) => t.settled_at ?? t.created_at)
      expect([...times].sort((x, y) => y - x)).toEqual(times)
      const withUnpaid = await payee.listTransactions({ type: 'incoming', unpaid: true, limit: 50 })
      expect(withUnpaid.transactions.map((t) => t.payment_hash)).toContain(unpaid.payment_hash)
      expect((await payee.listTransactions({ limit: 1 })).transactions).toHaveLength(1)
      const second = await payee.listTransactions({ type: 'incoming', limit: 1, offset: 1 })
      expect(second.transactions[0]?.payment_hash).toBe(hashes[1])
      const outgoing = await payer.listTransactions({ type: 'outgoing', limit: 50 })
      expect(outgoing.transactions.map((t) => t.payment_hash)).toEqual(
        expect.arrayContaining([a.payment_hash, b.payment_hash]),
      )
      expect(outgoing.transactions.every((t) => t.type === 'outgoing')).toBe(true)
    })

    it('a request without an encryption tag is NIP-04 and the response is signed, p-tagged and e-tagged', async () => {
      const u = new URL(w.payerUrl.replace('nostr+walletconnect:', 'http:'))
      const walletPk = u.hostname
      const relayUrl = u.searchParams.get('relay') ?? ''
      const sk = hexToBytes(u.searchParams.get('secret') ?? '')
      const relay = await Relay.connect(relayUrl)
      try {
        const req = finalizeEvent(
          {
            kind: 23194,
            created_at: Math.floor(Date.now() / 1000),
            tags: [['p', walletPk]],
            content: nip04.encrypt(
              sk,
              walletPk,
              JSON.stringify({ method: 'get_balance', params: {} }),
            ),
          },
          sk,
        )
        const response = new Promise<Event>((resolve) => {
          relay.subscribe([{ kinds: [23195], authors: [walletPk], '#e': [req.id] }], {
            onevent: resolve,
          })
        })
        await relay.publish(req)
        const res = await response
        expect(verifyEvent(res)).toBe(true)
        expect(res.tags).toEqual(
          expect.arrayContaining([
            ['p', getPublicKey(sk)],
            ['e', req.id],
          ]),
        )
        const body = JSON.parse(nip04.decrypt(sk, walletPk, res.content)) as {
          result_type: string
          result: { balance: number }
        }
        expect(body.result_type).toBe('get_balance')
        expect(body.result.balance).toBeGreaterThan(0)
      } finally {
        relay.close()
      }
    })
  })
}

/** A well-formed regtest invoice signed by a random key, which no devnet-like wallet can route to. */
export function foreignInvoice(amountMsat = 1_000): string {
  const key = bytesToHex(randomBytes(32))
  const unsigned = bolt11.encode(
    {
      network: { bech32: 'bcrt', pubKeyHash: 0x6f, scriptHash: 0xc4, validWitnessVersions: [0, 1] },
      millisatoshis: String(amountMsat),
      timestamp: Math.floor(Date.now() / 1000),
      tags: [
        { tagName: 'payment_hash', data: bytesToHex(randomBytes(32)) },
        { tagName: 'payment_secret', data: bytesToHex(randomBytes(32)) },
        { tagName: 'description', data: 'elsewhere' },
        { tagName: 'expire_time', data: 3600 },
        { tagName: 'min_final_cltv_expiry', data: 18 },
        {
          tagName: 'feature_bits',
          data: {
            var_onion_optin: { required: true },
            payment_secret: { required: true },
          } as never,
        },
      ],
    },
    false,
  )
  return bolt11.sign(unsigned, key).paymentRequest ?? ''
}
