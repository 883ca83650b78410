import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { nodeNwcClient } from '@zapcade/shared/crypto/nwc-node'
import type { NwcClient } from '@zapcade/shared/nwc/client'
import { finalizeEvent, type Event } from 'nostr-tools/pure'
import { Relay, useWebSocketImplementation } from 'nostr-tools/relay'
import * as nip44 from 'nostr-tools/nip44'
import { hexToBytes } from 'nostr-tools/utils'
import { startMarketRelay, type MarketRelay } from '@zapcade/relay'
import { msat } from '@zapcade/shared/money'
import { BUYER_FUNDING_MSAT, startDevnet, type Devnet, type DevnetJson } from './up.ts'
import { RECEIVE_ONLY } from './nwc-methods.ts'

useWebSocketImplementation(WebSocket)

let relay: MarketRelay
const dirs: string[] = []
const clients: NwcClient[] = []
const running: Devnet[] = []
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'devnet-up-'))
  dirs.push(d)
  return d
}
const client = (url: string) => {
  const c = nodeNwcClient(url, WebSocket)
  clients.push(c)
  return c
}
const start = async (dataDir: string, extra: { apiUrl?: string } = {}) => {
  const d = await startDevnet({ relayUrl: relay.url, dataDir, ...extra })
  running.push(d)
  return d
}
const post = async (d: Devnet, knob: string, body: unknown = {}) => {
  const res = await fetch(`${d.controlUrl}/${knob}`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}
async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (e) {
    return (e as { code?: string }).code ?? 'NO_CODE'
  }
  return 'NO_ERROR'
}

/** Send one raw NIP-44 request and resolve with the decrypted response body. */
async function rawRequest(
  nwcUrl: string,
  method: string,
): Promise<{ sent: Event; answer: Promise<Record<string, unknown>>; close(): void }> {
  const u = new URL(nwcUrl.replace('nostr+walletconnect:', 'http:'))
  const walletPk = u.hostname
  const sk = hexToBytes(u.searchParams.get('secret') ?? '')
  const key = nip44.getConversationKey(sk, walletPk)
  const r = await Relay.connect(u.searchParams.get('relay') ?? '')
  const sent = finalizeEvent(
    {
      kind: 23194,
      created_at: Math.floor(Date.now() / 1000),
      tags: [
        ['p', walletPk],
        ['encryption', 'nip44_v2'],
      ],
      content: nip44.encrypt(JSON.stringify({ method, params: {} }), key),
    },
    sk,
  )
  const answer = new Promise<Record<string, unknown>>((resolve) => {
    r.subscribe([{ kinds: [23195], authors: [walletPk], '#e': [sent.id] }], {
      onevent: (ev) =>
        resolve(JSON.parse(nip44.decrypt(ev.content, key)) as Record<string, unknown>),
    })
  })
  await r.publish(sent)
  return { sent, answer, close: () => r.close() }
}

beforeAll(async () => {
  vi.spyOn(console, 'error').mockImplementation(() => undefined)
  relay = await startMarketRelay({ port: 0 })
})
afterEach(async () => {
  for (const c of clients.splice(0)) c.close()
  for (const d of running.splice(0)) await d.stop()
})
afterAll(async () => {
  await relay.stop()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
  vi.restoreAllMocks()
})

