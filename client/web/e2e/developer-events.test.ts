/**
 * The developer dashboard's "Refused or waiting events" panel in Chromium against the real market
 * (relay → indexer → service with the storefront): events a developer published to the relay that the
 * market refused, or that wait for something, are listed with the reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import WebSocket from 'ws'
import { Relay, useWebSocketImplementation } from 'nostr-tools/relay'
import { finalizeEvent } from 'nostr-tools/pure'
import { buildRelease } from '@zapcade/shared/events/release'
import { buildHttpAuth, httpAuthHeader } from '@zapcade/shared/events/http-auth-header'
import { launchChromium, phonePage, shot } from './testing/browser.ts'
import { importKey } from './testing/flows.ts'
import { eventually, startTestMarket, type TestMarket } from './testing/market.ts'

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
    const refused = finalizeEvent({ kind: 32267, created_at: now - 20, content: '', tags: [['d', 'not-a-game'], ['name', 'A Tool']] }, dev.secretKey)
    const waiting = finalizeEvent(buildRelease({ pubkey: dev.pubkey, slug: 'lantern-depths', version: '2.0', assetEventId: missingAsset, publishedAtSec: now - 10 }), dev.secretKey)
    const relay = await Relay.connect(market.m.relayUrl)
    await relay.publish(refused)
    await relay.publish(waiting)
    relay.close()
    // The indexer applies relay events asynchronously: wait until the API (NIP-98, as the page signs) lists both.
    await eventually('the indexer to record both', async () => {
      const url = `${api}/api/v1/developer/events`
      const auth = httpAuthHeader(finalizeEvent(buildHttpAuth({ url, method: 'GET', createdAtSec: Math.floor(Date.now() / 1000) }), dev.secretKey))
      const body = (await (await fetch(url, { headers: { authorization: auth } })).json()) as { items: { event_id: string }[] }
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
})
