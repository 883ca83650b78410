import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { finalizeEvent, generateSecretKey, getPublicKey } from 'nostr-tools/pure'
import { SimplePool } from 'nostr-tools/pool'
import { startMarketRelay, type MarketRelay } from '@zapcade/relay'
import { buildBuildAsset } from '@zapcade/shared/events/build-asset'
import { buildRelease } from '@zapcade/shared/events/release'
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

function releaseWithAsset(
  devSk: Uint8Array,
  assetSk: Uint8Array,
  slug: string,
  version: string,
  sha256: string,
) {
  const asset = finalizeEvent(
    buildBuildAsset({ slug, version, sha256, sizeBytes: 1234, createdAtSec: now() }),
    assetSk,
  )
  const release = finalizeEvent(
    buildRelease({
      pubkey: getPublicKey(devSk),
      slug,
      version,
      assetEventId: asset.id,
      publishedAtSec: now(),
    }),
    devSk,
  )
  return { asset, release }
}

describe('the signed asset a download is checked against', () => {
  it("is found through the developer's release on the relay, with its sha256 and size", async () => {
    const dev = generateSecretKey()
    const { asset, release } = releaseWithAsset(dev, dev, 'rocket', '1.0.0', 'a'.repeat(64))
    await publish(asset, release)
    expect(await fetchSignedAsset([relay.url], getPublicKey(dev), 'rocket', '1.0.0')).toMatchObject(
      { eventId: asset.id, sha256: 'a'.repeat(64), sizeBytes: 1234 },
    )
  })

  it('an asset signed by someone else than the developer is not trusted, even when the release points to it', async () => {
    const dev = generateSecretKey()
    const { asset, release } = releaseWithAsset(
      dev,
      generateSecretKey(),
      'decoy',
      '1.0.0',
      'b'.repeat(64),
    )
    await publish(asset, release)
    expect(await fetchSignedAsset([relay.url], getPublicKey(dev), 'decoy', '1.0.0')).toBeUndefined()
  })

  it('a release by another key for the same slug is ignored', async () => {
    const dev = generateSecretKey()
    const mallory = generateSecretKey()
    const { asset, release } = releaseWithAsset(
      mallory,
      mallory,
      'same-slug',
      '2.0.0',
      'c'.repeat(64),
    )
    await publish(asset, release)
    expect(
      await fetchSignedAsset([relay.url], getPublicKey(dev), 'same-slug', '2.0.0'),
    ).toBeUndefined()
  })

  it('no relays, or none reachable, gives no asset rather than an error (the caller falls back and says so)', async () => {
    expect(await fetchSignedAsset([], 'd'.repeat(64), 'x', '1.0.0')).toBeUndefined()
    expect(
      await fetchSignedAsset(['ws://127.0.0.1:1'], 'd'.repeat(64), 'x', '1.0.0', 2000),
    ).toBeUndefined()
  })
})
