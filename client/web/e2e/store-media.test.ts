/**
 * The store as a gamer sees it, in real Chromium against the real market (demo catalog): the screenshot
 * lightbox with the keyboard, a trailer that loads nothing before the click, a developer's page, the
 * featured row and the platform family filter applied as it is chosen. Screenshots at 1366×900 and
 * 390×844 go to .tmp/screenshots/, and to docs/screenshots/ when ZAPCADE_DOCS_SHOTS=1.
 */
import { copyFileSync, mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { finalizeEvent, generateSecretKey, getPublicKey } from 'nostr-tools/pure'
import { buildHttpAuth, httpAuthHeader, sha256Hex } from '@zapcade/shared/events/http-auth-header'
import type { NostrEvent } from '@zapcade/shared/events/event'
import { launchChromium, phonePage, SCREENSHOT_DIR, shot } from './testing/browser.ts'
import {
  gameDetail,
  listedInSearch,
  startTestMarket,
  submitGame,
  type TestMarket,
} from './testing/market.ts'

const DOCS_DIR = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url))
const DESKTOP = { width: 1366, height: 900 }
const PHONE_DOC = { width: 390, height: 844 }

let market: TestMarket
let browser: Browser
let api: string
let demoDev: string
const adminSk = generateSecretKey()

beforeAll(async () => {
  market = await startTestMarket({ ZAPCADE_ADMIN_PUBKEYS: getPublicKey(adminSk) })
  api = market.m.apiUrl
  demoDev = market.m.demoDeveloper.pubkey
  browser = await launchChromium()
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await market?.stop()
})

/** A viewport-sized PNG for the README (nothing wider than the viewport), copied to docs/ when asked. */
async function docShot(page: Page, name: string): Promise<void> {
  const width = await page.evaluate(() => document.documentElement.scrollWidth)
  expect(width, `${name} overflows`).toBeLessThanOrEqual(page.viewportSize()!.width)
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  const file = `${SCREENSHOT_DIR}${name}.png`
  await page.screenshot({ path: file })
  if (process.env.ZAPCADE_DOCS_SHOTS === '1') {
    mkdirSync(DOCS_DIR, { recursive: true })
    copyFileSync(file, `${DOCS_DIR}${name}.png`)
  }
}

/** Every image in the viewport loaded (lazy ones below the fold never load in a screenshot). */
function imagesInView(page: Page) {
  return page.waitForFunction(() =>
    [...document.images]
      .filter((i) => i.getBoundingClientRect().top < innerHeight)
      .every((i) => i.complete),
  )
}

/** An admin call signed with NIP-98, from Node. */
async function adminPost(path: string, body: unknown): Promise<Response> {
  const url = `${api}${path}`
  const text = JSON.stringify(body)
  const ev = finalizeEvent(
    buildHttpAuth({
      url,
      method: 'POST',
      createdAtSec: Math.floor(Date.now() / 1000),
      payloadSha256: await sha256Hex(text),
    }),
    adminSk,
  )
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: httpAuthHeader(ev as NostrEvent),
    },
    body: text,
  })
}

/** Wait until the result count reads `text` (the URL changes before the new results arrive). */
async function countReads(page: Page, text: string): Promise<void> {
  await page
    .getByTestId('result-count')
    .filter({ hasText: new RegExp(`^${text}$`) })
    .waitFor()
}

