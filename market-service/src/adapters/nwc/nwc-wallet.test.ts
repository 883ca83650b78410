/**
 * The NWC adapter against devnet over real NIP-47 on a real relay: the Wallet contract, plus what only
 * a network adapter has to show — notifications resume after the relay restarts.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { startMarketRelay } from '@zapcade/relay'
import { startDevnet } from '@zapcade/devnet'
import { msat } from '@zapcade/shared/money'
import { NwcWallet } from './nwc-wallet.ts'
import { walletContract } from './wallet-contract.ts'

const PAY_TIMEOUT_MS = 1_000,
  REQUEST_TIMEOUT_MS = 1_500

walletContract('NWC adapter on devnet', async () => {
  const relay = await startMarketRelay({ port: 0 })
  const dataDir = mkdtempSync(join(tmpdir(), 'nwc-contract-'))
  const devnet = await startDevnet({ relayUrl: relay.url, dataDir, writeJson: false })
  const wallet = new NwcWallet({
    url: devnet.marketNwcUrl,
    payTimeoutMs: PAY_TIMEOUT_MS,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
  })
  // The market pays out, so its wallet needs money; the developer's wallet makes the foreign invoices.
  await devnet.control.payInvoice(
    'buyer',
    (
      await wallet.makeInvoice({
        amountMsat: msat(1_000_000),
        description: 'funding',
        expirySec: 600,
      })
    ).bolt11,
  )
  const dev = devnet.createWallet({ name: 'contract-dev' })
  const devWallet = new NwcWallet({ url: dev.nwcUrl })
  // Subscribe once up front, so the first test's notification does not race the subscription.
  const off = wallet.onPaymentReceived(() => undefined)
  await wallet.notificationsReady()
  return {
    wallet,
    async pay(bolt11) {
      await devnet.control.payInvoice('buyer', bolt11)
    },
    async foreignInvoice(amountMsat) {
      return (
        await devWallet.makeInvoice({
          amountMsat: msat(amountMsat),
          description: 'payout',
          expirySec: 600,
        })
      ).bolt11
    },
    slowResponses: (ms) => devnet.control.slowResponses(ms),
    dropNotifications: (n) => devnet.control.dropNotifications(n),
    payTimeoutMs: PAY_TIMEOUT_MS,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    async stop() {
      off()
      await wallet.close()
      await devWallet.close()
      await devnet.stop()
      await relay.stop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
})

describe('NWC adapter under concurrency', () => {
  it('60 requests at once all answer, and the notification subscription survives them (relays cap subscriptions per connection)', async () => {
    const relay = await startMarketRelay({ port: 0 })
    const dataDir = mkdtempSync(join(tmpdir(), 'nwc-burst-'))
    const devnet = await startDevnet({ relayUrl: relay.url, dataDir, writeJson: false })
    const wallet = new NwcWallet({ url: devnet.marketNwcUrl, requestTimeoutMs: 20_000 })
    const seen = new Set<string>()
    const off = wallet.onPaymentReceived((s) => {
      seen.add(s.paymentHash)
    })
    try {
      await wallet.notificationsReady()
      const invoices = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          wallet.makeInvoice({ amountMsat: msat(1_000 + i), description: 'burst', expirySec: 600 }),
        ),
      )
      expect(new Set(invoices.map((i) => i.paymentHash)).size).toBe(60)
      // devnet tags its replies `["p", client]` (as Alby Hub does): the first reply moved the client to
      // one standing reply subscription, so these 60 requests opened no subscription each.
      expect(wallet.replyMode).toBe('standing')
      await devnet.control.payInvoice('buyer', invoices[0]!.bolt11)
      for (let i = 0; i < 100 && !seen.has(invoices[0]!.paymentHash); i++)
        await new Promise((r) => setTimeout(r, 50))
      expect(seen.has(invoices[0]!.paymentHash)).toBe(true)
    } finally {
      off()
      await wallet.close()
      await devnet.stop()
      await relay.stop()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})

describe('NWC adapter with a subscription per request (the fallback for wallets that do not tag p)', () => {
  it('makes, pays and looks up as the standing mode does', async () => {
    const relay = await startMarketRelay({ port: 0 })
    const dataDir = mkdtempSync(join(tmpdir(), 'nwc-per-request-'))
    const devnet = await startDevnet({ relayUrl: relay.url, dataDir, writeJson: false })
    const wallet = new NwcWallet({
      url: devnet.marketNwcUrl,
      requestTimeoutMs: 10_000,
      replies: 'per-request',
    })
    try {
      const invoices = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          wallet.makeInvoice({
            amountMsat: msat(2_000 + i),
            description: 'per request',
            expirySec: 600,
          }),
        ),
      )
      await devnet.control.payInvoice('buyer', invoices[3]!.bolt11)
      expect(await wallet.lookupInvoice(invoices[3]!.paymentHash)).toMatchObject({
        state: 'SETTLED',
        amountMsat: 2_003,
      })
      expect(await wallet.lookupInvoice(invoices[4]!.paymentHash)).toMatchObject({
        state: 'PENDING',
      })
      expect(wallet.replyMode).toBe('per-request')
    } finally {
      await wallet.close()
      await devnet.stop()
      await relay.stop()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})

describe('NWC adapter over a relay that restarts', () => {
  it('notifications resume after the relay goes down and comes back on the same port', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'nwc-restart-'))
    let relay = await startMarketRelay({ port: 0 })
    const port = relay.port
    const devnet = await startDevnet({ relayUrl: relay.url, dataDir, writeJson: false })
    const wallet = new NwcWallet({ url: devnet.marketNwcUrl, requestTimeoutMs: 3_000 })
    const seen: string[] = []
    const off = wallet.onPaymentReceived((s) => {
      seen.push(s.paymentHash)
    })
    try {
      expect(await wallet.notificationsReady()).toBe(true)
      await relay.stop()
      relay = await startMarketRelay({ port })
      // Requests reconnect on their own; the notification subscription is re-sent by the pool's backoff.
      const inv = await retry(() =>
        wallet.makeInvoice({
          amountMsat: msat(4_000),
          description: 'after restart',
          expirySec: 600,
        }),
      )
      for (let i = 0; i < 100 && !seen.includes(inv.paymentHash); i++) {
        if (i % 10 === 0 && (await wallet.lookupInvoice(inv.paymentHash))?.state !== 'SETTLED')
          await devnet.control.payInvoice('buyer', inv.bolt11).catch(() => undefined)
        await new Promise((r) => setTimeout(r, 200))
      }
      expect(seen).toContain(inv.paymentHash)
    } finally {
      off()
      await wallet.close()
      await devnet.stop()
      await relay.stop()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})

async function retry<T>(fn: () => Promise<T>, tries = 20): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn()
    } catch (e) {
      if (i >= tries) throw e
      await new Promise((r) => setTimeout(r, 250))
    }
  }
}
