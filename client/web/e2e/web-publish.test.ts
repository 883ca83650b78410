/**
 * A developer needs no terminal, and a store shows who made a game, in real Chromium against the real
 * market (relay → indexer → service with the storefront, devnet wallet):
 * - dashboard: a new draft's "List it" warns that it has no verified build; a zip dropped on the
 *   release form is hashed in the page, uploaded with a progress bar, verified by the market, and
 *   signed (3063 + 30063) by the signed-in key; the game page then sells that release; the same version
 *   with other bytes is refused in words (VERSION_PUBLISHED);
 * - the listing's `video` tag as a click-to-load trailer (nothing requested from its host before);
 * - the developer page shows the kind-0 profile: name, picture, about, NIP-05 verified (a name claimed
 *   at this market) or unverified;
 * - every invoice counts down, the zap invoice too; a resumed checkout comes back in view with focus.
 * Screenshots go to .tmp/screenshots/, and to docs/screenshots/ when ZAPCADE_DOCS_SHOTS=1.
 */
import { copyFileSync, mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import WebSocket from 'ws'
import { Relay, useWebSocketImplementation } from 'nostr-tools/relay'
import { finalizeEvent, generateSecretKey, getPublicKey } from 'nostr-tools/pure'
import { buildGame } from '@zapcade/shared/events/game'
import { makeZip } from '@zapcade/market-service/adapters/zip/make-zip'
import { signedFetch } from '../../../launcher/signed-fetch.ts'
import { launchChromium, phonePage, SCREENSHOT_DIR, shot } from './testing/browser.ts'
import { importKey, installNip07 } from './testing/flows.ts'
import { eventually, gameDetail, startTestMarket, type TestMarket } from './testing/market.ts'

useWebSocketImplementation(WebSocket)

const DOCS_DIR = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url))
const DESKTOP = { width: 1366, height: 900 }

let market: TestMarket
let browser: Browser
let api: string

beforeAll(async () => {
  market = await startTestMarket()
  api = market.m.apiUrl
  browser = await launchChromium()
}, 180_000)
afterAll(async () => {
  await browser?.close()
  await market?.stop()
})

/** A viewport-sized PNG, copied to docs/screenshots when ZAPCADE_DOCS_SHOTS=1. */
async function docShot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  const file = `${SCREENSHOT_DIR}${name}.png`
  await page.screenshot({ path: file })
  if (process.env.ZAPCADE_DOCS_SHOTS === '1') {
    mkdirSync(DOCS_DIR, { recursive: true })
    copyFileSync(file, `${DOCS_DIR}${name}.png`)
  }
}

/** Drop a file on the release form's drop zone, as a drag from the desktop does. */
async function dropZip(page: Page, name: string, bytes: Buffer): Promise<void> {
  const dt = await page.evaluateHandle(
    ({ b64, name }) => {
      const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))
      const t = new DataTransfer()
      t.items.add(new File([data], name, { type: 'application/zip' }))
      return t
    },
    { b64: bytes.toString('base64'), name },
  )
  const zone = page.getByTestId('dropzone')
  await zone.dispatchEvent('dragover', { dataTransfer: dt })
  await zone.dispatchEvent('drop', { dataTransfer: dt })
  await zone.getByText(name).waitFor()
}

/** Record whether the upload progress bar was ever on screen (it may last only milliseconds). */
function watchUploadProgress(page: Page): Promise<void> {
  return page.evaluate(() => {
    const w = window as unknown as { __sawUpload: boolean }
    w.__sawUpload = false
    new MutationObserver(() => {
      if (document.querySelector('progress[aria-label="Upload progress"]')) w.__sawUpload = true
    }).observe(document.body, { subtree: true, childList: true, attributes: true })
  })
}

const zip = (tag: string) =>
  makeZip([
    { name: 'moss/README.txt', data: Buffer.from(`Moss Keeper ${tag}\n`), deflate: true },
    { name: 'moss/game.txt', data: Buffer.from(`build ${tag}\n`.repeat(2000)), deflate: true },
  ])

