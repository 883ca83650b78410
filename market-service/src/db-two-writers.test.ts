/**
 * Two writers on one SQLite file (reliability catalogue DB-3): the indexer as its own process
 * (`relay-indexer/src/main.ts`, as `npm run start:indexer` runs it) backfilling 3,000 events from a real
 * market relay into `<data>/zapcade.db`, while this process runs the service on the same file and guest
 * checkouts (waves of 20, until the indexer has caught up) go through real HTTP and get settled by wallet notifications (read-modify-write on
 * purchases, ledger and entitlements). No request may fail, no settlement may be lost, and neither
 * process may log SQLITE_BUSY / "database is locked".
 */
import { spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { pino } from 'pino'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { NostrEvent } from '@zapcade/shared/events/event'
import type { CreatePurchaseResponse } from '@zapcade/shared/api/purchases'
import { startMarketRelay, type MarketRelay } from '@zapcade/relay'
import { makeCorpus } from '@zapcade/relay-indexer/testing/corpus'
import type { InvoiceStatus, Wallet } from './ports/wallet.ts'
import { newKey, seedGame } from './testing/payments-harness.ts'
import { eventually, startHarness, type Harness } from './testing/service-harness.ts'

const INDEXER_MAIN = fileURLToPath(new URL('../../relay-indexer/src/main.ts', import.meta.url))
const EVENTS = 3000
const BUSY = /SQLITE_BUSY|database is locked/i

/** Publish on one socket, pipelined; resolves when the relay has answered OK true to every event. */
async function publishAll(url: string, evs: NostrEvent[]): Promise<void> {
  const ws = new WebSocket(url)
  await new Promise((r, j) => {
    ws.once('open', r)
    ws.once('error', j)
  })
  let left = evs.length
  await new Promise<void>((resolve, reject) => {
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as unknown[]
      if (m[0] !== 'OK') return
      if (m[2] !== true) return reject(new Error(`relay refused ${String(m[1])}: ${String(m[3])}`))
      if (--left === 0) resolve()
    })
    for (const ev of evs) ws.send(JSON.stringify(['EVENT', ev]))
  })
  ws.close()
}

/** A wallet whose invoices are paid when the test says so, through the service's own listener. */
function testWallet(): Wallet & { pay(hash: string): void } {
  const invoices = new Map<string, { preimage: string; amountMsat: InvoiceStatus['amountMsat'] }>()
  const listeners: ((s: InvoiceStatus) => void)[] = []
  return {
    async makeInvoice(req) {
      const preimage = randomBytes(32).toString('hex')
      const paymentHash = createHash('sha256').update(Buffer.from(preimage, 'hex')).digest('hex')
      invoices.set(paymentHash, { preimage, amountMsat: req.amountMsat })
      const now = Math.floor(Date.now() / 1000)
      return {
        bolt11: `lnbcrt${paymentHash.slice(0, 16)}`,
        paymentHash,
        amountMsat: req.amountMsat,
        createdAtSec: now,
        expiresAtSec: now + req.expirySec,
      }
    },
    async lookupInvoice() {
      return undefined
    },
    async payInvoice() {
      return { status: 'FAILED', reason: 'test wallet does not pay' }
    },
    async lookupPayment() {
      return { status: 'NOT_FOUND' }
    },
    onPaymentReceived(l) {
      listeners.push(l)
      return () => {
        listeners.splice(listeners.indexOf(l), 1)
      }
    },
    async close() {},
    pay(hash) {
      const inv = invoices.get(hash)!
      for (const l of listeners)
        l({
          paymentHash: hash,
          state: 'SETTLED',
          amountMsat: inv.amountMsat,
          preimage: inv.preimage,
          settledAtSec: Math.floor(Date.now() / 1000),
        })
    },
  }
}

describe('the indexer process and the service on one database file (DB-3)', () => {
  let dir: string, relay: MarketRelay, h: Harness, corpus: NostrEvent[]
  const logged: string[] = []
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'db-two-writers-'))
    // 3,000 events at once from one socket: over the relay's default token bucket (burst 1,000).
    relay = await startMarketRelay({ port: 0, rateLimit: false })
    corpus = (await makeCorpus(EVENTS, 0, Math.floor(Date.now() / 1000) - 10)).events
    await publishAll(relay.url, corpus)
  })
  afterAll(async () => {
    await h?.stop()
    await relay.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('no SQLITE_BUSY reaches a user or a log while both write, and nothing either wrote is lost', async () => {
    const wallet = testWallet()
    const log = pino(
      { level: 'warn' },
      new Writable({
        write(chunk, _e, cb) {
          logged.push(String(chunk))
          cb()
        },
      }),
    )
    h = await startHarness({ dir, relay, overrides: { wallet, log } })
    const db = h.svc.db
    const dev = newKey()
    seedGame(db, dev, 'shared-file', {
      priceMsat: 21_000,
      marketPubkey: ((await (await h.call('/api/v1/info')).json()) as { market_pubkey: string })
        .market_pubkey,
    })

    const child = spawn(process.execPath, ['--import', 'tsx', INDEXER_MAIN], {
      env: {
        ...process.env,
        ZAPCADE_DATA_DIR: dir,
        ZAPCADE_RELAYS: relay.url,
        ZAPCADE_RELAY_PORT: 'off',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let childLog = ''
    const caughtUp = new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => {
        childLog += d.toString()
        if (childLog.includes('[indexer] caught up')) resolve()
      })
      child.once('exit', (code) =>
        reject(new Error(`indexer exited with ${String(code)}: ${childLog}`)),
      )
    })
    const rawEvents = () => db.prepare('SELECT count(*) FROM raw_events').pluck().get() as number
    try {
      // Start the checkouts once the indexer is writing, so the two really overlap.
      await eventually(async () => rawEvents() > 0, 400)
      const atStart = rawEvents()
      // Waves of 20 concurrent checkouts, kept going until the indexer has caught up (at least 3 waves).
      let done = false
      void caughtUp.then(
        () => {
          done = true
        },
        () => {
          done = true
        },
      )
      const statuses: number[] = []
      for (let wave = 0; wave < 3 || !done; wave++) {
        statuses.push(
          ...(await Promise.all(
            Array.from({ length: 20 }, async () => {
              const r = await h.call('/api/v1/purchases', {
                method: 'POST',
                body: JSON.stringify({ game: `${dev.pubkey}/shared-file` }),
              })
              const body = (await r.json()) as CreatePurchaseResponse
              if (r.status === 201) wallet.pay(body.payment_hash)
              return r.status
            }),
          )),
        )
      }
      await caughtUp
      const purchases = statuses.length
      expect(statuses.filter((s) => s !== 201)).toEqual([])
      await eventually(
        async () =>
          (db
            .prepare(`SELECT count(*) FROM purchases WHERE status = 'PAID'`)
            .pluck()
            .get() as number) === purchases,
        200,
      )

      expect(atStart).toBeLessThan(EVENTS) // the checkouts began while the indexer was still writing
      expect(rawEvents()).toBe(EVENTS)
      expect(db.prepare(`SELECT count(*) FROM entitlements`).pluck().get()).toBe(purchases)
      expect(
        db.prepare(`SELECT count(*) FROM ledger_entries WHERE type = 'INVOICE_PAID'`).pluck().get(),
      ).toBe(purchases)
      expect(childLog).not.toMatch(BUSY)
      expect(logged.filter((l) => BUSY.test(l))).toEqual([])
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
    } finally {
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await exited
    }
  }, 60_000)
})
