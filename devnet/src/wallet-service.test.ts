import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { nodeNwcClient } from '@zapcade/shared/crypto/nwc-node'
import type { NwcClient } from '@zapcade/shared/nwc/client'
import { finalizeEvent, type Event } from 'nostr-tools/pure'
import { Relay, useWebSocketImplementation } from 'nostr-tools/relay'
import * as nip04 from 'nostr-tools/nip04'
import * as nip44 from 'nostr-tools/nip44'
import { hexToBytes } from 'nostr-tools/utils'
import { startMarketRelay, type MarketRelay } from '@zapcade/relay'
import { msat } from '@zapcade/shared/money'
import { startDevnet, type Devnet } from './up.ts'
import { RECEIVE_ONLY } from './nwc-methods.ts'
import { nwcContract } from './testing/nwc-contract.ts'
import { seededRandom } from './testing/seeded-random.ts'

useWebSocketImplementation(WebSocket)

nwcContract('devnet', async () => {
  const relay = await startMarketRelay({ port: 0 })
  const dataDir = mkdtempSync(join(tmpdir(), 'devnet-contract-'))
  let offsetMs = 0
  const devnet = await startDevnet({
    relayUrl: relay.url,
    dataDir,
    clock: { nowMs: () => Date.now() + offsetMs },
  })
  const payee = devnet.createWallet({ name: 'payee' })
  const empty = devnet.createWallet({ balanceMsat: msat(0) })
  return {
    payerUrl: devnet.buyer.nwcUrl,
    payeeUrl: payee.nwcUrl,
    emptyUrl: empty.nwcUrl,
    receiveOnlyUrl: devnet.connect(payee.walletId, RECEIVE_ONLY),
    advanceClockSec: (sec) => {
      offsetMs += sec * 1000
    },
    async stop() {
      await devnet.stop()
      await relay.stop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
})

describe('devnet wallet service beyond the contract', () => {
  let relay: MarketRelay
  let devnet: Devnet
  let dataDir: string
  const clients: NwcClient[] = []
  const client = (url: string) => {
    const c = nodeNwcClient(url, WebSocket)
    clients.push(c)
    return c
  }

  beforeAll(async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined)
    relay = await startMarketRelay({ port: 0 })
    dataDir = mkdtempSync(join(tmpdir(), 'devnet-service-'))
    devnet = await startDevnet({ relayUrl: relay.url, dataDir, writeJson: false })
  })
  afterAll(async () => {
    for (const c of clients) c.close()
    await devnet.stop()
    await relay.stop()
    rmSync(dataDir, { recursive: true, force: true })
    vi.restoreAllMocks()
  })

  /** Publish one raw request with the given tags and content; resolve with the response event, if any comes before `other` does. */
  async function raw(tags: string[][], content: (sk: Uint8Array, walletPk: string) => string) {
    const u = new URL(devnet.marketNwcUrl.replace('nostr+walletconnect:', 'http:'))
    const walletPk = u.hostname
    const sk = hexToBytes(u.searchParams.get('secret') ?? '')
    const r = await Relay.connect(relay.url)
    const req = finalizeEvent(
      {
        kind: 23194,
        created_at: Math.floor(Date.now() / 1000),
        tags: [['p', walletPk], ...tags],
        content: content(sk, walletPk),
      },
      sk,
    )
    const response = new Promise<Event>((resolve) =>
      r.subscribe([{ kinds: [23195], '#e': [req.id] }], { onevent: resolve }),
    )
    await r.publish(req)
    return { req, response, sk, walletPk, close: () => r.close() }
  }

  it('an unsupported encryption is answered UNSUPPORTED_ENCRYPTION (in nip04)', async () => {
    const { response, sk, walletPk, close } = await raw([['encryption', 'nip99']], () => 'whatever')
    const body = JSON.parse(nip04.decrypt(sk, walletPk, (await response).content)) as {
      error: { code: string }
    }
    expect(body.error.code).toBe('UNSUPPORTED_ENCRYPTION')
    close()
  })

  it('content that does not decrypt with the named scheme is answered OTHER, in that scheme', async () => {
    const { response, sk, walletPk, close } = await raw([['encryption', 'nip44_v2']], (k, pk) =>
      nip04.encrypt(k, pk, '{"method":"get_balance"}'),
    )
    const body = JSON.parse(
      nip44.decrypt((await response).content, nip44.getConversationKey(sk, walletPk)),
    ) as { error: { code: string; message: string } }
    expect(body.error).toMatchObject({ code: 'OTHER', message: expect.stringMatching(/decrypt/) })
    close()
  })

  it('bad params are OTHER with the field named', async () => {
    const c = client(devnet.marketNwcUrl)
    await expect(c.makeInvoice({ amount: -5 })).rejects.toMatchObject({
      code: 'OTHER',
      message: expect.stringMatching(/amount/),
    })
    await expect(c.makeInvoice({ amount: 1_000, description_hash: 'xyz' })).rejects.toMatchObject({
      code: 'OTHER',
    })
  })

  it('notifications go only to connections allowed them', async () => {
    const quiet = devnet.connect('market', [
      'get_info',
      'get_balance',
      'make_invoice',
      'lookup_invoice',
    ])
    const loud = client(devnet.connect('market', ['get_balance', 'notifications']))
    const mute = client(quiet)
    const heard: string[] = []
    const muteHeard: string[] = []
    const unsubs = [
      await loud.subscribeNotifications((n) => heard.push(n.notification.payment_hash)),
      await mute.subscribeNotifications((n) => muteHeard.push(n.notification.payment_hash)),
    ]
    await loud.getBalance()
    await mute.getBalance()
    const inv = await mute.makeInvoice({ amount: 2_000 })
    await devnet.control.payInvoice('buyer', inv.invoice)
    await vi.waitFor(() => expect(heard).toContain(inv.payment_hash))
    await devnet.service.idle()
    expect(muteHeard).toEqual([])
    for (const u of unsubs) u()
  })

  it('a list_transactions page too big for one relay event is cut short and the rest is reached by offset', async () => {
    const w = devnet.createWallet({ name: 'busy' })
    const made = new Set<string>()
    for (let i = 0; i < 150; i++)
      made.add(
        devnet.node.makeInvoice(w.walletId, {
          amountMsat: msat(1_000 + i),
          description: `item ${i}`,
        }).payment_hash,
      )
    const c = client(w.nwcUrl)
    const seen = new Set<string>()
    let offset = 0
    for (;;) {
      const page = await c.listTransactions({ unpaid: true, limit: 1000, offset })
      expect(page.total_count).toBe(150)
      if (page.transactions.length === 0) break
      if (offset === 0) expect(page.transactions.length).toBeLessThan(150)
      for (const t of page.transactions) seen.add(t.payment_hash)
      offset += page.transactions.length
    }
    expect(seen).toEqual(made)
  })

  it('reconnects after the relay restarts and answers again', async () => {
    const port = Number(new URL(relay.url).port)
    const connects = devnet.service.relayConnects
    await relay.stop()
    relay = await startMarketRelay({ port })
    await vi.waitFor(() => expect(devnet.service.relayConnects).toBe(connects + 1), {
      timeout: 20_000,
      interval: 50,
    })
    expect(devnet.service.listening).toBe(true)
    expect((await client(devnet.marketNwcUrl).getBalance()).balance).toEqual(expect.any(Number))
  })

  it('conserves money across random concurrent payments between four wallets over NWC', async () => {
    const start = 200_000
    const ws = Array.from({ length: 4 }, (_, i) =>
      devnet.createWallet({ name: `cons-${i}`, balanceMsat: msat(start) }),
    )
    const cs = ws.map((w) => client(w.nwcUrl))
    const rand = seededRandom(7)
    const outcomes = await Promise.all(
      Array.from({ length: 16 }, async () => {
        const payer = rand(4)
        const payee = rand(4)
        const inv = await cs[payee]!.makeInvoice({ amount: 1 + rand(120_000) })
        const tries = rand(3) === 0 ? 2 : 1 // some invoices are paid twice at once: only one may settle
        const r = await Promise.allSettled(
          Array.from({ length: tries }, () => cs[payer]!.payInvoice({ invoice: inv.invoice })),
        )
        return r.filter((x) => x.status === 'fulfilled').length
      }),
    )
    expect(outcomes.every((n) => n <= 1)).toBe(true)
    // A client-side timeout (a loaded machine) leaves an outcome unknown to the client, not to the wallet.
    await devnet.service.idle()
    const balances = await Promise.all(cs.map(async (c) => (await c.getBalance()).balance))
    expect(balances.reduce((a, b) => a + b, 0)).toBe(4 * start)
    for (const [i, c] of cs.entries()) {
      const { transactions } = await c.listTransactions({ limit: 1000 })
      const net = transactions.reduce(
        (s, t) => s + (t.type === 'incoming' ? t.amount : -t.amount - t.fees_paid),
        0,
      )
      expect(balances[i]).toBe(start + net)
    }
  }, 120_000)
})
