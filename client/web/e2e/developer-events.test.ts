/**
 * NIP-82 shapes in Chromium against the real market (relay → indexer → service with the storefront):
 * the developer dashboard's "Refused or waiting events" panel lists what the market refused or holds,
 * with the reason; a game page lists releases newest first by version (loose versions included) and a
 * release's other files (zsp-style: a zip build and an APK).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import WebSocket from 'ws'
import { Relay, useWebSocketImplementation } from 'nostr-tools/relay'
import { finalizeEvent, generateSecretKey, getPublicKey } from 'nostr-tools/pure'
import { buildRelease } from '@zapcade/shared/events/release'
import { buildGame } from '@zapcade/shared/events/game'
import { zspAsset, zspRelease } from '@zapcade/shared/events/testing/nip82-fixtures'
import { buildHttpAuth, httpAuthHeader } from '@zapcade/shared/events/http-auth-header'
import { launchChromium, phonePage, shot } from './testing/browser.ts'
import { importKey } from './testing/flows.ts'
import { eventually, gameDetail, startTestMarket, type TestMarket } from './testing/market.ts'

useWebSocketImplementation(WebSocket)

let market: TestMarket
let browser: Browser

beforeAll(async () => {
  market = await startTestMarket()
  browser = await launchChromium()
}, 180_000)
afterAll(async () => {
  await browser?.close()
  await market?.stop()
})

describe('developer dashboard: refused or waiting events', () => {
  it('lists a refused listing and a release waiting for its asset, each with its reason', async () => {
    const dev = market.m.demoDeveloper
    const api = market.m.apiUrl
    const now = Math.floor(Date.now() / 1000)
    const missingAsset = 'cd'.repeat(32)
    const refused = finalizeEvent(
      {
        kind: 32267,
        created_at: now - 20,
        content: '',
        tags: [
          ['d', 'not-a-game'],
          ['name', 'A Tool'],
        ],
      },
      dev.secretKey,
    )
    const waiting = finalizeEvent(
      buildRelease({
        pubkey: dev.pubkey,
        slug: 'lantern-depths',
        version: '2.0',
        assetEventId: missingAsset,
        publishedAtSec: now - 10,
      }),
      dev.secretKey,
    )
    const relay = await Relay.connect(market.m.relayUrl)
    await relay.publish(refused)
    await relay.publish(waiting)
    relay.close()
    // The indexer applies relay events asynchronously: wait until the API (NIP-98, as the page signs) lists both.
    await eventually('the indexer to record both', async () => {
      const url = `${api}/api/v1/developer/events`
      const auth = httpAuthHeader(
        finalizeEvent(
          buildHttpAuth({ url, method: 'GET', createdAtSec: Math.floor(Date.now() / 1000) }),
          dev.secretKey,
        ),
      )
      const body = (await (await fetch(url, { headers: { authorization: auth } })).json()) as {
        items: { event_id: string }[]
      }
      return body.items.length === 2 ? true : undefined
    })

    const { page, context, errors } = await phonePage(browser)
    await page.goto(`${api}/signin?next=%2Fdeveloper`)
    await importKey(page, dev.secretKey)
    await page.getByRole('heading', { level: 1, name: 'Developer dashboard' }).waitFor()
    const panel = page.getByRole('region', { name: 'Refused or waiting events' })
    await panel.getByText('t: a game must carry ["t","game"]').waitFor()
    await panel.getByText(`waiting for asset ${missingAsset}`).waitFor()
    await expect(panel.getByTestId('dev-events').getByRole('listitem').count()).resolves.toBe(2)
    await expect(panel.getByText('Refused', { exact: true }).count()).resolves.toBe(1)
    await expect(panel.getByText('Waiting', { exact: true }).count()).resolves.toBe(1)
    await shot(page, 'developer-events')
    expect(errors).toEqual([])
    await context.close()
  }, 180_000)

  it("a game page lists releases newest first by version and a release's other files with their links (free game)", async () => {
    const sk = generateSecretKey()
    const pubkey = getPublicKey(sk)
    const api = market.m.apiUrl
    const now = Math.floor(Date.now() / 1000)
    const slug = 'com.Example.Kite'
    const sha = (c: string) => c.repeat(64)
    const events = [
      finalizeEvent(
        buildGame({ slug, title: 'Kite Runner Deluxe', summary: 'Fly.', createdAtSec: now - 100 }),
        sk,
      ),
    ]
    for (const [version, c, at] of [
      ['v1.2', 'a', now - 50],
      ['1.0', 'b', now - 20],
    ] as const) {
      const zip = finalizeEvent(
        zspAsset({
          identifier: slug,
          version,
          sha256: sha(c),
          sizeBytes: 2048,
          mime: 'application/zip',
          urls: [],
          createdAtSec: at,
        }),
        sk,
      )
      const apk = finalizeEvent(
        zspAsset({
          identifier: slug,
          version,
          sha256: sha(c === 'a' ? 'c' : 'd'),
          sizeBytes: 4096,
          variant: 'android',
          platforms: ['android-arm64-v8a'],
          urls: [
            `https://dl.example/${version}/kite.apk`,
            `https://cdn.example/${version}/kite.apk`,
          ],
          createdAtSec: at,
        }),
        sk,
      )
      events.push(
        zip,
        apk,
        finalizeEvent(
          zspRelease({
            packageId: slug,
            version,
            assetEventIds: [zip.id, apk.id],
            changelog: `Notes ${version}`,
            createdAtSec: at + 1,
          }),
          sk,
        ),
      )
    }
    const relay = await Relay.connect(market.m.relayUrl)
    for (const ev of events) await relay.publish(ev)
    relay.close()
    await eventually('both releases', async () =>
      (await gameDetail(api, pubkey, slug)).releases.length === 2 ? true : undefined,
    )

    const { page, context, errors } = await phonePage(browser)
    await page.goto(`${api}/game/${pubkey}/${slug}`)
    await page.getByRole('heading', { level: 1, name: 'Kite Runner Deluxe' }).waitFor()
    const releases = page.getByRole('region', { name: 'Releases' })
    await expect(releases.getByRole('heading', { level: 3 }).allTextContents()).resolves.toEqual([
      expect.stringMatching(/^v1\.2 /),
      expect.stringMatching(/^1\.0 /),
    ])
    await releases.getByText('Other files (1)').first().click()
    const first = releases.getByRole('listitem').filter({ hasText: 'android' }).first()
    await expect(first.getByRole('link', { name: 'download' }).getAttribute('href')).resolves.toBe(
      'https://dl.example/v1.2/kite.apk',
    )
    await expect(first.getByRole('link', { name: 'mirror 1' }).getAttribute('href')).resolves.toBe(
      'https://cdn.example/v1.2/kite.apk',
    )
    await shot(page, 'game-other-files')
    expect(errors).toEqual([])
    await context.close()
  }, 180_000)
})