describe('developer dashboard, no terminal', () => {
  it('warns before listing a game with no build, then publishes a release from a dropped zip; the store sells it', async () => {
    const sk = generateSecretKey()
    const pubkey = getPublicKey(sk)
    const slug = 'moss-keeper'
    const { page, context, errors } = await phonePage(browser)
    // Signed in with a NIP-07 extension: it signs the draft, the listing, the uploads' NIP-98 and the release.
    const nip07 = await installNip07(page, sk)
    await page.goto(`${api}/signin?next=%2Fdeveloper`)
    await page.getByRole('button', { name: 'Sign in with extension' }).click()
    await page.getByRole('heading', { level: 1, name: 'Developer dashboard' }).waitFor()
    await page
      .getByRole('region', { name: 'Publish a release' })
      .getByText('List a game first')
      .waitFor()

    await page.getByText('New draft').click()
    await page.getByLabel('Slug (a-z, 0-9, . _ -)').fill(slug)
    await page.getByLabel('Title').fill('Moss Keeper')
    await page.getByLabel('Summary').fill('Tend a garden that remembers.')
    await page.getByLabel('Price in sats (0 = free)').fill('1500')
    await page.getByLabel('Tags, comma separated').fill('puzzle')
    await page.getByLabel('Platforms, comma separated').fill('linux-x86_64')
    await page.getByRole('button', { name: 'Save draft' }).click()
    await page.getByText('Draft Moss Keeper saved').waitFor()

    // "List it" on a game with no verified build asks first, and says what the store will show.
    const row = page.getByTestId('dev-games').getByRole('row', { name: /Moss Keeper/ })
    await row.getByRole('button', { name: 'List Moss Keeper' }).click()
    const warning = row.getByTestId('list-warning')
    await warning.getByText(/has no verified build yet/).waitFor()
    await warning.getByText(/shows as “Coming soon”/).waitFor()
    await warning.getByRole('button', { name: 'Not yet' }).click()
    await expect(warning.count()).resolves.toBe(0)
    await row.getByRole('button', { name: 'List Moss Keeper' }).click()
    await row.getByRole('button', { name: 'List it anyway' }).click()
    await page.getByText('Moss Keeper is now listed.').waitFor()
    expect((await gameDetail(api, pubkey, slug)).coming_soon).toBe(true)

    // The release form offers the listed game once the catalog has it (no reload needed).
    const form = page.getByRole('region', { name: 'Publish a release' })
    await form.getByLabel('Game').waitFor()
    await expect(form.getByLabel('Game').inputValue()).resolves.toBe(slug)
    await expect(form.getByLabel(/Platforms of this build/).inputValue()).resolves.toBe(
      'linux-x86_64',
    )
    await form.getByLabel('Version (SemVer)').fill('1.0.0')
    await form.getByLabel('Release notes (markdown)').fill('First build: **the garden grows**.')
    const first = zip('1.0.0')
    await dropZip(page, 'moss-keeper-1.0.0.zip', first)
    await watchUploadProgress(page)
    await form.getByRole('button', { name: 'Publish release' }).click()
    await page.getByText(/Moss Keeper 1\.0\.0 is published \(sha256 [0-9a-f]{12}…\)/).waitFor()
    expect(
      await page.evaluate(() => (window as unknown as { __sawUpload: boolean }).__sawUpload),
    ).toBe(true)
    // The extension signed the build asset (3063) and the release (30063) that names it.
    const asset = nip07.signed.find((e) => e.kind === 3063)
    const release = nip07.signed.find((e) => e.kind === 30063)
    expect(asset?.tags).toContainEqual(['version', '1.0.0'])
    expect(asset?.tags).toContainEqual(['f', 'linux-x86_64'])
    expect(release?.tags).toContainEqual(['d', `${slug}@1.0.0`])

    // The store: release 1.0.0 with its size and notes, and a buy box instead of "coming soon".
    const detail = await gameDetail(api, pubkey, slug, true)
    expect(detail.coming_soon).toBe(false)
    expect(detail.releases[0]).toMatchObject({
      version: '1.0.0',
      notes: 'First build: **the garden grows**.',
      asset: { size_bytes: first.length },
    })
    await page.getByRole('link', { name: 'Open its page' }).click()
    await page.getByRole('heading', { level: 1, name: 'Moss Keeper' }).waitFor()
    const releases = page.getByRole('region', { name: 'Releases' })
    await releases.getByRole('heading', { level: 3, name: /^1\.0\.0 / }).waitFor()
    await releases.getByText('the garden grows').waitFor()
    // Signed in (the developer's own key here), so the buy box offers "Buy" rather than "Buy as guest".
    await page.getByRole('button', { name: 'Buy', exact: true }).waitFor()
    await expect(page.getByTestId('coming-soon').count()).resolves.toBe(0)

    // A published version never changes: other bytes for 1.0.0 are refused in words.
    await page.goto(`${api}/developer`)
    await form.getByLabel('Version (SemVer)').fill('1.0.0')
    await dropZip(page, 'moss-keeper-other.zip', zip('other'))
    await form.getByRole('button', { name: 'Publish release' }).click()
    await form
      .getByTestId('release-error')
      .getByText(
        'Moss Keeper 1.0.0 is already published with another build, and a published release never changes (buyers checked its hash). Publish it as a new version, for example 1.0.1.',
      )
      .waitFor()
    // Not a zip: refused before anything is uploaded.
    await dropZip(page, 'notes.zip', Buffer.from('just text, not an archive'))
    await form.getByRole('button', { name: 'Publish release' }).click()
    await form
      .getByTestId('release-error')
      .getByText(/not a zip archive/)
      .waitFor()
    await shot(page, 'dashboard-release')
    expect(errors).toEqual([])
    await context.close()

    // The release form on a desktop screen, for the README.
    const desk = await browser.newContext({ viewport: DESKTOP })
    const dp = await desk.newPage()
    await dp.goto(`${api}/signin?next=%2Fdeveloper`)
    await importKey(dp, sk)
    const deskForm = dp.getByRole('region', { name: 'Publish a release' })
    await deskForm.getByLabel('Game').waitFor()
    await deskForm.getByLabel('Version (SemVer)').fill('1.1.0')
    await dropZip(dp, 'moss-keeper-1.1.0.zip', zip('1.1.0'))
    await deskForm.scrollIntoViewIfNeeded()
    await docShot(dp, 'dashboard-release-desktop')
    await desk.close()
  }, 240_000)
})

