/**
 * Payments test harness: a real market relay, devnet (NWC wallet service over that relay, its node in
 * SQLite), the service over real HTTP with the market's NWC wallet, and a buyer NWC wallet. Seeds
 * catalog rows the way the indexer writes them.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type Database from 'better-sqlite3'
import { startMarketRelay, type MarketRelay } from '@zapcade/relay'
import { startDevnet, type Devnet } from '@zapcade/devnet'
import { NwcWallet } from '../adapters/nwc/nwc-wallet.ts'
import {
  newKey,
  startHarness,
  type Harness,
  type HarnessOptions,
  type Key,
} from './service-harness.ts'

export interface PaymentsHarness extends Harness {
  devnet: Devnet
  wallet: NwcWallet
  buyerWallet: NwcWallet
  marketPubkey: string
  /** Stop only the service (the relay, devnet and data dir stay), then start it again on the same dir. */
  restart(): Promise<void>
  stopAll(): Promise<void>
}

/**
 * A game row as the indexer would write it; `zap` defaults to the market (purchasable when priced). Its
 * release 1.0.0 has a verified build (the asset's object_key set) unless `build: false` (coming soon).
 */
export function seedGame(
  db: Database.Database,
  dev: Key,
  slug: string,
  o: {
    priceMsat: number
    status?: string
    zapPubkey?: string | null
    deleted?: boolean
    marketPubkey: string
    title?: string
    build?: boolean
  },
): number {
  db.prepare(
    'INSERT INTO users (pubkey, created_at) VALUES (?, 1) ON CONFLICT (pubkey) DO NOTHING',
  ).run(dev.pubkey)
  const devId = (
    db.prepare('SELECT id FROM users WHERE pubkey = ?').get(dev.pubkey) as { id: number }
  ).id
  const status = o.status ?? 'LISTED'
  const listing = ['DRAFT', 'UNLISTED', 'LISTED'].includes(status) ? status : 'LISTED'
  const zap = o.zapPubkey === undefined ? o.marketPubkey : o.zapPubkey
  const id = Number(
    db
      .prepare(`INSERT INTO games (developer_user_id, slug, title, status, listing, price_msat, zap_pubkey, event_id, event_created_at, deleted_at, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, 1, 1)`)
      .run(
        devId,
        slug,
        o.title ?? `Game ${slug}`,
        status,
        listing,
        o.priceMsat,
        zap,
        'e'.repeat(64),
        o.deleted ? 2 : null,
      ).lastInsertRowid,
  )
  const rid = Number(
    db
      .prepare(
        `INSERT INTO releases (game_id, version, published_at, asset_event_id, event_id, created_at, updated_at) VALUES (?, '1.0.0', 10, ?, ?, 1, 1)`,
      )
      .run(id, 'a'.repeat(64), 'b'.repeat(64)).lastInsertRowid,
  )
  db.prepare(
    `INSERT INTO build_assets (release_id, event_id, object_key, sha256, size_bytes, content_type, created_at) VALUES (?, ?, ?, ?, 1234, 'application/zip', 1)`,
  ).run(rid, 'a'.repeat(64), o.build === false ? null : `builds/${id}/seeded.zip`, 'c'.repeat(64))
  return id
}

/** Set a developer's payout address. */
export function setPayoutAddress(db: Database.Database, dev: Key, address: string | null): void {
  const u = db.prepare('SELECT id FROM users WHERE pubkey = ?').get(dev.pubkey) as { id: number }
  db.prepare(
    'INSERT INTO developer_profiles (user_id, payout_ln_address, updated_at) VALUES (?, ?, 1) ON CONFLICT (user_id) DO UPDATE SET payout_ln_address = excluded.payout_ln_address',
  ).run(u.id, address)
}

export async function startPayments(
  o: HarnessOptions & { env?: Record<string, string> } = {},
): Promise<PaymentsHarness> {
  const dir = await mkdtemp(join(tmpdir(), 'zapcade-pay-'))
  const relay: MarketRelay = await startMarketRelay({ port: 0 })
  const devnet = await startDevnet({
    relayUrl: relay.url,
    dataDir: join(dir, 'devnet'),
    writeJson: false,
  })
  const wallet = new NwcWallet({ url: devnet.marketNwcUrl, requestTimeoutMs: 5_000 })
  const buyerWallet = new NwcWallet({ url: devnet.buyer.nwcUrl })
  const admin = newKey()
  const start = (): Promise<Harness> =>
    startHarness({
      ...o,
      env: { ZAPCADE_ADMIN_PUBKEYS: admin.pubkey, ...o.env },
      dir,
      relay,
      overrides: { wallet, ...o.overrides },
    })
  let h = await start()
  await wallet.notificationsReady()
  const info = (await (await h.call('/api/v1/info')).json()) as { market_pubkey: string }
  const ph: PaymentsHarness = {
    get svc() {
      return h.svc
    },
    relay,
    dir,
    admin,
    call: (path, init) => h.call(path, init),
    query: (f) => h.query(f),
    stop: () => h.stop(),
    devnet,
    wallet,
    buyerWallet,
    marketPubkey: info.market_pubkey,
    async restart() {
      await h.stop()
      h = await start()
      await wallet.notificationsReady()
    },
    async stopAll() {
      await h.stop()
      await wallet.close()
      await buyerWallet.close()
      await devnet.stop()
      await relay.stop()
      await rm(dir, { recursive: true, force: true })
    },
  }
  return ph
}

export { newKey }
export type { Key }
