/**
 * The indexer against the real market relay on loopback, as `npm start` runs it: backfill, live
 * streaming, profiles of indexed developers, the market's overlay, and entitlements left alone (RPL-6).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import { Relay, useWebSocketImplementation } from 'nostr-tools/relay'
import type { NostrEvent } from '@zapcade/shared/events/event'
import { startIndexer, type Indexer } from './indexer.ts'
import { startMarketRelay, type MarketRelay } from '@zapcade/relay'
import { openCatalog, type Db } from './store/open.ts'
import {
  asset,
  deletion,
  game,
  makeDev,
  profile,
  release,
  tempDir,
  type Dev,
} from './testing/fixtures.ts'
import { createInlineVerifier, type Verifier } from './pipeline/verify.ts'

useWebSocketImplementation(WebSocket)

const T = Math.floor(Date.now() / 1000) - 1000
let relay: MarketRelay
let db: Db
let indexer: Indexer
let verifier: Verifier
let dev: Dev
let tmp: ReturnType<typeof tempDir>

async function publish(...evs: NostrEvent[]): Promise<void> {
  const r = await Relay.connect(relay.url)
  for (const ev of evs) await r.publish(ev)
  r.close()
}
const get = (sql: string, ...p: unknown[]) =>
  db.prepare(sql).get(...p) as Record<string, unknown> | undefined

beforeAll(async () => {
  tmp = tempDir()
  relay = await startMarketRelay({ file: tmp.file('relay.db') })
  db = openCatalog(tmp.file('catalog.db'))
  verifier = await createInlineVerifier()
  dev = await makeDev()
  const as = asset(dev, 'lantern', '1.0.0', T + 1)
  await publish(
    game(dev, 'lantern', T, {
      priceSats: 2100,
      market: { pubkey: 'ab'.repeat(32), relay: relay.url },
    }),
    as,
    release(dev, 'lantern', '1.0.0', as.id, T + 2, 'first'),
    profile(
      dev,
      { display_name: 'Dev One', lud16: 'dev@example.com', picture: 'https://x.example/a.png' },
      T,
    ),
  )
  indexer = await startIndexer({ db, relays: [relay.url], verifier, log: () => {} })
  await indexer.whenCaughtUp()
})
afterAll(async () => {
  await indexer.stop()
  await relay.stop()
  db.close()
  await verifier.close()
  tmp.cleanup()
})

describe('indexer on the market relay', () => {
  it('backfills the games, releases and build assets published before it started', () => {
    expect(get('SELECT title, price_msat, status FROM games WHERE slug = ?', 'lantern')).toEqual({
      title: 'Game lantern',
      price_msat: 2_100_000,
      status: 'LISTED',
    })
    expect(
      get(
        `SELECT r.version, r.release_notes, b.size_bytes, b.object_key FROM releases r JOIN build_assets b ON b.release_id = r.id`,
      ),
    ).toEqual({
      version: '1.0.0',
      release_notes: 'first',
      size_bytes: 1234,
      object_key: null,
    })
    expect(indexer.persistedCounters()['accepted']).toBeGreaterThanOrEqual(3)
  })

  it('fills the developer profile (display name, picture, lud16) from kind 0', () => {
    expect(
      get('SELECT display_name, avatar_url, lud16 FROM users WHERE pubkey = ?', dev.pubkey),
    ).toEqual({
      display_name: 'Dev One',
      avatar_url: 'https://x.example/a.png',
      lud16: 'dev@example.com',
    })
  })

  it('streams live events after EOSE, and a newer profile wins', async () => {
    await publish(
      game(dev, 'second', T + 10),
      profile(dev, { display_name: 'Dev Renamed' }, T + 20),
    )
    await vi.waitFor(() =>
      expect(
        get('SELECT display_name FROM users WHERE pubkey = ?', dev.pubkey)?.['display_name'],
      ).toBe('Dev Renamed'),
    )
    expect(get('SELECT slug FROM games WHERE slug = ?', 'second')).toBeDefined()
    expect(db.prepare('SELECT since_sec FROM relay_cursors').pluck().get()).toBe(T + 20)
  })

  it('keeps the market overlay (FEATURED) when the developer updates the game', async () => {
    db.prepare(`UPDATE games SET status = 'FEATURED' WHERE slug = 'lantern'`).run()
    await publish(
      game(dev, 'lantern', T + 30, {
        title: 'Lantern Depths',
        priceSats: 2100,
        market: { pubkey: 'ab'.repeat(32), relay: relay.url },
      }),
    )
    await vi.waitFor(() =>
      expect(get(`SELECT title FROM games WHERE slug = 'lantern'`)?.['title']).toBe(
        'Lantern Depths',
      ),
    )
    expect(get(`SELECT status, listing FROM games WHERE slug = 'lantern'`)).toEqual({
      status: 'FEATURED',
      listing: 'LISTED',
    })
  })

  it('delisting or deleting a game leaves purchases and entitlements untouched (RPL-6)', async () => {
    const gameId = get(`SELECT id FROM games WHERE slug = 'lantern'`)?.['id']
    db.prepare(`INSERT INTO purchases (id, game_id, kind, invoice_provider, invoice_id, bolt11, amount_msat, price_msat, fee_bps,
      status, paid_at, created_at, expires_at, updated_at) VALUES ('p1', ?, 'CHECKOUT', 'test', ?, 'lnbc1', 2100000, 2100000, 0, 'PAID', ?, ?, ?, ?)`).run(
      gameId,
      'c'.repeat(64),
      T,
      T,
      T + 600,
      T,
    )
    db.prepare(
      `INSERT INTO entitlements (id, purchase_id, game_id, granted_at) VALUES ('e1', 'p1', ?, ?)`,
    ).run(gameId, T)
    const before = [get('SELECT * FROM purchases'), get('SELECT * FROM entitlements')]
    await publish(game(dev, 'lantern', T + 40, { listing: 'UNLISTED' }))
    await vi.waitFor(() =>
      expect(get(`SELECT listing FROM games WHERE slug = 'lantern'`)?.['listing']).toBe('UNLISTED'),
    )
    await publish(deletion(dev, { a: [`32267:${dev.pubkey}:lantern`] }, T + 50))
    await vi.waitFor(() =>
      expect(get(`SELECT deleted_at FROM games WHERE slug = 'lantern'`)?.['deleted_at']).toBe(
        T + 50,
      ),
    )
    expect([get('SELECT * FROM purchases'), get('SELECT * FROM entitlements')]).toEqual(before)
    expect(get(`SELECT count(*) AS n FROM releases WHERE game_id = ?`, gameId)).toEqual({ n: 1 })
  })
})
