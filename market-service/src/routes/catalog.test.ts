/**
 * The catalog routes over real HTTP on a real SQLite file: validation problems, lookups by address,
 * npub and naddr, the response cache never serving a stale answer, and the whole path from signed
 * events through the real market relay and the real indexer to these routes.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import { Relay, useWebSocketImplementation } from 'nostr-tools/relay'
import Database from 'better-sqlite3'
import { applyPragmas } from '@zapcade/shared/db/migrate'
import { gameNaddr, toNpub, type Pubkey } from '@zapcade/shared/ids'
import {
  GameDetailResponse,
  GameListResponse,
  MarketInfoResponse,
} from '@zapcade/shared/api/catalog'
import type { NostrEvent } from '@zapcade/shared/events/event'
import { startIndexer, type Indexer } from '@zapcade/relay-indexer/indexer'
import { startMarketRelay, type MarketRelay } from '@zapcade/relay'
import { openCatalog, type Db } from '@zapcade/relay-indexer/store/open'
import { createInlineVerifier, type Verifier } from '@zapcade/relay-indexer/pipeline/verify'
import {
  asset,
  deletion,
  game,
  makeDev,
  profile,
  release,
  tempDir,
  type Dev,
} from '@zapcade/relay-indexer/testing/fixtures'
import { sqliteCatalogReader } from '../adapters/sqlite/catalog-reader.ts'
import { catalogFixture, type CatalogFixture } from '../adapters/sqlite/testing/catalog-seed.ts'
import { serveApp, withProblems, type Served } from '../ports/testing/serve.ts'
import { catalogRoutes } from './catalog.ts'

useWebSocketImplementation(WebSocket)

const MARKET = 'ab'.repeat(32)
const RELAYS = ['ws://127.0.0.1:7777']

function serveCatalog(db: Database.Database, cacheEntries?: number): Promise<Served> {
  const deps = {
    catalog: sqliteCatalogReader(db),
    marketPubkey: MARKET,
    relays: RELAYS,
    lud16: 'market@zapcade.example',
    feeBps: 500,
    version: '0.1.0',
  }
  return serveApp(() =>
    withProblems(catalogRoutes(cacheEntries === undefined ? deps : { ...deps, cacheEntries })),
  )
}

describe('catalog routes', () => {
  let f: CatalogFixture
  let srv: Served
  let dev: { id: number; pubkey: string }
  const get = (path: string) => fetch(`${srv.url}${path}`)

  beforeEach(async () => {
    f = catalogFixture()
    dev = f.user(undefined, { displayName: 'Moth Games' })
    f.game(dev, {
      slug: 'lantern',
      title: 'Lantern Depths',
      tags: ['roguelike'],
      platforms: ['web'],
      priceMsat: 21_000,
    })
    f.game(dev, { slug: 'hidden', title: 'Hidden Lantern', status: 'UNLISTED' })
    f.game(dev, { slug: 'banned', title: 'Banned Lantern', status: 'BANNED' })
    f.game(dev, { slug: 'draft', title: 'Draft Lantern', status: 'DRAFT' })
    srv = await serveCatalog(f.db)
  })
  afterEach(async () => {
    await srv.close()
    f.close()
  })

  it('lists and searches in the documented shape', async () => {
    const res = await get('/api/v1/games?q=lantern')
    expect(res.status).toBe(200)
    const body = GameListResponse.parse(await res.json())
    expect(body.items.map((i) => i.slug)).toEqual(['lantern'])
    expect(body.next_cursor).toBeNull()
  })

  it('filters by a developer (author=<pubkey hex>) and by a platform family (platform=linux matches linux-*)', async () => {
    const other = f.user()
    f.game(other, { slug: 'tux', title: 'Tux Run', platforms: ['linux-aarch64', 'linux-x86_64'] })
    const slugs = async (qs: string) =>
      ((await (await get(`/api/v1/games?${qs}`)).json()) as GameListResponse).items.map(
        (i) => i.slug,
      )
    expect(await slugs(`author=${other.pubkey}`)).toEqual(['tux'])
    expect(await slugs(`author=${dev.pubkey}`)).toEqual(['lantern'])
    expect(await slugs('platform=linux')).toEqual(['tux'])
    expect(await slugs('platform=linux-x86_64')).toEqual(['tux'])
    expect((await get('/api/v1/games?author=npub1nope')).status).toBe(400)
  })

  it('answers every invalid parameter with a VALIDATION_FAILED problem', async () => {
    for (const qs of [
      'limit=0',
      'limit=101',
      'limit=ten',
      'sort=popular',
      'sort=relevance',
      'tag=Not%20A%20Tag',
      'platform=%2F',
      'cursor=%25%25',
      'cursor=bm90LWpzb24',
      'page=2',
      `q=${'x'.repeat(201)}`,
    ]) {
      const res = await get(`/api/v1/games?${qs}`)
      expect(res.status, qs).toBe(400)
      expect(res.headers.get('content-type'), qs).toContain('application/problem+json')
      expect(((await res.json()) as { code: string }).code, qs).toBe('VALIDATION_FAILED')
    }
  })

  it('finds a game by hex pubkey, by npub and by naddr, with the naddr naming the market relays', async () => {
    const byHex = GameDetailResponse.parse(
      await (await get(`/api/v1/games/${dev.pubkey}/lantern`)).json(),
    )
    expect(byHex).toMatchObject({
      slug: 'lantern',
      title: 'Lantern Depths',
      price_msat: 21_000,
      developer: { display_name: 'Moth Games', npub: toNpub(dev.pubkey) },
    })
    expect(byHex.naddr).toBe(gameNaddr({ pubkey: dev.pubkey as Pubkey, slug: 'lantern' }, RELAYS))
    expect(await (await get(`/api/v1/games/${toNpub(dev.pubkey)}/lantern`)).json()).toEqual(byHex)
    expect(await (await get(`/api/v1/games/${byHex.naddr}`)).json()).toEqual(byHex)
  })

  it('shows an UNLISTED game by address only; BANNED, DRAFT and unknown games are GAME_NOT_FOUND', async () => {
    expect((await get(`/api/v1/games/${dev.pubkey}/hidden`)).status).toBe(200)
    const naddr = gameNaddr({ pubkey: dev.pubkey as Pubkey, slug: 'hidden' })
    expect((await get(`/api/v1/games/${naddr}`)).status).toBe(200)
    const listed = GameListResponse.parse(await (await get('/api/v1/games?limit=100')).json())
    expect(listed.items.map((i) => i.slug)).toEqual(['lantern'])
    for (const slug of ['banned', 'draft', 'nope']) {
      const res = await get(`/api/v1/games/${dev.pubkey}/${slug}`)
      expect(res.status, slug).toBe(404)
      expect(((await res.json()) as { code: string }).code).toBe('GAME_NOT_FOUND')
    }
  })

  it('refuses a malformed pubkey or naddr with VALIDATION_FAILED', async () => {
    expect((await get('/api/v1/games/not-a-key/lantern')).status).toBe(400)
    expect((await get('/api/v1/games/naddr1qqqq')).status).toBe(400)
    expect((await get(`/api/v1/games/${toNpub(dev.pubkey)}`)).status).toBe(400)
  })

  it('never serves a cached answer after the catalog changed, by this connection or another', async () => {
    const slugs = async () =>
      GameListResponse.parse(await (await get('/api/v1/games?q=lantern')).json()).items.map(
        (i) => i.slug,
      )
    const detail = () => get(`/api/v1/games/${dev.pubkey}/lantern`)
    expect(await slugs()).toEqual(['lantern'])
    expect((await detail()).status).toBe(200)
    // Another connection (the indexer's process) bans it.
    f.other().prepare(`UPDATE games SET status = 'BANNED' WHERE slug = 'lantern'`).run()
    expect(await slugs()).toEqual([])
    expect((await detail()).status).toBe(404)
    // This connection (an admin route in the service) lists it again, and another game appears.
    f.db.prepare(`UPDATE games SET status = 'LISTED' WHERE slug = 'lantern'`).run()
    f.game(dev, { slug: 'lantern-2', title: 'Lantern Two' })
    expect((await slugs()).sort()).toEqual(['lantern', 'lantern-2'])
    expect((await detail()).status).toBe(200)
  })

  it('answers /api/v1/info with the market pubkey, relays, lud16, fee and version', async () => {
    expect(MarketInfoResponse.parse(await (await get('/api/v1/info')).json())).toEqual({
      market_pubkey: MARKET,
      relays: RELAYS,
      lud16: 'market@zapcade.example',
      fee_bps: 500,
      version: '0.1.0',
    })
  })

  it('adds the configured fiat rate to /api/v1/info only when one is set', async () => {
    const deps = {
      catalog: sqliteCatalogReader(f.db),
      marketPubkey: MARKET,
      relays: RELAYS,
      feeBps: 0,
      version: 'x',
    }
    const withRate = catalogRoutes({ ...deps, fiatRate: { currency: 'USD', perBtc: 95000 } })
    const body = MarketInfoResponse.parse(await (await withRate.request('/api/v1/info')).json())
    expect(body.fiat_rate).toEqual({ currency: 'USD', per_btc: 95000 })
    const without = await (await catalogRoutes(deps).request('/api/v1/info')).json()
    expect(without).not.toHaveProperty('fiat_rate')
  })

  it('declares its routes in the OpenAPI document', () => {
    const app = catalogRoutes({
      catalog: sqliteCatalogReader(f.db),
      marketPubkey: MARKET,
      relays: RELAYS,
      feeBps: 0,
      version: 'x',
    })
    const doc = app.getOpenAPI31Document({
      openapi: '3.1.0',
      info: { title: 'zapcade', version: 'x' },
    })
    expect(Object.keys(doc.paths ?? {}).sort()).toEqual([
      '/api/v1/games',
      '/api/v1/games/{naddr}',
      '/api/v1/games/{pubkey}/{slug}',
      '/api/v1/info',
    ])
    const params = (doc.paths?.['/api/v1/games']?.get?.parameters ?? []) as { name: string }[]
    expect(params.map((p) => p.name).sort()).toEqual([
      'author',
      'cursor',
      'limit',
      'platform',
      'q',
      'sort',
      'tag',
    ])
  })
})

describe('from signed events to the catalog routes (real relay, real indexer)', () => {
  const T = Math.floor(Date.now() / 1000) - 1000
  let tmp: ReturnType<typeof tempDir>
  let relay: MarketRelay
  let indexerDb: Db
  let serviceDb: Database.Database
  let indexer: Indexer
  let verifier: Verifier
  let srv: Served
  let dev: Dev
  const get = (path: string) => fetch(`${srv.url}${path}`)

  async function publish(...evs: NostrEvent[]): Promise<void> {
    const r = await Relay.connect(relay.url)
    for (const ev of evs) await r.publish(ev)
    r.close()
  }

  beforeAll(async () => {
    tmp = tempDir()
    relay = await startMarketRelay()
    indexerDb = openCatalog(tmp.file('zapcade.db'))
    verifier = await createInlineVerifier()
    indexer = await startIndexer({ db: indexerDb, relays: [relay.url], verifier, log: () => {} })
    await indexer.whenCaughtUp()
    // The service has its own connection to the same file, as a separate process would.
    serviceDb = new Database(tmp.file('zapcade.db'))
    applyPragmas(serviceDb, 'catalog')
    srv = await serveCatalog(serviceDb)
    dev = await makeDev()
  })
  afterAll(async () => {
    await srv.close()
    await indexer.stop()
    await relay.stop()
    serviceDb.close()
    indexerDb.close()
    await verifier.close()
    tmp.cleanup()
  })

  it('a published game, its release and build, and its developer profile are served once indexed', async () => {
    const built = asset(dev, 'moth-lantern', '1.2.0', T + 1, 4096)
    const older = asset(dev, 'moth-lantern', '1.10.0-rc.1', T + 3, 2048)
    await publish(
      game(dev, 'moth-lantern', T, {
        title: 'Moth Lantern',
        summary: 'Follow the light',
        description: 'A cave crawler.',
        tags: ['roguelike'],
        platforms: ['web'],
        priceSats: 21,
        market: { pubkey: MARKET, relay: relay.url },
      }),
      built,
      release(dev, 'moth-lantern', '1.2.0', built.id, T + 2, 'first light'),
      older,
      release(dev, 'moth-lantern', '1.10.0-rc.1', older.id, T + 4, 'candidate'),
      profile(
        dev,
        { display_name: 'Moth', picture: 'https://moth.example/p.png', lud16: 'moth@moth.example' },
        T,
      ),
    )
    const naddr = gameNaddr({ pubkey: dev.pubkey as Pubkey, slug: 'moth-lantern' })
    await vi.waitFor(
      async () => {
        const g = GameDetailResponse.parse(await (await get(`/api/v1/games/${naddr}`)).json())
        expect(g.releases).toHaveLength(2)
        expect(g.developer.display_name).toBe('Moth')
      },
      { timeout: 15_000, interval: 100 },
    )
    const g = GameDetailResponse.parse(await (await get(`/api/v1/games/${naddr}`)).json())
    expect(g).toMatchObject({
      pubkey: dev.pubkey,
      slug: 'moth-lantern',
      title: 'Moth Lantern',
      status: 'LISTED',
      price_msat: 21_000,
      zap_pubkey: MARKET,
      developer: {
        pubkey: dev.pubkey,
        display_name: 'Moth',
        picture: 'https://moth.example/p.png',
        lud16: 'moth@moth.example',
      },
    })
    expect(g.releases.map((r) => [r.version, r.notes, r.asset?.size_bytes])).toEqual([
      ['1.10.0-rc.1', 'candidate', 2048],
      ['1.2.0', 'first light', 4096],
    ])
    expect(g.releases[1]!.asset!.sha256).toBe(built.tags.find((t) => t[0] === 'x')![1])
    const found = GameListResponse.parse(
      await (await get('/api/v1/games?q=moth%20lan&tag=roguelike')).json(),
    )
    expect(found.items.map((i) => i.slug)).toEqual(['moth-lantern'])
  })

  it('an unlisted game is reachable by address only, and a deleted game disappears', async () => {
    await publish(
      game(dev, 'secret-cave', T + 10, { title: 'Secret Cave', listing: 'UNLISTED' }),
      game(dev, 'short-lived', T + 11, { title: 'Short Lived Cave' }),
    )
    await vi.waitFor(
      async () => expect((await get(`/api/v1/games/${dev.pubkey}/short-lived`)).status).toBe(200),
      { timeout: 15_000, interval: 100 },
    )
    expect((await get(`/api/v1/games/${dev.pubkey}/secret-cave`)).status).toBe(200)
    const caves = async () =>
      GameListResponse.parse(await (await get('/api/v1/games?q=cave')).json())
        .items.map((i) => i.slug)
        .sort()
    expect(await caves()).toEqual(['moth-lantern', 'short-lived'])
    await publish(deletion(dev, { a: [`32267:${dev.pubkey}:short-lived`] }, T + 12))
    await vi.waitFor(
      async () => expect((await get(`/api/v1/games/${dev.pubkey}/short-lived`)).status).toBe(404),
      { timeout: 15_000, interval: 100 },
    )
    expect(await caves()).toEqual(['moth-lantern'])
  })
})