describe('game and developer pages', () => {
  it("plays the listing's video tag as the trailer, loading nothing from its host before the click", async () => {
    const sk = generateSecretKey()
    const unsigned = buildGame({
      slug: 'glass-tide',
      title: 'Glass Tide',
      summary: 'A trailer in its video tag.',
      description: 'Also on https://youtu.be/dQw4w9WgXcQ',
      images: [`${api}/demo/zap-racer-1.svg`],
      tags: ['racing'],
      platforms: ['web'],
      createdAtSec: Math.floor(Date.now() / 1000),
    })
    // The video tag: a PeerTube watch page (NIP-82 leaves video out; docs/event-profile.md lists our reading).
    unsigned.tags.push(['video', 'https://tube.example.org/w/kkGMgK9ZtnKfYAgnEtQxbv'])
    const ev = finalizeEvent(unsigned, sk)
    const r = await fetch(`${api}/api/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ev),
    })
    expect(r.status).toBeLessThan(300)
    const pk = getPublicKey(sk)
    const g = await gameDetail(api, pk, 'glass-tide')
    expect(g.videos).toEqual(['https://tube.example.org/w/kkGMgK9ZtnKfYAgnEtQxbv'])

    const { page, context } = await phonePage(browser)
    const hosts: string[] = []
    page.on('request', (q) => hosts.push(new URL(q.url()).hostname))
    await page.goto(`${api}/game/${pk}/glass-tide`)
    await page.getByRole('heading', { level: 1, name: 'Glass Tide' }).waitFor()
    const play = page.getByRole('button', { name: /Play trailer/ })
    await play.getByText('(loads from tube.example.org)').waitFor()
    expect(hosts.filter((h) => h.endsWith('tube.example.org') || /youtube/.test(h))).toEqual([])
    await play.click()
    await expect(page.getByTitle('Glass Tide trailer').getAttribute('src')).resolves.toBe(
      'https://tube.example.org/videos/embed/kkGMgK9ZtnKfYAgnEtQxbv?autoplay=1',
    )
    await context.close()
  }, 90_000)

  it('developer page shows the kind-0 profile: name, picture, about, NIP-05 verified or unverified', async () => {
    const dev = market.m.demoDeveloper
    const host = new URL(api).host
    // A short name at this market verifies as the developer's NIP-05 (its /.well-known/nostr.json).
    const claim = await signedFetch(dev, `${api}/api/v1/developer/lightning-address`, {
      method: 'PUT',
      json: { name: 'mothworks' },
    })
    expect(claim.status).toBe(200)
    const unverifiedSk = generateSecretKey()
    const relay = await Relay.connect(market.m.relayUrl)
    const now = Math.floor(Date.now() / 1000)
    await relay.publish(
      finalizeEvent(
        {
          kind: 0,
          created_at: now,
          tags: [],
          content: JSON.stringify({
            name: 'Moth Works',
            picture: `${api}/demo/lantern-depths-1.svg`,
            about: 'Two people making small games about light and caves.',
            nip05: `mothworks@${host}`,
          }),
        },
        dev.secretKey,
      ),
    )
    await relay.publish(
      finalizeEvent(
        {
          kind: 0,
          created_at: now,
          tags: [],
          content: JSON.stringify({ name: 'Pretender', nip05: `mothworks@${host}` }),
        },
        unverifiedSk,
      ),
    )
    relay.close()
    const pretender = getPublicKey(unverifiedSk)
    const pretenderGame = buildGame({
      slug: 'copycat',
      title: 'Copycat',
      createdAtSec: now,
    })
    await fetch(`${api}/api/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(finalizeEvent(pretenderGame, unverifiedSk)),
    })
    await eventually('the profile in the catalog', async () => {
      const g = await gameDetail(api, dev.pubkey, 'lantern-depths')
      return g.developer.about ? g : undefined
    })
    await eventually("the pretender's profile", async () => {
      const g = await gameDetail(api, pretender, 'copycat')
      return g.developer.nip05 ? g : undefined
    })

    const { page, context, errors } = await phonePage(browser)
    await page.goto(`${api}/developer/${dev.pubkey}`)
    const head = page.getByTestId('developer-page')
    await head.getByRole('heading', { level: 1, name: 'Moth Works' }).waitFor()
    await page
      .getByTestId('developer-about')
      .getByText('Two people making small games about light and caves.')
      .waitFor()
    const nip05 = page.getByTestId('nip05')
    await nip05.and(page.locator('[data-state="verified"]')).waitFor()
    await nip05.getByText(`mothworks@${host}`).waitFor()
    await nip05.getByText('verified', { exact: true }).waitFor()
    await expect(head.locator('img.avatar').getAttribute('src')).resolves.toBe(
      `${api}/demo/lantern-depths-1.svg`,
    )
    await shot(page, 'developer-profile')

    // Another key claiming the same name: shown, but as unverified.
    await page.goto(`${api}/developer/${pretender}`)
    await page.getByRole('heading', { level: 1, name: 'Pretender' }).waitFor()
    await page.getByTestId('nip05').and(page.locator('[data-state="unverified"]')).waitFor()
    await page.getByTestId('nip05').getByText('unverified').waitFor()
    expect(errors).toEqual([])
    await context.close()

    for (const [size, vp] of [
      ['desktop', DESKTOP],
      ['phone', { width: 390, height: 844 }],
    ] as const) {
      const c = await browser.newContext({ viewport: vp })
      const p = await c.newPage()
      await p.goto(`${api}/developer/${dev.pubkey}`)
      await p.locator('[data-testid="nip05"][data-state="verified"]').waitFor()
      await p
        .getByTestId('developer-games')
        .getByRole('link', { name: /Block Smith/ })
        .waitFor()
      await p.waitForFunction(() => [...document.images].every((i) => i.complete))
      await docShot(p, `developer-profile-${size}`)
      await c.close()
    }
  }, 120_000)
})

