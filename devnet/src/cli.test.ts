import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startMarketRelay, type MarketRelay } from '@zapcade/relay'
import { msat } from '@zapcade/shared/money'
import { runCli, type CliIo } from './cli.ts'
import { startDevnet, type Devnet } from './up.ts'

let relay: MarketRelay
let devnet: Devnet
let dir: string

const run = async (
  argv: string[],
  env: Record<string, string | undefined> = { ZAPCADE_DATA_DIR: dir },
) => {
  const out: string[] = []
  const err: string[] = []
  const io: CliIo = { env, out: (l) => out.push(l), err: (l) => err.push(l) }
  const code = await runCli(argv, io)
  return { code, out: out.join('\n'), err: err.join('\n') }
}

beforeAll(async () => {
  vi.spyOn(console, 'error').mockImplementation(() => undefined)
  relay = await startMarketRelay({ port: 0 })
  dir = mkdtempSync(join(tmpdir(), 'devnet-cli-'))
  devnet = await startDevnet({ relayUrl: relay.url, dataDir: dir, apiUrl: 'http://127.0.0.1:8787' })
})
afterAll(async () => {
  await devnet.stop()
  await relay.stop()
  rmSync(dir, { recursive: true, force: true })
  vi.restoreAllMocks()
})

describe('npm run devnet', () => {
  it('pay <bolt11> pays from the buyer wallet over NWC and prints the preimage', async () => {
    const market = devnet.node.wallet('market')
    const inv = devnet.node.makeInvoice(market.id, {
      amountMsat: msat(21_000_000),
      description: 'a game',
    })
    const r = await run(['pay', inv.invoice])
    expect(r.code).toBe(0)
    expect(r.out).toContain('Paid 21,000 sats (fees 0 sats)')
    const settled = devnet.node.lookup(market.id, { paymentHash: inv.payment_hash })
    expect(settled.state).toBe('settled')
    expect(r.out).toContain(`preimage ${settled.preimage}`)
  })

  it('a second pay of the same invoice fails with the wallet error and exit code 1', async () => {
    const market = devnet.node.wallet('market')
    const inv = devnet.node.makeInvoice(market.id, { amountMsat: msat(1_000) })
    expect((await run(['pay', inv.invoice])).code).toBe(0)
    const again = await run(['pay', inv.invoice])
    expect(again.code).toBe(1)
    expect(again.err).toMatch(/PAYMENT_FAILED/)
  })

  it('balance prints the buyer balance', async () => {
    const r = await run(['balance'])
    expect(r.code).toBe(0)
    const balance = devnet.node.balance(devnet.node.wallet('buyer').id)
    expect(r.out).toBe(`Buyer balance: ${Math.floor(balance / 1000).toLocaleString('en-US')} sats`)
  })

  it('info prints the addresses from devnet.json', async () => {
    const r = await run(['info'])
    expect(r.out).toContain(devnet.developer.lud16)
    expect(r.out).toContain('http://127.0.0.1:8787')
  })

  it('without devnet.json it says to run npm start first', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'devnet-cli-empty-'))
    try {
      const r = await run(['balance'], { ZAPCADE_DATA_DIR: empty })
      expect(r.code).toBe(1)
      expect(r.err).toMatch(/npm start/)
    } finally {
      rmSync(empty, { recursive: true, force: true })
    }
  })

  it('bad usage prints help with exit code 2; help exits 0', async () => {
    expect((await run(['pay'])).code).toBe(2)
    expect((await run(['pay', 'not-an-invoice'])).code).toBe(2)
    expect((await run(['frobnicate'])).err).toContain('Usage: npm run devnet')
    expect((await run(['help'])).code).toBe(0)
  })

  it('the root script runs the CLI in its own process (tsx devnet/src/cli.ts balance)', async () => {
    const { stdout } = await promisify(execFile)('npx', ['tsx', 'devnet/src/cli.ts', 'balance'], {
      cwd: join(import.meta.dirname, '..', '..'),
      env: { ...process.env, ZAPCADE_DATA_DIR: dir },
    })
    expect(stdout).toMatch(/^Buyer balance: [0-9,]+ sats/)
  })
})
