import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshDb } from '../../adapters/sqlite/testing/blob-seed.ts'
import {
  addDeveloper,
  addPayout,
  ledgerOf,
  payoutRow,
  settledIncoming,
  startPayoutWorld,
  type PayoutWorld,
} from './testing/payout-fixture.ts'

const main = fileURLToPath(new URL('../../main.ts', import.meta.url))

/** `npm run start:service` as a child process on a data dir, with the devnet market wallet as ZAPCADE_NWC_URL. */
async function startServiceProcess(
  w: PayoutWorld,
  dataDir: string,
): Promise<{ proc: ChildProcess; exited: Promise<unknown> }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', main], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      NODE_ENV: 'development',
      ZAPCADE_DATA_DIR: dataDir,
      ZAPCADE_PORT: '0',
      ZAPCADE_RELAYS: w.relay.url,
      ZAPCADE_NWC_URL: w.devnet.marketNwcUrl,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  })
  const exited = new Promise((r) => proc.once('exit', r))
  await new Promise<void>((resolve, reject) => {
    const rl = createInterface({ input: proc.stdout! })
    rl.on('line', (l) => {
      if (l.includes('"ready":true')) resolve()
    })
    void exited.then(() => reject(new Error('service exited before it was ready')))
  })
  return { proc, exited }
}

let w: PayoutWorld
beforeAll(async () => {
  w = await startPayoutWorld()
})
afterAll(async () => {
  await w.stop()
})

describe('the service killed with SIGKILL right after pay_invoice, then restarted (PAY-1)', () => {
  it('pays the developer exactly once', async () => {
    const dataDir = join(w.dir, 'service')
    mkdirSync(dataDir, { recursive: true })
    const db = freshDb(join(dataDir, 'zapcade.db'))
    const dev = w.devnet.createWallet({ name: `svc-crash-${process.pid}` })
    const now = Math.floor(Date.now() / 1000)
    const { userId } = addDeveloper(db, dev.lud16!, now)
    const id = addPayout(db, userId, 11_000, now)

    w.devnet.control.holdSettlement()
    const first = await startServiceProcess(w, dataDir)
    try {
      // The service's payout worker has sent pay_invoice and the wallet holds the payment: kill it now.
      await expect.poll(() => w.devnet.node.heldCount(), { timeout: 30_000, interval: 50 }).toBe(1)
      first.proc.kill('SIGKILL')
      await first.exited
    } finally {
      await w.devnet.control.reset()
    }
    const recorded = payoutRow(db, id)
    expect(recorded.status).toBe('SCHEDULED')
    expect(recorded.payment_hash).toMatch(/^[0-9a-f]{64}$/)

    const second = await startServiceProcess(w, dataDir)
    try {
      await expect
        .poll(() => payoutRow(db, id).status, { timeout: 30_000, interval: 100 })
        .toBe('SENT')
    } finally {
      second.proc.kill('SIGTERM')
      await second.exited
    }
    expect(payoutRow(db, id)).toMatchObject({
      status: 'SENT',
      payment_hash: recorded.payment_hash,
      attempts: 1,
    })
    expect(settledIncoming(w.devnet, dev.walletId)).toEqual([
      expect.objectContaining({ amount: 11_000, payment_hash: recorded.payment_hash }),
    ])
    expect(w.devnet.node.balance(dev.walletId)).toBe(11_000)
    expect(ledgerOf(db, id).map((e) => e.type)).toEqual(['PAYOUT_SENT'])
    db.close()
  }, 120_000)
})
