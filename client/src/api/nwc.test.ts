import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import { mkdtemp } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { installNodeWebSocket } from './node-websocket.ts'
import { startMarketRelay, type MarketRelay } from '@zapcade/relay'
import { startDevnet, type Devnet } from '@zapcade/devnet/up'
import { satsToMsat } from '@zapcade/shared/money'
import { NwcError, nwcPayInvoice, nwcRequest, parseNwcUri } from './nwc.ts'

let relay: MarketRelay
let devnet: Devnet

beforeAll(async () => {
  installNodeWebSocket()
  relay = await startMarketRelay()
  devnet = await startDevnet({
    relayUrl: relay.url,
    dataDir: await mkdtemp(join(tmpdir(), 'zapcade-nwc-')),
    writeJson: false,
  })
})
afterAll(async () => {
  await devnet?.stop()
  await relay?.stop()
})

async function invoiceFor(sats: number): Promise<{ invoice: string; payment_hash: string }> {
  const r = await nwcRequest(devnet.marketNwcUrl, 'make_invoice', {
    amount: satsToMsat(sats),
    description: 'nwc client test',
  })
  return r as { invoice: string; payment_hash: string }
}

describe('NIP-47 pay_invoice client (against the devnet wallet service over a real relay)', () => {
  it('pays an invoice and answers the preimage whose sha256 is the payment hash', async () => {
    const { invoice, payment_hash } = await invoiceFor(21)
    const { preimage } = await nwcPayInvoice(devnet.buyer.nwcUrl, invoice, { timeoutMs: 15_000 })
    expect(createHash('sha256').update(Buffer.from(preimage, 'hex')).digest('hex')).toBe(
      payment_hash,
    )
  })

  it('a wallet error reply becomes NwcError with the NIP-47 code', async () => {
    const poor = devnet.createWallet({ balanceMsat: satsToMsat(0) })
    const { invoice } = await invoiceFor(50)
    const err = await nwcPayInvoice(poor.nwcUrl, invoice, { timeoutMs: 15_000 }).catch(
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(NwcError)
    expect((err as NwcError).code).toBe('INSUFFICIENT_BALANCE')
  })

  it('a wallet relay that cannot be reached is NwcError UNREACHABLE, not a hang', async () => {
    const s = createServer()
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
    const port = (s.address() as { port: number }).port
    await new Promise<void>((r) => s.close(() => r()))
    const c = parseNwcUri(devnet.buyer.nwcUrl)
    const dead = `nostr+walletconnect://${c.walletPubkey}?relay=${encodeURIComponent(`ws://127.0.0.1:${port}`)}&secret=${'1'.repeat(64)}`
    await expect(nwcPayInvoice(dead, 'lnbcrt1', { timeoutMs: 15_000 })).rejects.toMatchObject({
      code: 'UNREACHABLE',
    })
  })

  it('malformed URIs are refused without echoing the secret', () => {
    expect(() => parseNwcUri('https://wallet.example')).toThrow(NwcError)
    const noSecret = `nostr+walletconnect://${'a'.repeat(64)}?relay=wss%3A%2F%2Fr.example`
    expect(() => parseNwcUri(noSecret)).toThrow(/no valid secret/)
    const secret = 'f'.repeat(63)
    let message = ''
    try {
      parseNwcUri(`${noSecret}&secret=${secret}`)
    } catch (e) {
      message = (e as Error).message
    }
    expect(message).not.toContain(secret)
  })
})
