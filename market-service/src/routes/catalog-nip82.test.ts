/**
 * NIP-82 releases as publishers send them, end to end: market relay → indexer → the catalog routes over
 * real HTTP. Loose versions are shown as written and ordered by their coercion; a case-preserving `d`
 * is one address; a release's extra files are listed, their own URLs only for a free game.
 */
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import { Relay, useWebSocketImplementation } from 'nostr-tools/relay'
import Database from 'better-sqlite3'
import { applyPragmas } from '@zapcade/shared/db/migrate'
import { GameDetailResponse } from '@zapcade/shared/api/catalog'
import type { NostrEvent } from '@zapcade/shared/events/event'
import { zspAsset, zspRelease } from '@zapcade/shared/events/testing/nip82-fixtures'
import { startIndexer, type Indexer } from '@zapcade/relay-indexer/indexer'
import { startMarketRelay, type MarketRelay } from '@zapcade/relay'
import { openCatalog, type Db } from '@zapcade/relay-indexer/store/open'
import { createInlineVerifier, type Verifier } from '@zapcade/relay-indexer/pipeline/verify'
import { game, makeDev, tempDir, type Dev } from '@zapcade/relay-indexer/testing/fixtures'
import { sqliteCatalogReader } from '../adapters/sqlite/catalog-reader.ts'
import { serveApp, withProblems, type Served } from '../ports/testing/serve.ts'
import { catalogRoutes } from './catalog.ts'

useWebSocketImplementation(WebSocket)

const MARKET = 'ab'.repeat(32)
const T = Math.floor(Date.now() / 1000) - 3000
let relay: MarketRelay
let indexerDb: Db
let serviceDb: Database.Database
let indexer: Indexer
let verifier: Verifier
let srv: Served
let dev: Dev
let tmp: ReturnType<typeof tempDir>

const sha = (s: string) => createHash('sha256').update(s).digest('hex')
async function publish(...evs: NostrEvent[]): Promise<void> {
  const r = await Relay.connect(relay.url)
  for (const ev of evs) await r.publish(ev)
  r.close()
}
const detail = async (slug: string) =>
  GameDetailResponse.parse(
    await (await fetch(`${srv.url}/api/v1/games/${dev.pubkey}/${slug}`)).json(),
  )

/** A zsp-shaped release of `slug` at `version`: a zip build and an APK, each with two urls. */
function shipped(slug: string, version: string, at: number): NostrEvent[] {
  const file = (name: string, mime: string) =>
    dev.sign(
      zspAsset({
        identifier: slug,
        version,
        sha256: sha(`${slug}${version}${name}`),
        sizeBytes: 100,
        mime,
        filename: name,
        ...(name.endsWith('.apk') ? { variant: 'android' } : {}),
        platforms: [name.endsWith('.apk') ? 'android-arm64-v8a' : 'linux-x86_64'],
        urls: [`https://dl.example/${slug}/${name}`, `https://cdn.zapstore.dev/${sha(name)}`],
        createdAtSec: at,
      }),
    )
  const zip = file('game.zip', 'application/zip')
  const apk = file('game.apk', 'application/vnd.android.package-archive')
  return [
    zip,
    apk,
    dev.sign(
      zspRelease({
        packageId: slug,
        version,
        assetEventIds: [zip.id, apk.id],
        changelog: `notes ${version}`,
        createdAtSec: at + 1,
      }),
    ),
  ]
}

beforeAll(async () => {
  tmp = tempDir()
  relay = await startMarketRelay({ rateLimit: false })
  indexerDb = openCatalog(tmp.file('zapcade.db'))
  verifier = await createInlineVerifier()
  indexer = await startIndexer({ db: indexerDb, relays: [relay.url], verifier, log: () => {} })
  await indexer.whenCaughtUp()
  serviceDb = new Database(tmp.file('zapcade.db'))
  applyPragmas(serviceDb, 'catalog')
  const deps = {
    catalog: sqliteCatalogReader(serviceDb),
    marketPubkey: MARKET,
    relays: [relay.url],
    lud16: 'market@zapcade.example',
    feeBps: 500,
    version: '0.1.0',
  }
  srv = await serveApp(() => withProblems(catalogRoutes(deps)))
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

describe('NIP-82 releases in the catalog API', () => {
  it('loose versions are shown as written, newest first by their coercion; extra files are listed with their urls (free game)', async () => {
    const slug = 'com.Example.Free'
    await publish(
      game(dev, slug, T),
      ...shipped(slug, '1.0', T + 10),
      ...shipped(slug, 'v1.2.3', T + 20),
      ...shipped(slug, '1.10', T + 5),
    )
    await vi.waitFor(async () => expect((await detail(slug)).releases).toHaveLength(3), {
      timeout: 15_000,
      interval: 100,
    })
    const g = await detail(slug)
    expect(g.slug).toBe(slug)
    expect(g.releases.map((r) => [r.version, r.notes])).toEqual([
      ['1.10', 'notes 1.10'],
      ['v1.2.3', 'notes v1.2.3'],
      ['1.0', 'notes 1.0'],
    ])
    expect(g.releases[1]!.asset).toEqual({ sha256: sha(`${slug}v1.2.3game.zip`), size_bytes: 100 })
    expect(g.releases[1]!.files).toEqual([
      {
        sha256: sha(`${slug}v1.2.3game.apk`),
        size_bytes: 100,
        content_type: 'application/vnd.android.package-archive',
        platforms: ['android-arm64-v8a'],
        variant: 'android',
        urls: [
          `https://dl.example/${slug}/game.apk`,
          `https://cdn.zapstore.dev/${sha('game.apk')}`,
        ],
      },
    ])
    expect((await fetch(`${srv.url}/api/v1/games/${dev.pubkey}/com.example.free`)).status).toBe(404)
  })

  it("a paid game's extra files are listed without their urls: nothing of a paid game is served but through the market", async () => {
    await publish(
      game(dev, 'paid-one', T, { priceSats: 500, market: { pubkey: MARKET, relay: relay.url } }),
      ...shipped('paid-one', '2.0', T + 10),
    )
    await vi.waitFor(async () => expect((await detail('paid-one')).releases).toHaveLength(1), {
      timeout: 15_000,
      interval: 100,
    })
    const [r] = (await detail('paid-one')).releases
    expect(r!.files).toEqual([
      expect.objectContaining({
        content_type: 'application/vnd.android.package-archive',
        urls: [],
      }),
    ])
  })
})
