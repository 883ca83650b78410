/**
 * The signed build a download is checked against, for a release that lists several assets (NIP-82, as
 * zsp publishes: testing/nip82-fixtures.ts): the zip among them, whatever the order, on a real relay.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { finalizeEvent, generateSecretKey, getPublicKey } from 'nostr-tools/pure'
import { SimplePool } from 'nostr-tools/pool'
import { startMarketRelay, type MarketRelay } from '@zapcade/relay'
import { zspAsset, zspRelease } from '@zapcade/shared/events/testing/nip82-fixtures'
import type { NostrEvent } from '@zapcade/shared/events/event'
import { installNodeWebSocket } from '../api/node-websocket.ts'
import { fetchSignedAsset } from './signed-asset.ts'

let relay: MarketRelay
beforeAll(async () => {
  installNodeWebSocket()
  relay = await startMarketRelay()
})
afterAll(async () => relay.stop())

async function publish(...events: NostrEvent[]) {
  const pool = new SimplePool()
  try {
    for (const ev of events) await Promise.all(pool.publish([relay.url], ev))
  } finally {
    pool.destroy()
  }
}
const now = () => Math.floor(Date.now() / 1000)

describe('the signed build of a multi-asset release', () => {
  it('is the zip, listed after an APK, with a loose version', async () => {
    const sk = generateSecretKey()
    const file = (sha: string, mime: string) =>
      finalizeEvent(
        zspAsset({
          identifier: 'com.example.Game',
          version: 'v2.1',
          sha256: sha,
          sizeBytes: 777,
          mime,
          urls: ['https://a.example/f', 'https://b.example/f'],
          createdAtSec: now(),
        }),
        sk,
      )
    const apk = file('a'.repeat(64), 'application/vnd.android.package-archive')
    const zip = file('b'.repeat(64), 'application/zip')
    const rel = finalizeEvent(
      zspRelease({
        packageId: 'com.example.Game',
        version: 'v2.1',
        assetEventIds: [apk.id, zip.id],
        createdAtSec: now(),
      }),
      sk,
    )
    await publish(apk, zip, rel)
    expect(
      await fetchSignedAsset([relay.url], getPublicKey(sk), 'com.example.Game', 'v2.1'),
    ).toMatchObject({
      eventId: zip.id,
      sha256: 'b'.repeat(64),
      sizeBytes: 777,
      urls: ['https://a.example/f', 'https://b.example/f'],
    })
  })

  it('is none when the release lists no zip (nothing the market would serve either)', async () => {
    const sk = generateSecretKey()
    const apk = finalizeEvent(
      zspAsset({
        identifier: 'apk-only',
        version: '1.0',
        sha256: 'c'.repeat(64),
        sizeBytes: 5,
        urls: [],
        createdAtSec: now(),
      }),
      sk,
    )
    const rel = finalizeEvent(
      zspRelease({
        packageId: 'apk-only',
        version: '1.0',
        assetEventIds: [apk.id],
        createdAtSec: now(),
      }),
      sk,
    )
    await publish(apk, rel)
    expect(
      await fetchSignedAsset([relay.url], getPublicKey(sk), 'apk-only', '1.0', 2000),
    ).toBeUndefined()
  })
})