describe('startDevnet', () => {
  it('creates the market, a funded buyer and the demo developer, and writes devnet.json', async () => {
    const dir = tmp()
    const d = await start(dir, { apiUrl: 'http://127.0.0.1:8787' })
    expect(d.marketNwcUrl).toMatch(
      /^nostr\+walletconnect:\/\/[0-9a-f]{64}\?relay=.+&secret=[0-9a-f]{64}/,
    )
    expect((await client(d.buyer.nwcUrl).getBalance()).balance).toBe(BUYER_FUNDING_MSAT)
    expect((await client(d.marketNwcUrl).getBalance()).balance).toBe(0)
    expect(d.developer.lud16).toBe(`demo-dev@${new URL(d.lnurlBaseUrl).host}`)
    const json = JSON.parse(readFileSync(join(dir, 'devnet.json'), 'utf8')) as DevnetJson
    expect(json).toEqual({
      relay_url: relay.url,
      api_url: 'http://127.0.0.1:8787',
      control_url: d.controlUrl,
      buyer: { nwc_url: d.buyer.nwcUrl, lud16: d.buyer.lud16 },
      developer: { lud16: d.developer.lud16 },
    })
    // The file holds a spending credential: owner only.
    expect(statSync(join(dir, 'devnet.json')).mode & 0o077).toBe(0)
  })

  it('a restart on the same data dir gives the same connections, addresses and balances', async () => {
    const dir = tmp()
    const first = await start(dir)
    const market = client(first.marketNwcUrl)
    const inv = await market.makeInvoice({ amount: 50_000, description: 'before restart' })
    await client(first.buyer.nwcUrl).payInvoice({ invoice: inv.invoice })
    const urls = {
      market: first.marketNwcUrl,
      buyer: first.buyer,
      developer: first.developer,
      lnurl: first.lnurlBaseUrl,
    }
    for (const c of clients.splice(0)) c.close()
    await running.pop()!.stop()
    const again = await start(dir)
    expect({
      market: again.marketNwcUrl,
      buyer: again.buyer,
      developer: again.developer,
      lnurl: again.lnurlBaseUrl,
    }).toEqual(urls)
    expect((await client(again.marketNwcUrl).getBalance()).balance).toBe(50_000)
    expect((await client(again.buyer.nwcUrl).getBalance()).balance).toBe(
      BUYER_FUNDING_MSAT - 50_000,
    )
    expect(
      (await client(again.marketNwcUrl).lookupInvoice({ payment_hash: inv.payment_hash })).state,
    ).toBe('settled')
  })

  it('refuses to start when NODE_ENV=production', async () => {
    vi.stubEnv('NODE_ENV', 'production')
    try {
      await expect(startDevnet({ relayUrl: relay.url, dataDir: tmp() })).rejects.toThrow(
        /production/,
      )
    } finally {
      vi.unstubAllEnvs()
    }
  })

  it('fails to start when the relay is unreachable, and a later start on the same dir works', async () => {
    const dir = tmp()
    const closed = await startMarketRelay({ port: 0 })
    await closed.stop()
    await expect(
      startDevnet({ relayUrl: closed.url, dataDir: dir, lnurlPort: 0 }),
    ).rejects.toThrow()
    // Nothing half-made is left behind: a later start on the same dir works.
    const d = await start(dir)
    expect(d.marketNwcUrl).toMatch(/^nostr\+walletconnect:/)
  })

  it('createWallet makes funded, named wallets with an address and a connection of the permissions asked', async () => {
    const d = await start(tmp())
    const shop = d.createWallet({ name: 'shop', balanceMsat: msat(77_000) })
    expect(shop.lud16).toBe(`shop@${new URL(d.lnurlBaseUrl).host}`)
    expect((await client(shop.nwcUrl).getBalance()).balance).toBe(77_000)
    const ro = d.createWallet({ permissions: RECEIVE_ONLY })
    expect(ro.lud16).toBeUndefined()
    const inv = await client(d.marketNwcUrl).makeInvoice({ amount: 1_000 })
    expect(await codeOf(client(ro.nwcUrl).payInvoice({ invoice: inv.invoice }))).toBe('RESTRICTED')
  })
})

