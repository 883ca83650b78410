import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  addDeveloper,
  addPayout,
  ledgerOf,
  payoutRow,
  settledIncoming,
  startPayoutWorld,
  type PayoutWorld,
} from './testing/payout-fixture.ts'

const script = fileURLToPath(new URL('./testing/payout-child.ts', import.meta.url))

interface Child {
  proc: ChildProcess
  lines: string[]
  exited: Promise<number | null>
  /** Resolves with the first line starting with `prefix`. */
  line(prefix: string): Promise<string>
}

function startChild(w: PayoutWorld, payoutId: string): Child {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', script, w.dbFile, w.devnet.marketNwcUrl, payoutId],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const lines: string[] = []
  const waiters: { prefix: string; resolve: (l: string) => void }[] = []
  createInterface({ input: proc.stdout! }).on('line', (l) => {
    lines.push(l)
    for (const wt of waiters.filter((x) => l.startsWith(x.prefix))) wt.resolve(l)
  })
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)))
  return {
    proc,
    lines,
    exited,
    line: (prefix) =>
      new Promise((resolve, reject) => {
        const seen = lines.find((l) => l.startsWith(prefix))
        if (seen) return resolve(seen)
        waiters.push({ prefix, resolve })
        void exited.then((code) =>
          reject(new Error(`child exited (${code}) before printing ${prefix}`)),
        )
      }),
  }
}

let w: PayoutWorld
beforeAll(async () => {
  w = await startPayoutWorld()
})
afterAll(async () => {
  await w.stop()
})

let seq = 0
function setup(amountMsat: number): { id: string; devWalletId: number } {
  const dev = w.devnet.createWallet({ name: `crash-${process.pid}-${++seq}` })
  const now = Math.floor(Date.now() / 1000)
  const { userId } = addDeveloper(w.db, dev.lud16!, now)
  return { id: addPayout(w.db, userId, amountMsat, now), devWalletId: dev.walletId }
}

describe('a payout worker killed with SIGKILL after pay_invoice, then restarted (PAY-1)', () => {
  it('killed while the wallet is settling the payment: the restart looks the hash up and pays nothing more', async () => {
    const { id, devWalletId } = setup(13_000)
    w.devnet.control.holdSettlement()
    const first = startChild(w, id)
    try {
      await first.line('PAYING')
      // The wallet has taken the payment (debited, settlement held): kill before the worker hears back.
      await expect.poll(() => w.devnet.node.heldCount(), { timeout: 20_000 }).toBe(1)
      first.proc.kill('SIGKILL')
      expect(await first.exited).toBeNull()
    } finally {
      await w.devnet.control.reset()
    }
    const recorded = payoutRow(w.db, id)
    expect(recorded).toMatchObject({ status: 'SCHEDULED', attempts: 1 })
    expect(recorded.payment_hash).toMatch(/^[0-9a-f]{64}$/)

    const second = startChild(w, id)
    expect(await second.line('DONE')).toBe('DONE SENT')
    expect(await second.exited).toBe(0)
    expect(second.lines.some((l) => l.startsWith('PAYING'))).toBe(false)
    expect(payoutRow(w.db, id)).toMatchObject({
      status: 'SENT',
      payment_hash: recorded.payment_hash,
      bolt11: recorded.bolt11,
    })
    expect(settledIncoming(w.devnet, devWalletId)).toEqual([
      expect.objectContaining({ amount: 13_000, payment_hash: recorded.payment_hash }),
    ])
    expect(w.devnet.node.balance(devWalletId)).toBe(13_000)
    expect(ledgerOf(w.db, id).map((e) => e.type)).toEqual(['PAYOUT_SENT'])
  })

  it('killed the instant pay_invoice is handed to the wallet: after the restart exactly one payment reached the developer', async () => {
    const { id, devWalletId } = setup(17_000)
    const first = startChild(w, id)
    await first.line('PAYING')
    first.proc.kill('SIGKILL')
    await first.exited
    const recorded = payoutRow(w.db, id)
    expect(recorded.payment_hash).toMatch(/^[0-9a-f]{64}$/)

    const second = startChild(w, id)
    expect(await second.line('DONE')).toBe('DONE SENT')
    await second.exited
    // Whether or not the first request got out, the same invoice (one payment hash) is all that was paid.
    expect(payoutRow(w.db, id)).toMatchObject({
      status: 'SENT',
      payment_hash: recorded.payment_hash,
    })
    expect(settledIncoming(w.devnet, devWalletId)).toEqual([
      expect.objectContaining({ amount: 17_000, payment_hash: recorded.payment_hash }),
    ])
    expect(w.devnet.node.balance(devWalletId)).toBe(17_000)
    expect(ledgerOf(w.db, id).map((e) => e.type)).toEqual(['PAYOUT_SENT'])
  })

  it('killed after pay_invoice was sent but lost on the way: the restart finds it NOT_FOUND and pays the same invoice, once', async () => {
    const { id, devWalletId } = setup(19_000)
    await w.devnet.control.goOffline()
    const first = startChild(w, id)
    try {
      await first.line('PAYING')
      first.proc.kill('SIGKILL')
      await first.exited
    } finally {
      await w.devnet.control.goOnline()
    }
    const recorded = payoutRow(w.db, id)
    expect(settledIncoming(w.devnet, devWalletId)).toEqual([])

    const second = startChild(w, id)
    expect(await second.line('DONE')).toBe('DONE SENT')
    await second.exited
    // The recorded invoice is still payable, so it is paid again as it is: never a second invoice.
    expect(second.lines.filter((l) => l.startsWith('PAYING'))).toEqual([
      `PAYING ${recorded.bolt11}`,
    ])
    expect(payoutRow(w.db, id)).toMatchObject({
      status: 'SENT',
      payment_hash: recorded.payment_hash,
      attempts: 1,
    })
    expect(settledIncoming(w.devnet, devWalletId)).toEqual([
      expect.objectContaining({ amount: 19_000, payment_hash: recorded.payment_hash }),
    ])
    expect(ledgerOf(w.db, id).map((e) => e.type)).toEqual(['PAYOUT_SENT'])
  })
})
