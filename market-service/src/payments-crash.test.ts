/**
 * The service killed with SIGKILL while payments are arriving (reliability catalogue INV-8, DB-1): the
 * real `main.ts` in a child process with its wallet from ZAPCADE_NWC_URL (devnet over a real relay),
 * 20 guest checkouts over HTTP, all paid at once, SIGKILL in the middle of the notifications, then the
 * service started again on the same data dir. Its own reconcile worker must book every payment exactly
 * once: no entitlement or ledger row twice, none missing, and the market wallet holds what the ledger says.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { bytesToHex } from 'nostr-tools/utils'
import { generateSecretKey, getPublicKey } from 'nostr-tools/pure'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startMarketRelay, type MarketRelay } from '@zapcade/relay'
import { startDevnet, type Devnet } from '@zapcade/devnet'
import { applyPragmas, migrate } from '@zapcade/shared/db/migrate'
import type { CreatePurchaseResponse } from '@zapcade/shared/api/purchases'
import { sqliteLedgerRepo } from './adapters/sqlite/ledger-repo.ts'
import { checkLedger } from './domain/ledger/ledger-check.ts'
import { newKey, seedGame } from './testing/payments-harness.ts'

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url))
const COUNT = 20,
  PRICE = 30_000

describe('SIGKILL while payments arrive', () => {
  let relay: MarketRelay, devnet: Devnet, dir: string, child: ChildProcess | undefined
  const marketSk = bytesToHex(generateSecretKey())
  const env = (): NodeJS.ProcessEnv => ({
    ...process.env,
    ZAPCADE_DATA_DIR: join(dir, 'svc'),
    ZAPCADE_PORT: '0',
    ZAPCADE_HOST: '127.0.0.1',
    ZAPCADE_RELAYS: relay.url,
    ZAPCADE_NWC_URL: devnet.marketNwcUrl,
    ZAPCADE_MARKET_NSEC: marketSk,
    ZAPCADE_SECRET: 'crash-test-secret-0123456789abcdef',
  })
  /** Start `npm run start:service` as it runs in production; resolves with its URL once it listens. */
  const start = async (): Promise<string> => {
    child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: env(),
      stdio: ['ignore', 'pipe', 'ignore'],
    })
    return await new Promise<string>((resolve, reject) => {
      const rl = createInterface({ input: child!.stdout! })
      rl.on('line', (l) => {
        if (!l.startsWith('{"ready"')) return
        rl.close()
        resolve((JSON.parse(l) as { url: string }).url)
      })
      child!.once('exit', (code) => reject(new Error(`service exited with ${code}`)))
    })
  }
  const kill = async (signal: NodeJS.Signals): Promise<void> => {
    const c = child
    if (!c || c.exitCode !== null) return
    const exited = new Promise((r) => c.once('exit', r))
    c.kill(signal)
    await exited
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pay-crash-'))
    relay = await startMarketRelay({ port: 0 })
    devnet = await startDevnet({
      relayUrl: relay.url,
      dataDir: join(dir, 'devnet'),
      writeJson: false,
    })
  })
  afterAll(async () => {
    await kill('SIGTERM')
    await devnet?.stop()
    await relay?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('after a restart every payment is booked exactly once and the wallet matches the ledger', async () => {
    let url = await start()
    const db = new Database(join(dir, 'svc', 'zapcade.db'))
    applyPragmas(db, 'money')
    migrate(db)
    const dev = newKey()
    seedGame(db, dev, 'crash', {
      priceMsat: PRICE,
      marketPubkey: getPublicKey(Buffer.from(marketSk, 'hex')),
    })
    const marketBefore = devnet.node.balance(devnet.node.wallet('market').id)

    const purchases = await Promise.all(
      Array.from({ length: COUNT }, async () => {
        const r = await fetch(`${url}/api/v1/purchases`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ game: `${dev.pubkey}/crash` }),
        })
        expect(r.status).toBe(201)
        return (await r.json()) as CreatePurchaseResponse
      }),
    )
    const paid = () =>
      (
        db.prepare(`SELECT count(*) AS n FROM purchases WHERE status = 'PAID'`).get() as {
          n: number
        }
      ).n
    // Pay all at once; kill the service as soon as the first payment is booked, the rest still arriving.
    // Half the notifications are lost besides, so at least those can only be found after the restart.
    devnet.control.dropNotifications(COUNT / 2)
    const payments = Promise.all(purchases.map((p) => devnet.control.payInvoice('buyer', p.bolt11)))
    while (paid() === 0) await new Promise((r) => setTimeout(r, 5))
    await kill('SIGKILL')
    await payments
    const bookedBeforeKill = paid()

    url = await start()
    for (let i = 0; i < 600 && paid() < COUNT; i++) await new Promise((r) => setTimeout(r, 100))
    expect({ bookedBeforeKill: bookedBeforeKill < COUNT, paid: paid() }).toEqual({
      bookedBeforeKill: true,
      paid: COUNT,
    })
    const perPurchase = db
      .prepare(`SELECT p.id,
        (SELECT count(*) FROM ledger_entries l WHERE l.purchase_id = p.id AND l.type = 'INVOICE_PAID') AS invoice_paid,
        (SELECT count(*) FROM entitlements e WHERE e.purchase_id = p.id) AS entitlements,
        (SELECT count(*) FROM payouts o WHERE o.purchase_id = p.id) AS payouts
      FROM purchases p`)
      .all() as { invoice_paid: number; entitlements: number; payouts: number }[]
    expect(
      perPurchase.every((r) => r.invoice_paid === 1 && r.entitlements === 1 && r.payouts === 1),
    ).toBe(true)
    expect(checkLedger(sqliteLedgerRepo(db).facts()).violations).toEqual([])
    expect(
      (db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check,
    ).toBe('ok')
    const inPaid = (
      db
        .prepare(`SELECT sum(amount_msat) AS s FROM ledger_entries WHERE type = 'INVOICE_PAID'`)
        .get() as { s: number }
    ).s
    const out = (
      db
        .prepare(
          `SELECT COALESCE(sum(amount_msat), 0) AS s FROM ledger_entries WHERE type = 'PAYOUT_SENT'`,
        )
        .get() as { s: number }
    ).s
    expect(inPaid).toBe(COUNT * PRICE)
    expect(devnet.node.balance(devnet.node.wallet('market').id) - marketBefore).toBe(inPaid - out)
    db.close()
  }, 120_000)
})
