/**
 * Demo builds: each paid or free demo game (listed ones) gets a release 1.0.0 whose build is a small
 * real zip, uploaded through the market's upload API like any developer's build and announced with
 * signed 3063 + 30063 events, so a newcomer can buy and download right after `npm start`.
 */
import { createHash } from 'node:crypto'
import { finalizeEvent } from 'nostr-tools/pure'
import { buildBuildAsset } from '@zapcade/shared/events/build-asset'
import { buildRelease } from '@zapcade/shared/events/release'
import type { NostrEvent } from '@zapcade/shared/events/event'
import { makeZip } from '@zapcade/market-service/adapters/zip/make-zip'
import { DEMO_GAMES, type DemoGame } from './demo-catalog.ts'
import type { KeyPair } from './dev-keys.ts'
import { expectOk, signedFetch } from './signed-fetch.ts'

export interface DemoBuildOptions {
  apiUrl: string
  relayUrl: string
  developer: KeyPair
  nowSec: () => number
  /** Wait this long for the indexer to list each game before uploading (ms). */
  waitMs?: number
}

/** The demo zip of a game: a README and a tiny "game" file, deterministic per slug. */
export function demoZip(g: DemoGame): Buffer {
  return makeZip([
    {
      name: `${g.slug}/README.txt`,
      data: Buffer.from(`${g.title}\n\n${g.summary}\n\nA Zapcade demo build.\n`),
      deflate: true,
    },
    { name: `${g.slug}/game.txt`, data: Buffer.from(`${g.title} v1.0.0 — thanks for playing!\n`) },
  ])
}

async function waitForGame(
  apiUrl: string,
  pubkey: string,
  slug: string,
  waitMs: number,
): Promise<void> {
  const until = Date.now() + waitMs
  for (;;) {
    const res = await fetch(`${apiUrl}/api/v1/games/${pubkey}/${slug}`)
    if (res.ok) return
    if (Date.now() > until) throw new Error(`demo game ${slug} not indexed after ${waitMs} ms`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** Upload and announce release 1.0.0 of every demo game that has none yet; answers the versions made. */
export async function publishDemoBuilds(o: DemoBuildOptions): Promise<string[]> {
  const made: string[] = []
  {
    for (const g of DEMO_GAMES) {
      await waitForGame(o.apiUrl, o.developer.pubkey, g.slug, o.waitMs ?? 10_000)
      const game = (await (
        await fetch(`${o.apiUrl}/api/v1/games/${o.developer.pubkey}/${g.slug}`)
      ).json()) as { releases?: unknown[] }
      if ((game.releases ?? []).length > 0) continue
      const zip = demoZip(g)
      const sha256 = createHash('sha256').update(zip).digest('hex')
      const created = (await (
        await expectOk(
          await signedFetch(o.developer, `${o.apiUrl}/api/v1/developer/uploads`, {
            method: 'POST',
            json: {
              game: `${o.developer.pubkey}/${g.slug}`,
              version: '1.0.0',
              sha256,
              size_bytes: zip.length,
              content_type: 'application/zip',
            },
          }),
          `upload ${g.slug}`,
        )
      ).json()) as { upload_url: string; method: string; headers?: Record<string, string> }
      await expectOk(
        await fetch(created.upload_url, {
          method: created.method,
          headers: created.headers ?? {},
          body: new Blob([new Uint8Array(zip)]),
        }),
        `PUT ${g.slug}`,
      )
      const at = o.nowSec()
      const asset = finalizeEvent(
        buildBuildAsset({
          slug: g.slug,
          version: '1.0.0',
          sha256,
          sizeBytes: zip.length,
          platforms: g.platforms,
          url: `${o.apiUrl}/api/v1/games/${o.developer.pubkey}/${g.slug}/download?version=1.0.0`,
          createdAtSec: at,
        }),
        o.developer.secretKey,
      ) as NostrEvent
      const release = finalizeEvent(
        buildRelease({
          pubkey: o.developer.pubkey,
          slug: g.slug,
          version: '1.0.0',
          assetEventId: asset.id,
          assetRelay: o.relayUrl,
          notes: `First release of ${g.title}.`,
          publishedAtSec: at,
        }),
        o.developer.secretKey,
      ) as NostrEvent
      for (const ev of [asset, release]) {
        await expectOk(
          await fetch(`${o.apiUrl}/api/v1/events`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(ev),
          }),
          `publish ${g.slug}`,
        )
      }
      made.push(g.slug)
    }
  }
  return made
}