describe('devnet control API', () => {
  it('fail-next-payment fails exactly the next payment, which moves no money', async () => {
    const d = await start(tmp())
    const market = client(d.marketNwcUrl)
    const buyer = client(d.buyer.nwcUrl)
    const inv = await market.makeInvoice({ amount: 10_000 })
    expect((await post(d, 'fail-next-payment')).status).toBe(200)
    expect(await codeOf(buyer.payInvoice({ invoice: inv.invoice }))).toBe('PAYMENT_FAILED')
    expect((await buyer.getBalance()).balance).toBe(BUYER_FUNDING_MSAT)
    await buyer.payInvoice({ invoice: inv.invoice })
    expect((await market.getBalance()).balance).toBe(10_000)
  })

  it('hold-settlement keeps a payment pending on both sides until release-held', async () => {
    const d = await start(tmp())
    const market = client(d.marketNwcUrl)
    const buyer = client(d.buyer.nwcUrl)
    const inv = await market.makeInvoice({ amount: 10_000 })
    await post(d, 'hold-settlement')
    const paying = buyer.payInvoice({ invoice: inv.invoice })
    await vi.waitFor(() => expect(d.node.heldCount()).toBe(1))
    expect((await market.lookupInvoice({ payment_hash: inv.payment_hash })).state).toBe('pending')
    expect(
      (await client(d.buyer.nwcUrl).lookupInvoice({ payment_hash: inv.payment_hash })).state,
    ).toBe('pending')
    expect((await post(d, 'release-held')).status).toBe(200)
    const paid = await paying
    expect((await market.lookupInvoice({ payment_hash: inv.payment_hash })).preimage).toBe(
      paid.preimage,
    )
  })

  it('fail-held makes a held payment fail after all: the payer is refunded and the invoice stays payable', async () => {
    const d = await start(tmp())
    const market = client(d.marketNwcUrl)
    const buyer = client(d.buyer.nwcUrl)
    const inv = await market.makeInvoice({ amount: 10_000 })
    await post(d, 'hold-settlement')
    const paying = buyer.payInvoice({ invoice: inv.invoice })
    await vi.waitFor(() => expect(d.node.heldCount()).toBe(1))
    expect((await post(d, 'fail-held', { reason: 'HTLC timed out' })).status).toBe(200)
    await expect(paying).rejects.toMatchObject({ code: 'PAYMENT_FAILED' })
    expect((await buyer.lookupInvoice({ payment_hash: inv.payment_hash })).state).toBe('failed')
    expect((await buyer.getBalance()).balance).toBe(BUYER_FUNDING_MSAT)
    await post(d, 'reset')
    await buyer.payInvoice({ invoice: inv.invoice })
    expect((await market.lookupInvoice({ payment_hash: inv.payment_hash })).state).toBe('settled')
  })

  it('drop-notifications loses the next notifications while payments still settle', async () => {
    const d = await start(tmp())
    const market = client(d.marketNwcUrl)
    const seen: string[] = []
    const unsub = await market.subscribeNotifications((n) => seen.push(n.notification.payment_hash))
    await market.getBalance()
    const first = await market.makeInvoice({ amount: 1_000 })
    const second = await market.makeInvoice({ amount: 2_000 })
    await post(d, 'drop-notifications', { count: 1 }) // the market's payment_received of the first payment
    await d.control.payInvoice('buyer', first.invoice)
    await d.control.payInvoice('buyer', second.invoice)
    await vi.waitFor(() => expect(seen).toContain(second.payment_hash))
    expect(seen).not.toContain(first.payment_hash)
    expect((await market.lookupInvoice({ payment_hash: first.payment_hash })).state).toBe('settled')
    unsub()
  })

  it('slow-responses delays every answer by at least the time asked', async () => {
    const d = await start(tmp())
    await post(d, 'slow-responses', { ms: 400 })
    const t0 = Date.now()
    expect((await client(d.marketNwcUrl).getBalance()).balance).toBe(0)
    expect(Date.now() - t0).toBeGreaterThanOrEqual(395)
    expect((await post(d, 'slow-responses', { ms: 0 })).body.delay_ms).toBe(0)
  })

  it('offline loses the requests sent meanwhile; online answers again', async () => {
    const d = await start(tmp())
    expect((await post(d, 'offline')).body.offline).toBe(true)
    const lost = await rawRequest(d.marketNwcUrl, 'get_balance')
    let lostAnswered = false
    void lost.answer.then(() => (lostAnswered = true))
    // The relay has the lost request once it answered our OK; only then come back.
    await post(d, 'online')
    const later = await rawRequest(d.marketNwcUrl, 'get_balance')
    expect((await later.answer).result).toEqual({ balance: 0 })
    expect(lostAnswered).toBe(false)
    lost.close()
    later.close()
  })

  it('pay pays an invoice from a named wallet; state reports the knobs; bad bodies are 400', async () => {
    const d = await start(tmp())
    const inv = await client(d.marketNwcUrl).makeInvoice({ amount: 3_000 })
    const paid = await post(d, 'pay', { wallet: 'buyer', bolt11: inv.invoice })
    expect(paid.status).toBe(200)
    expect(paid.body.payment_hash).toBe(inv.payment_hash)
    const again = await post(d, 'pay', { wallet: 'buyer', bolt11: inv.invoice })
    expect(again).toMatchObject({ status: 400, body: { code: 'PAYMENT_FAILED' } })
    expect((await post(d, 'slow-responses', { ms: 'fast' })).status).toBe(400)
    await post(d, 'fail-next-payment', { count: 2 })
    const state = (await (await fetch(`${d.controlUrl}/state`)).json()) as Record<string, unknown>
    expect(state).toMatchObject({ fail_next: 2, offline: false, delay_ms: 0 })
    expect((await post(d, 'reset')).body.fail_next).toBe(0)
  })

  it('refuse-requests answers the next requests of a method with a NIP-47 error code and moves no money', async () => {
    const d = await start(tmp())
    expect((await post(d, 'refuse-requests', { code: 'NO_SUCH_CODE' })).status).toBe(400)
    expect(
      (
        await post(d, 'refuse-requests', {
          count: 1,
          code: 'QUOTA_EXCEEDED',
          method: 'pay_invoice',
        })
      ).status,
    ).toBe(200)
    expect(
      ((await (await fetch(`${d.controlUrl}/state`)).json()) as Record<string, unknown>).refuse,
    ).toEqual({ count: 1, code: 'QUOTA_EXCEEDED', method: 'pay_invoice' })
    const market = client(d.marketNwcUrl),
      buyer = client(d.buyer.nwcUrl)
    const balance = (await buyer.getBalance()).balance
    const inv = await market.makeInvoice({ amount: 2_000 }) // another method: not refused
    expect(await codeOf(buyer.payInvoice({ invoice: inv.invoice }))).toBe('QUOTA_EXCEEDED')
    expect((await buyer.getBalance()).balance).toBe(balance)
    await buyer.payInvoice({ invoice: inv.invoice }) // the knob is used up
    expect((await buyer.getBalance()).balance).toBeLessThan(balance)
  })
})