describe('a store gamers recognise', () => {
  it('game page: screenshots open in a lightbox that arrow keys browse and Escape closes; details and developer link', async () => {
    await gameDetail(api, demoDev, 'lantern-depths', true)
    const { page, context, errors } = await phonePage(browser)
    await page.goto(`${api}/game/${demoDev}/lantern-depths`)
    await page.getByRole('heading', { level: 1, name: 'Lantern Depths' }).waitFor()
    // Platforms with their labels, apart from the genre tags.
    const details = page.getByRole('region', { name: 'Details' })
    await expect(details.getByRole('list', { name: 'Platforms' }).textContent()).resolves.toBe(
      'LinuxWindowsmacOS (Apple silicon)',
    )
    await expect(
      details.getByRole('link', { name: 'macOS (Apple silicon)' }).getAttribute('href'),
    ).resolves.toBe('/?platform=macos')
    await expect(details.getByText('Download size').isVisible()).resolves.toBe(true)
    await expect(details.getByText('proprietary').isVisible()).resolves.toBe(true)
    await shot(page, 'game-media')

    const thumb = page.getByRole('button', { name: 'Open screenshot 2 of 4' })
    await thumb.click()
    const box = page.getByRole('dialog', { name: 'Lantern Depths screenshots' })
    await box.getByText('Screenshot 2 of 4').waitFor()
    await page.keyboard.press('ArrowRight')
    await box.getByText('Screenshot 3 of 4').waitFor()
    await expect(box.getByRole('img').getAttribute('src')).resolves.toMatch(
      /lantern-depths-2\.svg$/,
    )
    await page.keyboard.press('ArrowLeft')
    await page.keyboard.press('ArrowLeft')
    await page.keyboard.press('ArrowLeft')
    await box.getByText('Screenshot 4 of 4').waitFor()
    await page.keyboard.press('Escape')
    await box.waitFor({ state: 'hidden' })
    // Focus comes back to the thumbnail that opened it.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      'Open screenshot 2 of 4',
    )

    await page.getByRole('link', { name: /^by / }).or(page.locator('.by a')).first().click()
    await page.waitForURL(`${api}/developer/${demoDev}`)
    await page.getByTestId('developer-page').waitFor()
    expect(errors).toEqual([])
    await context.close()
  }, 120_000)

  it('a trailer loads nothing from its host until the visitor clicks play', async () => {
    const sk = generateSecretKey()
    const pk = await submitGame(api, sk, {
      slug: 'trailer-game',
      title: 'Trailer Game',
      summary: 'Has a trailer',
      description: 'Watch: https://youtu.be/dQw4w9WgXcQ',
      images: [`${api}/demo/zap-racer-1.svg`],
      tags: ['racing'],
      platforms: ['web'],
      priceSats: 0,
    })
    await gameDetail(api, pk, 'trailer-game')
    const { page, context } = await phonePage(browser)
    const hosts: string[] = []
    page.on('request', (r) => hosts.push(new URL(r.url()).hostname))
    await page.goto(`${api}/game/${pk}/trailer-game`)
    await page.getByRole('heading', { level: 1, name: 'Trailer Game' }).waitFor()
    const play = page.getByRole('button', { name: /Play trailer/ })
    await play.waitFor()
    expect(hosts.filter((h) => /youtube/.test(h))).toEqual([])
    await play.click()
    const frame = page.getByTitle('Trailer Game trailer')
    await expect(frame.getAttribute('src')).resolves.toBe(
      'https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1',
    )
    await context.close()
  }, 60_000)

  it("developer page lists the developer's listed games and nothing else", async () => {
    await listedInSearch(api, 'harbor', 'quiet-harbor')
    const { page, context, errors } = await phonePage(browser)
    await page.goto(`${api}/developer/${demoDev}`)
    const list = page.getByTestId('developer-games')
    await list.getByRole('link', { name: /Block Smith/ }).waitFor()
    await expect(list.getByRole('listitem').count()).resolves.toBe(5)
    await expect(list.getByRole('link', { name: /Night Shift/ }).count()).resolves.toBe(0)
    await shot(page, 'developer-page')
    await page.goto(`${api}/developer/not-a-key`)
    await page.getByRole('heading', { name: 'Developer not found' }).waitFor()
    expect(errors).toEqual([])
    await context.close()
  }, 60_000)

  it('featured row, platform family filter applied on choice, result count, clear filters, state in the URL', async () => {
    const r = await adminPost(`/api/v1/admin/games/${demoDev}/orbital-gardener/status`, {
      status: 'FEATURED',
    })
    expect(r.status).toBe(200)
    const { page, context, errors } = await phonePage(browser)
    await page.goto(api)
    const featured = page.getByRole('region', { name: 'Featured' })
    await featured.getByRole('link', { name: /Orbital Gardener/ }).waitFor()

    await page.goto(`${api}/?platform=linux`)
    const results = page.getByTestId('results')
    await results.getByRole('link', { name: /Block Smith/ }).waitFor()
    await countReads(page, '4 games for Linux')
    await expect(results.getByRole('link', { name: /Quiet Harbor/ }).count()).resolves.toBe(0)
    await expect(page.getByLabel('Platform').inputValue()).resolves.toBe('linux')
    // A select applies as soon as it is chosen (no Search click) and the URL keeps it.
    await page.getByLabel('Platform').selectOption('macos')
    await page.waitForURL(/platform=macos/)
    await results.getByRole('link', { name: /Quiet Harbor/ }).waitFor()
    await countReads(page, '3 games for macOS')
    await page.getByLabel('Tag').selectOption('puzzle')
    await page.waitForURL(/tag=puzzle/)
    expect(new URL(page.url()).searchParams.get('platform')).toBe('macos')
    await countReads(page, '1 game for puzzle · macOS')
    await page.goBack()
    await page.waitForURL((u) => !u.searchParams.has('tag'))
    await page.getByRole('link', { name: 'Clear filters' }).click()
    await page.waitForURL(`${api}/`)
    await page.getByRole('heading', { name: 'All games' }).waitFor()
    expect(errors).toEqual([])
    await context.close()
  }, 60_000)

  it('screenshots at 1366×900 and 390×844', async () => {
    for (const [size, vp] of [
      ['desktop', DESKTOP],
      ['phone', PHONE_DOC],
    ] as const) {
      const context = await browser.newContext({ viewport: vp })
      const page = await context.newPage()
      await page.goto(api)
      await page
        .getByRole('region', { name: 'Featured' })
        .getByRole('link', { name: /Orbital Gardener/ })
        .waitFor()
      await imagesInView(page)
      await docShot(page, `catalog-${size}`)
      await page.goto(`${api}/game/${demoDev}/lantern-depths`)
      await page.getByRole('heading', { level: 1, name: 'Lantern Depths' }).waitFor()
      await imagesInView(page)
      await docShot(page, `game-${size}`)
      await page.getByRole('button', { name: 'Open screenshot 1 of 4' }).click()
      await page.getByRole('dialog').getByText('Screenshot 1 of 4').waitFor()
      await docShot(page, `lightbox-${size}`)
      await page.goto(`${api}/developer/${demoDev}`)
      await page
        .getByTestId('developer-games')
        .getByRole('link', { name: /Block Smith/ })
        .waitFor()
      await imagesInView(page)
      await docShot(page, `developer-${size}`)
      await context.close()
    }
  }, 120_000)
})
