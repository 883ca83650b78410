/**
 * Secrets are never logged (reliability catalogue AUT-5, second half): the service owns its NWC wallet
 * from ZAPCADE_NWC_URL (a spending credential), signs with ZAPCADE_MARKET_NSEC and HMACs with
 * ZAPCADE_SECRET. Everything it logs at trace level, and everything written to the console (the NWC sdk
 * logs there), while it sells to a guest, settles over real NIP-47, and is refused by its wallet,
 * contains none of them, nor the guest's receipt code.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { pino } from 'pino'
import { bytesToHex, hexToBytes } from 'nostr-tools/utils'
import { generateSecretKey, getPublicKey } from 'nostr-tools/pure'
import { startMarketRelay, type MarketRelay } from '@zapcade/relay'
import { startDevnet, type Devnet } from '@zapcade/devnet'
import type { CreatePurchaseResponse } from '@zapcade/shared/api/purchases'
import { NwcWallet } from './adapters/nwc/nwc-wallet.ts'
import { seedGame } from './testing/payments-harness.ts'
import { newKey, startHarness, type Harness } from './testing/service-harness.ts'

describe('secrets never reach the logs (AUT-5)', () => {
  let relay: MarketRelay, devnet: Devnet, h: Harness, dir: string, buyer: NwcWallet
  const logged: string[] = []
  const marketSecret = bytesToHex(generateSecretKey())
  const serviceSecret = 'x'.repeat(8) + bytesToHex(generateSecretKey())
  let nwcSecret: string

  beforeAll(async () => {
    for (const m of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, m).mockImplementation((...args: unknown[]) => {
        logged.push(
          args
            .map((a) =>
              a instanceof Error
                ? `${a.message} ${a.stack}`
                : typeof a === 'string'
                  ? a
                  : JSON.stringify(a),
            )
            .join(' '),
        )
      })
    }
    dir = await mkdtemp(join(tmpdir(), 'zapcade-secrets-log-'))
    relay = await startMarketRelay({ port: 0 })
    devnet = await startDevnet({
      relayUrl: relay.url,
      dataDir: join(dir, 'devnet'),
      writeJson: false,
    })
    nwcSecret = new URL(devnet.marketNwcUrl).searchParams.get('secret')!
    expect(nwcSecret).toMatch(/^[0-9a-f]{64}$/)
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        logged.push(chunk.toString('utf8'))
        cb()
      },
    })
    h = await startHarness({
      relay,
      dir: join(dir, 'svc'),
      env: {
        ZAPCADE_NWC_URL: devnet.marketNwcUrl,
        ZAPCADE_MARKET_NSEC: marketSecret,
        ZAPCADE_SECRET: serviceSecret,
      },
      overrides: { log: pino({ level: 'trace' }, sink) },
    })
    buyer = new NwcWallet({ url: devnet.buyer.nwcUrl })
  })
  afterAll(async () => {
    await buyer?.close()
    await h?.stop()
    await devnet?.stop()
    await relay?.stop()
    await rm(dir, { recursive: true, force: true })
    vi.restoreAllMocks()
  })

  it('a guest purchase paid over NWC, and a wallet that refuses the connection, log neither the NWC secret, the market key, the service secret nor the receipt code', async () => {
    const dev = newKey()
    const info = (await (await h.call('/api/v1/info')).json()) as { market_pubkey: string }
    seedGame(h.svc.db, dev, 'game', { priceMsat: 5_000, marketPubkey: info.market_pubkey })
    const r = await h.call('/api/v1/purchases', {
      method: 'POST',
      body: JSON.stringify({ game: `${dev.pubkey}/game` }),
    })
    expect(r.status).toBe(201)
    const p = (await r.json()) as CreatePurchaseResponse
    expect(p.receipt_code).toBeTruthy()
    expect((await buyer.payInvoice(p.bolt11)).status).toBe('SUCCEEDED')
    for (let i = 0; i < 200; i++) {
      const s = (await (
        await h.call(`/api/v1/purchases/${p.id}`, {
          headers: { 'x-receipt-code': p.receipt_code! },
        })
      ).json()) as { status: string }
      if (s.status === 'PAID') break
      await new Promise((res) => setTimeout(res, 25))
    }
    expect(
      (
        h.svc.db.prepare('SELECT status FROM purchases WHERE id = ?').get(p.id) as {
          status: string
        }
      ).status,
    ).toBe('PAID')

    // The wallet refuses the market's connection (revoked): the failure is answered, its credential not logged.
    devnet.service.revokeConnection(getPublicKey(hexToBytes(nwcSecret)))
    const refused = await h.call('/api/v1/purchases', {
      method: 'POST',
      body: JSON.stringify({ game: `${dev.pubkey}/game` }),
    })
    expect(refused.status).toBeGreaterThanOrEqual(500)

    const all = logged.join('\n')
    expect(all).toContain('market service listening') // the log sink was live
    expect(all).toContain('UNAUTHORIZED') // and so was the wallet failure path
    for (const secret of [
      nwcSecret,
      devnet.marketNwcUrl,
      marketSecret,
      serviceSecret,
      p.receipt_code!,
    ])
      expect(all).not.toContain(secret)
  })
})
