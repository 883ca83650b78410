/**
 * Test fixture of the payout suites: a real market relay on 127.0.0.1, devnet on it (real NIP-47, real
 * BOLT11, real LNURL server), a migrated SQLite file, the market's NWC wallet funded, and payouts
 * inserted as settlement writes them. Plus a lying LNURL server whose invoices come from a real devnet
 * wallet, so a wrongly accepted invoice would really move money.
 */
import { createHash, randomUUID } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type Database from 'better-sqlite3'
import { generateSecretKey, getPublicKey } from 'nostr-tools/pure'
import { startMarketRelay, type MarketRelay } from '@zapcade/relay'
import { startDevnet, type Devnet } from '@zapcade/devnet'
import { msat } from '@zapcade/shared/money'
import { freshDb } from '../../../adapters/sqlite/testing/blob-seed.ts'
import { NwcWallet } from '../../../adapters/nwc/nwc-wallet.ts'

export interface MutableClock {
  nowMs(): number
  nowSec(): number
  advance(sec: number): void
}

/** A clock that starts at the real time (devnet invoices expire in real time) and moves when told. */
export function testClock(): MutableClock {
  let offsetSec = 0
  return {
    nowMs: () => Date.now() + offsetSec * 1000,
    nowSec: () => Math.floor(Date.now() / 1000) + offsetSec,
    advance(sec) {
      offsetSec += sec
    },
  }
}

export interface PayoutWorld {
  dir: string
  dbFile: string
  db: Database.Database
  relay: MarketRelay
  devnet: Devnet
  wallet: NwcWallet
  marketWalletId: number
  stop(): Promise<void>
}

/** Relay + devnet + SQLite file + the market's funded NWC wallet. */
export async function startPayoutWorld(fundMsat = 50_000_000): Promise<PayoutWorld> {
  const dir = await mkdtemp(join(tmpdir(), 'zapcade-payout-'))
  const relay = await startMarketRelay({ port: 0 })
  const devnet = await startDevnet({
    relayUrl: relay.url,
    dataDir: join(dir, 'devnet'),
    writeJson: false,
  })
  const market = devnet.node.wallet('market')
  devnet.node.fund(market.id, msat(fundMsat))
  const dbFile = join(dir, 'market.db')
  const db = freshDb(dbFile)
  const wallet = new NwcWallet({
    url: devnet.marketNwcUrl,
    requestTimeoutMs: 10_000,
    payTimeoutMs: 20_000,
  })
  return {
    dir,
    dbFile,
    db,
    relay,
    devnet,
    wallet,
    marketWalletId: market.id,
    async stop() {
      await wallet.close()
      db.close()
      await devnet.stop()
      await relay.stop()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/** A developer users row (fresh key), optionally with a payout address; answers its id and pubkey. */
export function addDeveloper(
  db: Database.Database,
  payoutAddress: string | null,
  nowSec: number,
): { userId: number; pubkey: string } {
  const pubkey = getPublicKey(generateSecretKey())
  const userId = Number(
    db.prepare('INSERT INTO users (pubkey, created_at) VALUES (?, ?)').run(pubkey, nowSec)
      .lastInsertRowid,
  )
  db.prepare(
    'INSERT INTO developer_profiles (user_id, payout_ln_address, updated_at) VALUES (?, ?, ?)',
  ).run(userId, payoutAddress, nowSec)
  return { userId, pubkey }
}

/**
 * A SCHEDULED payout as settlement writes it, with the DEVELOPER_NET entry that earns it (unless
 * `earned` is false: an over-payout).
 */
export function addPayout(
  db: Database.Database,
  developerUserId: number,
  amountMsat: number,
  nowSec: number,
  o: { earned?: boolean } = {},
): string {
  const id = randomUUID()
  db.prepare(`INSERT INTO payouts (id, developer_user_id, purchase_id, amount_msat, destination_ln_address, status, idempotency_key,
    next_attempt_at, created_at, updated_at) VALUES (?, ?, NULL, ?, NULL, 'SCHEDULED', ?, ?, ?, ?)`).run(
    id,
    developerUserId,
    amountMsat,
    `payout:test:${id}`,
    nowSec,
    nowSec,
    nowSec,
  )
  if (o.earned !== false) {
    db.prepare(
      `INSERT INTO ledger_entries (developer_user_id, type, amount_msat, idempotency_key, created_at) VALUES (?, 'DEVELOPER_NET', ?, ?, ?)`,
    ).run(developerUserId, amountMsat, `test-net:${id}`, nowSec)
  }
  return id
}

export interface PayoutRow {
  id: string
  status: string
  payment_hash: string | null
  bolt11: string | null
  preimage: string | null
  attempts: number
  next_attempt_at: number
  last_error: string | null
  destination_ln_address: string | null
}

export function payoutRow(db: Database.Database, id: string): PayoutRow {
  return db.prepare('SELECT * FROM payouts WHERE id = ?').get(id) as PayoutRow
}

export function ledgerOf(
  db: Database.Database,
  payoutId: string,
): { type: string; amount_msat: number; meta_json: string; idempotency_key: string }[] {
  return db
    .prepare(
      'SELECT type, amount_msat, meta_json, idempotency_key FROM ledger_entries WHERE payout_id = ? ORDER BY id',
    )
    .all(payoutId) as never
}

/** Incoming settled payments of a devnet wallet (what "reached the developer wallet"). */
export function settledIncoming(
  devnet: Devnet,
  walletId: number,
): { payment_hash: string; amount: number }[] {
  return devnet.node
    .listTransactions(walletId, { type: 'incoming' })
    .transactions.filter((t) => t.state === 'settled')
}

export type Lie = 'amount' | 'description_hash' | 'honest'

export interface LyingLnurl {
  address: string
  /** Invoices handed out so far. */
  invoices: string[]
  close(): Promise<void>
}

/**
 * An LNURL-pay server at `liar@127.0.0.1:<port>` whose invoices are made by the devnet wallet
 * `walletId`: with `amount` they are for 1 sat more than asked, with `description_hash` they commit to
 * something other than the metadata.
 */
export async function startLyingLnurl(
  devnet: Devnet,
  walletId: number,
  lie: Lie,
): Promise<LyingLnurl> {
  let domain = ''
  const invoices: string[] = []
  const metadata = () =>
    JSON.stringify([
      ['text/plain', 'pay the liar'],
      ['text/identifier', `liar@${domain}`],
    ])
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${domain}`)
    res.setHeader('content-type', 'application/json')
    if (url.pathname === '/.well-known/lnurlp/liar') {
      res.end(
        JSON.stringify({
          tag: 'payRequest',
          callback: `http://${domain}/cb`,
          minSendable: 1000,
          maxSendable: 1e11,
          metadata: metadata(),
        }),
      )
      return
    }
    const amount = Number(url.searchParams.get('amount'))
    const hashed = lie === 'description_hash' ? 'not the metadata' : metadata()
    const tx = devnet.node.makeInvoice(walletId, {
      amountMsat: msat(lie === 'amount' ? amount + 1000 : amount),
      descriptionHash: createHash('sha256').update(hashed, 'utf8').digest('hex'),
    })
    invoices.push(tx.invoice)
    res.end(JSON.stringify({ pr: tx.invoice, routes: [] }))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  domain = `127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    address: `liar@${domain}`,
    invoices,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections()
        server.close(() => r())
      }),
  }
}