describe('invoices', () => {
  it('a zap invoice counts down to its expiry; a resumed guest checkout is in view with focus', async () => {
    const demoDev = market.m.demoDeveloper.pubkey
    await gameDetail(api, demoDev, 'block-smith', true)
    const zapper = await browser.newContext({ viewport: DESKTOP })
    const page = await zapper.newPage()
    await installNip07(page, generateSecretKey())
    await page.goto(`${api}/signin?next=${encodeURIComponent(`/game/${demoDev}/block-smith`)}`)
    await page.getByRole('button', { name: 'Sign in with extension' }).click()
    await page.getByRole('heading', { level: 1, name: 'Block Smith' }).waitFor()
    await page.getByRole('button', { name: 'Zap to buy' }).click()
    const invoice = page.getByTestId('checkout-invoice')
    await invoice.getByRole('img', { name: /QR code/ }).waitFor()
    // The zap's invoice comes from the LNURL callback with no expires_at: its own expiry counts down.
    await invoice
      .getByTestId('invoice-countdown')
      .getByText(/^\d+:\d\d left to pay$/)
      .waitFor()
    await docShot(page, 'zap-invoice-desktop')
    await zapper.close()

    const guest = await browser.newContext({ viewport: DESKTOP })
    const gp = await guest.newPage()
    await gp.goto(`${api}/game/${demoDev}/lantern-depths`)
    await gp.getByRole('button', { name: 'Buy as guest' }).click()
    await gp.getByTestId('checkout-invoice').getByTestId('invoice-countdown').waitFor()
    await gp.getByRole('button', { name: 'Pay later' }).click()
    await gp.goto(`${api}/library`)
    await gp.getByRole('link', { name: 'Resume payment' }).click()
    const pending = gp.getByTestId('pending-checkout')
    await pending
      .getByTestId('invoice-countdown')
      .getByText(/left to pay/)
      .waitFor()
    await gp.waitForFunction(
      () => document.activeElement?.getAttribute('data-testid') === 'pending-checkout',
    )
    const box = await pending.boundingBox()
    const where = await gp.evaluate(() => ({ y: scrollY, h: document.body.scrollHeight }))
    // Its top at the top of the viewport (sub-pixel rounding aside), not below the fold.
    expect(
      box && Math.round(box.y) >= 0 && box.y < DESKTOP.height,
      JSON.stringify({ box, where }),
    ).toBe(true)
    await guest.close()
  }, 120_000)
})
