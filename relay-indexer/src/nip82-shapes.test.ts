/**
 * NIP-82 events as publishers send them (zsp today, Zapstore's older NIP-51-era shape), through the real
 * market relay and the indexer: each shape reaches the catalog, or is refused or kept waiting with the
 * reason a developer reads at GET /api/v1/developer/events (developer_events). Fixtures and their
 * provenance: shared/src/events/testing/nip82-fixtures.ts.
 */
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import { Relay, useWebSocketImplementation } from 'nostr-tools/relay'
import type { NostrEvent } from '@zapcade/shared/events/event'
import {
  ZAPSTORE_LEGACY_ASSET,
  ZAPSTORE_LEGACY_RELEASE,
  zspApp,
  zspAsset,
  zspRelease,
} from '@zapcade/shared/events/testing/nip82-fixtures'
import { startIndexer, type Indexer } from './indexer.ts'
import { startMarketRelay, type MarketRelay } from '@zapcade/relay'
import { openCatalog, type Db } from './store/open.ts'
import { DEVELOPER_EVENTS_KEPT } from './store/catalog-writer.ts'
import { asset, game, makeDev, release, tempDir, type Dev } from './testing/fixtures.ts'
import { createInlineVerifier, type Verifier } from './pipeline/verify.ts'

useWebSocketImplementation(WebSocket)

const T = Math.floor(Date.now() / 1000) - 5000
const MARKET = 'ab'.repeat(32)
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
const all = (sql: string, ...p: unknown[]) => db.prepare(sql).all(...p) as Record<string, unknown>[]
const devEvent = (id: string) =>
  get('SELECT kind, state, reason, created_at FROM developer_events WHERE event_id = ?', id)
const sha = (s: string) => createHash('sha256').update(s).digest('hex')

/** A zsp-shaped asset of `identifier` (two urls: the original and a Blossom mirror). */
const zspFile = (
  identifier: string,
  version: string,
  mime: string,
  name: string,
  createdAt: number,
) =>
  dev.sign(
    zspAsset({
      identifier,
      version,
      sha256: sha(name),
      sizeBytes: 4096,
      mime,
      filename: name,
      platforms: ['linux-x86_64'],
      urls: [
        `https://github.com/dev/${identifier}/releases/download/${version}/${name}`,
        `https://cdn.zapstore.dev/${sha(name)}`,
      ],
      createdAtSec: createdAt,
    }),
  )

/** A zsp-shaped app that is also one of our games (`t` = game). */
const zspGame = (packageId: string, createdAt: number) =>
  dev.sign(
    zspApp({
      packageId,
      name: `Game ${packageId}`,
      description: 'A game',
      tags: ['game', 'arcade'],
      platforms: ['linux-x86_64'],
      website: 'https://game.example',
      createdAtSec: createdAt,
    }),
  )

beforeAll(async () => {
  tmp = tempDir()
  relay = await startMarketRelay({ file: tmp.file('relay.db'), rateLimit: false })
  db = openCatalog(tmp.file('catalog.db'))
  verifier = await createInlineVerifier()
  dev = await makeDev()
  // The real Zapstore events (signed by Zapstore's key, dated 2024) are on the relay before the indexer starts;
  // that key is a user of the market (as after a NIP-98 sign-in), so what happens to them is recorded.
  db.prepare('INSERT INTO users (pubkey, created_at) VALUES (?, ?)').run(
    ZAPSTORE_LEGACY_RELEASE.pubkey,
    T,
  )
  await publish(ZAPSTORE_LEGACY_ASSET, ZAPSTORE_LEGACY_RELEASE)
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

describe('NIP-82 shapes through the relay and the indexer', () => {
  it('zsp shape: an app with h, a release listing a zip and an APK (relay hints, loose version v1.2): the zip is the build with both urls, the APK an extra file', async () => {
    const zip = zspFile('com.example.game', 'v1.2', 'application/zip', 'game.zip', T + 1)
    const apk = zspFile(
      'com.example.game',
      'v1.2',
      'application/vnd.android.package-archive',
      'game.apk',
      T + 1,
    )
    const rel = dev.sign(
      zspRelease({
        packageId: 'com.example.game',
        version: 'v1.2',
        changelog: 'first',
        assetEventIds: [apk.id, zip.id],
        assetRelayHint: relay.url,
        platforms: ['linux-x86_64'],
        createdAtSec: T + 2,
      }),
    )
    await publish(zspGame('com.example.game', T), zip, apk, rel)
    await vi.waitFor(() =>
      expect(
        get(
          'SELECT version, release_notes, asset_event_id FROM releases WHERE event_id = ?',
          rel.id,
        ),
      ).toEqual({
        version: 'v1.2',
        release_notes: 'first',
        asset_event_id: zip.id,
      }),
    )
    const rid = get('SELECT id FROM releases WHERE event_id = ?', rel.id)?.['id']
    expect(
      get(
        'SELECT event_id, sha256, content_type, urls_json FROM build_assets WHERE release_id = ?',
        rid,
      ),
    ).toEqual({
      event_id: zip.id,
      sha256: sha('game.zip'),
      content_type: 'application/zip',
      urls_json: JSON.stringify([
        'https://github.com/dev/com.example.game/releases/download/v1.2/game.zip',
        `https://cdn.zapstore.dev/${sha('game.zip')}`,
      ]),
    })
    expect(
      all(
        'SELECT event_id, content_type, size_bytes, urls_json FROM release_files WHERE release_id = ?',
        rid,
      ),
    ).toEqual([
      {
        event_id: apk.id,
        content_type: 'application/vnd.android.package-archive',
        size_bytes: 4096,
        urls_json: JSON.stringify([
          'https://github.com/dev/com.example.game/releases/download/v1.2/game.apk',
          `https://cdn.zapstore.dev/${sha('game.apk')}`,
        ]),
      },
    ])
    expect(devEvent(rel.id)).toBeUndefined()
  })

  it('a d with capitals keeps its case, and a release for it links', async () => {
    const zip = zspFile('com.Example.Caps', '1.0', 'application/zip', 'caps.zip', T + 1)
    const rel = dev.sign(
      zspRelease({
        packageId: 'com.Example.Caps',
        version: '1.0',
        assetEventIds: [zip.id],
        createdAtSec: T + 2,
      }),
    )
    await publish(zspGame('com.Example.Caps', T), zip, rel)
    await vi.waitFor(() =>
      expect(
        get(
          'SELECT g.slug, r.version FROM releases r JOIN games g ON g.id = r.game_id WHERE r.event_id = ?',
          rel.id,
        ),
      ).toEqual({ slug: 'com.Example.Caps', version: '1.0' }),
    )
    expect(get(`SELECT count(*) AS n FROM games WHERE slug = 'com.example.caps'`)).toEqual({ n: 0 })
  })

  it('the NIP-51-era shape (a 1063 zip, a release with a + d and no i/version) is read like NIP-82', async () => {
    const file = dev.sign({
      ...ZAPSTORE_LEGACY_ASSET,
      created_at: T + 1,
      content: 'legacy.game@0.1.6',
      tags: ZAPSTORE_LEGACY_ASSET.tags.map((t) =>
        t[0] === 'm' ? ['m', 'application/zip'] : t[0] === 'x' ? ['x', sha('legacy.zip')] : t,
      ),
    })
    const rel = dev.sign({
      ...ZAPSTORE_LEGACY_RELEASE,
      created_at: T + 2,
      tags: [
        ['url', 'https://example.com/r'],
        ['e', file.id],
        ['a', `32267:${dev.pubkey}:legacy.game`],
        ['d', 'legacy.game@0.1.6'],
      ],
    })
    await publish(game(dev, 'legacy.game', T), file, rel)
    await vi.waitFor(() =>
      expect(
        get('SELECT version, asset_event_id FROM releases WHERE event_id = ?', rel.id),
      ).toEqual({ version: '0.1.6', asset_event_id: file.id }),
    )
    expect(get('SELECT sha256 FROM build_assets WHERE event_id = ?', file.id)).toEqual({
      sha256: sha('legacy.zip'),
    })
  })

  it('the real Zapstore legacy pair is read: the 1063 is kept, the release waits for its game (told to that developer)', () => {
    expect(
      get('SELECT kind, state FROM raw_events WHERE id = ?', ZAPSTORE_LEGACY_ASSET.id),
    ).toEqual({ kind: 1063, state: 'ACCEPTED' })
    expect(get('SELECT state FROM raw_events WHERE id = ?', ZAPSTORE_LEGACY_RELEASE.id)).toEqual({
      state: 'PENDING',
    })
    expect(devEvent(ZAPSTORE_LEGACY_RELEASE.id)).toEqual({
      kind: 30063,
      state: 'PENDING',
      reason: 'waiting for game dev.zapstore.app (kind 32267 with d=dev.zapstore.app)',
      created_at: 1732315685,
    })
  })

  it('a release that arrives before its asset says which asset it waits for, and is linked (and forgotten) when it comes', async () => {
    await publish(game(dev, 'waiter', T))
    const zip = asset(dev, 'waiter', '1.0.0', T + 1)
    const rel = release(dev, 'waiter', '1.0.0', zip.id, T + 2)
    await publish(rel)
    await vi.waitFor(() =>
      expect(devEvent(rel.id)).toEqual({
        kind: 30063,
        state: 'PENDING',
        reason: `waiting for asset ${zip.id}`,
        created_at: T + 2,
      }),
    )
    await publish(zip)
    await vi.waitFor(() =>
      expect(get('SELECT asset_event_id FROM releases WHERE event_id = ?', rel.id)).toEqual({
        asset_event_id: zip.id,
      }),
    )
    expect(devEvent(rel.id)).toBeUndefined()
  })

  it('a refused asset is recorded with its reason, and the release waiting for it says so', async () => {
    await publish(game(dev, 'badasset', T))
    const bad = dev.sign({
      kind: 3063,
      created_at: T + 1,
      content: '',
      tags: [
        ['i', 'badasset'],
        ['version', '1.0.0'],
        ['x', 'not-hex'],
        ['m', 'application/zip'],
        ['size', '5'],
      ],
    })
    const rel = release(dev, 'badasset', '1.0.0', bad.id, T + 2)
    await publish(bad)
    await vi.waitFor(() =>
      expect(devEvent(bad.id)).toEqual({
        kind: 3063,
        state: 'REFUSED',
        reason: 'x: sha256 must be 64 lowercase hex',
        created_at: T + 1,
      }),
    )
    await publish(rel)
    await vi.waitFor(() =>
      expect(devEvent(rel.id)).toMatchObject({
        state: 'PENDING',
        reason: `waiting for asset ${bad.id} (refused: x: sha256 must be 64 lowercase hex)`,
      }),
    )
  })

  it('a release with two zips, or with no zip, is refused with its reason (one primary build per release)', async () => {
    await publish(game(dev, 'twozips', T))
    const a = zspFile('twozips', '1.0.0', 'application/zip', 'a.zip', T + 1)
    const b = zspFile('twozips', '1.0.0', 'application/zip', 'b.zip', T + 1)
    const apk = zspFile(
      'twozips',
      '2.0.0',
      'application/vnd.android.package-archive',
      'c.apk',
      T + 1,
    )
    const two = dev.sign(
      zspRelease({
        packageId: 'twozips',
        version: '1.0.0',
        assetEventIds: [a.id, b.id],
        createdAtSec: T + 2,
      }),
    )
    const none = dev.sign(
      zspRelease({
        packageId: 'twozips',
        version: '2.0.0',
        assetEventIds: [apk.id],
        createdAtSec: T + 2,
      }),
    )
    await publish(a, b, apk, two, none)
    await vi.waitFor(() => expect(devEvent(none.id)?.['state']).toBe('REFUSED'))
    expect(devEvent(two.id)).toMatchObject({
      state: 'REFUSED',
      reason: 'e: a release needs exactly one application/zip asset (its build), found 2 among 2',
    })
    expect(devEvent(none.id)).toMatchObject({
      reason: 'e: a release needs exactly one application/zip asset (its build), found 0 among 1',
    })
    expect(
      get(
        `SELECT count(*) AS n FROM releases r JOIN games g ON g.id = r.game_id WHERE g.slug = 'twozips'`,
      ),
    ).toEqual({ n: 0 })
  })

  it('a paid game keeps its money rules: a price without the market zap tag is refused and recorded', async () => {
    const ev = dev.sign({
      ...zspGame('paid.nozap', T),
      tags: [...zspGame('paid.nozap', T).tags, ['price', '2100', 'SAT']],
    })
    await publish(ev)
    await vi.waitFor(() =>
      expect(devEvent(ev.id)).toMatchObject({
        state: 'REFUSED',
        reason: 'zap: a paid game needs a first zap tag naming the market',
      }),
    )
    expect(get(`SELECT count(*) AS n FROM games WHERE slug = 'paid.nozap'`)).toEqual({ n: 0 })
  })
})

describe('published versions are immutable', () => {
  it('a newer 30063 that changes the build of a verified version is refused; the catalog keeps the published build', async () => {
    await publish(
      game(dev, 'fixed', T, { priceSats: 100, market: { pubkey: MARKET, relay: relay.url } }),
    )
    const first = asset(dev, 'fixed', '1.0.0', T + 1)
    const rel1 = release(dev, 'fixed', '1.0.0', first.id, T + 2, 'notes one')
    await publish(first, rel1)
    await vi.waitFor(() =>
      expect(get('SELECT event_id FROM releases WHERE event_id = ?', rel1.id)).toBeDefined(),
    )
    const gameId = get(`SELECT id FROM games WHERE slug = 'fixed'`)?.['id']
    const firstSha = first.tags.find((t) => t[0] === 'x')![1]
    // The market verified the upload of that build (what the upload service records).
    db.prepare(`INSERT INTO uploads (id, game_id, developer_user_id, version, object_key, sha256, size_bytes, content_type, status, expires_at,
      created_at, verified_at) VALUES ('u1', ?, (SELECT id FROM users WHERE pubkey = ?), '1.0.0', 'k1', ?, 1234, 'application/zip', 'VERIFIED', ?, ?, ?)`).run(
      gameId,
      dev.pubkey,
      firstSha,
      T + 999,
      T,
      T,
    )

    const other = asset(dev, 'fixed', '1.0.0', T + 3)
    const rel2 = release(dev, 'fixed', '1.0.0', other.id, T + 4, 'notes two')
    await publish(other, rel2)
    await vi.waitFor(() =>
      expect(devEvent(rel2.id)).toEqual({
        kind: 30063,
        state: 'REFUSED',
        created_at: T + 4,
        reason: `version already published: 1.0.0 has a verified build (sha256 ${firstSha}); publish a new version`,
      }),
    )
    expect(
      get(
        'SELECT r.event_id, r.release_notes, a.sha256 FROM releases r JOIN build_assets a ON a.release_id = r.id WHERE r.game_id = ?',
        gameId,
      ),
    ).toEqual({ event_id: rel1.id, release_notes: 'notes one', sha256: firstSha })
    expect(get('SELECT state FROM raw_events WHERE id = ?', rel1.id)).toEqual({ state: 'ACCEPTED' })
    expect(get('SELECT state FROM raw_events WHERE id = ?', rel2.id)).toEqual({
      state: 'SUPERSEDED',
    })
    expect(indexer.counters()['rejected:version-published']).toBe(1)

    // Same build, new notes: allowed (the hash buyers verified is unchanged).
    const same = dev.sign({ ...release(dev, 'fixed', '1.0.0', first.id, T + 5, 'notes three') })
    await publish(same)
    await vi.waitFor(() =>
      expect(get('SELECT event_id, release_notes FROM releases WHERE game_id = ?', gameId)).toEqual(
        { event_id: same.id, release_notes: 'notes three' },
      ),
    )
  })

  it('an unverified version may still get another build', async () => {
    await publish(game(dev, 'draftbuild', T))
    const a = asset(dev, 'draftbuild', '1.0.0', T + 1)
    const b = asset(dev, 'draftbuild', '1.0.0', T + 3)
    await publish(a, release(dev, 'draftbuild', '1.0.0', a.id, T + 2))
    const rel2 = release(dev, 'draftbuild', '1.0.0', b.id, T + 4)
    await publish(b, rel2)
    await vi.waitFor(() =>
      expect(
        get(
          'SELECT r.event_id, a.event_id AS asset FROM releases r JOIN build_assets a ON a.release_id = r.id WHERE r.event_id = ?',
          rel2.id,
        ),
      ).toEqual({ event_id: rel2.id, asset: b.id }),
    )
  })
})

describe('developer events are bounded', () => {
  it(`keeps the newest ${DEVELOPER_EVENTS_KEPT} per developer, dropping the oldest`, async () => {
    const other = await makeDev()
    db.prepare('INSERT INTO users (pubkey, created_at) VALUES (?, ?)').run(other.pubkey, T)
    const bad = Array.from({ length: DEVELOPER_EVENTS_KEPT + 5 }, (_, i) =>
      other.sign({
        kind: 32267,
        created_at: T + i,
        content: '',
        tags: [
          ['d', `g${i}`],
          ['name', `G${i}`],
        ],
      }),
    )
    await publish(...bad)
    await vi.waitFor(() =>
      expect(devEvent(bad.at(-1)!.id)).toMatchObject({
        state: 'REFUSED',
        reason: 't: a game must carry ["t","game"]',
      }),
    )
    await indexer.whenIdle()
    expect(
      get('SELECT count(*) AS n FROM developer_events WHERE pubkey = ?', other.pubkey),
    ).toEqual({ n: DEVELOPER_EVENTS_KEPT })
    for (const ev of bad.slice(0, 5)) expect(devEvent(ev.id)).toBeUndefined()
    expect(devEvent(bad[5]!.id)).toBeDefined()
  })
})
