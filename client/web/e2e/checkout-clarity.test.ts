/**
 * Checkout and errors a buyer understands, in Chromium against the real market (relay → indexer →
 * service with the built storefront, devnet Lightning), run with an operator fiat rate and a 2.5 % fee:
 * at 1366 × 900 the invoice comes into view with focus after "Buy", with an approximate fiat value;
 * a server 5xx reads as human text; an unreachable wallet connection says what to do and offers a retry;
 * the browser-key session survives a reload (unlock with the password); amounts show as whole sats.
 */
import { createServer, type AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { launchChromium, phonePage, shot } from './testing/browser.ts'
import { createEmbeddedKey, importKey, payWithNwc } from './testing/flows.ts'
import { gameDetail, startTestMarket, type TestMarket } from './testing/market.ts'

let market: TestMarket
let browser: Browser
let api: string
let demoDev: string

beforeAll(async () => {
  market = await startTestMarket({ ZAPCADE_FIAT_RATE: 'USD:95000', ZAPCADE_FEE_BPS: '250' })
  api = market.m.apiUrl
  demoDev = market.m.demoDeveloper.pubkey
  browser = await launchChromium()
  await gameDetail(api, demoDev, 'lantern-depths', true)
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await market?.stop()
})

/** A local port nothing listens on (bound, then closed). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo
      srv.close(() => resolve(port))
    })
  })
}

async function openGame(page: Page): Promise<void> {
  await page.goto(`${api}/game/${demoDev}/lantern-depths`)
  await page.getByRole('heading', { level: 1, name: 'Lantern Depths' }).waitFor()
}

describe('checkout and errors a buyer understands (Chromium, real market)', () => {
  it('at 1366×900 the invoice is in view and focused after Buy, with sats and the approximate fiat value', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } })
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    page.setDefaultTimeout(45_000)
    try {
      await openGame(page)
      // 2,100 sats at 1 BTC = 95,000 USD ≈ $2.00 (1.995): shown as the form's hint before buying.
      await expect(page.getByTestId('fiat-approx').textContent()).resolves.toMatch(
        /^≈ \$(1\.99|2\.00) at the market's rate/,
      )
      await page.getByRole('button', { name: 'Buy as guest' }).click()
      const qr = page.getByRole('img', { name: /QR code of the Lightning invoice/ })
      await qr.waitFor()
      const heading = page.getByRole('heading', {
        name: /^Pay 2,100 sats for Lantern Depths \(≈ \$(1\.99|2\.00)\)$/,
      })
      await heading.waitFor()
      const seen = await qr.evaluate((img) => {
        const r = img.getBoundingClientRect()
        return {
          top: r.top,
          bottom: r.bottom,
          height: innerHeight,
          focused: document.activeElement?.getAttribute('data-testid'),
        }
      })
      expect(seen.focused).toBe('checkout-invoice')
      expect(seen.top).toBeGreaterThanOrEqual(0)
      expect(seen.bottom).toBeLessThanOrEqual(seen.height)
      await expect(page.getByTestId('invoice-countdown').textContent()).resolves.toMatch(
        /^1[0-5]:[0-5][0-9] left to pay$/,
      )
      await page.screenshot({ path: `${process.cwd()}/.tmp/screenshots/checkout-desktop.png` })
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  }, 120_000)

  it('a server 5xx shows human text, never its detail', async () => {
    const { page, context } = await phonePage(browser)
    try {
      // The market answering 500 as a problem whose detail is an internal message, as SQLite busy did.
      await page.route('**/api/v1/purchases', (route) =>
        route.request().method() === 'POST'
          ? route.fulfill({
              status: 500,
              contentType: 'application/problem+json',
              body: JSON.stringify({
                type: 'about:blank',
                title: 'Internal Server Error',
                status: 500,
                code: 'INTERNAL',
                detail: 'SqliteError: database is locked',
              }),
            })
          : route.continue(),
      )
      await openGame(page)
      await page.getByRole('button', { name: 'Buy as guest' }).click()
      const alert = page.getByRole('alert').filter({ hasText: /market's side/ })
      await alert.waitFor()
      const text = await alert.textContent()
      expect(text).toMatch(/Nothing was charged; try again/)
      expect(text).not.toMatch(/database|locked|Sqlite/i)
      // The buy box stays, so the buyer can simply try again.
      await page.getByRole('button', { name: 'Buy as guest' }).waitFor()
    } finally {
      await context.close()
    }
  }, 120_000)

  it('an unreachable wallet connection says what to do and offers a retry', async () => {
    const { page, context, errors } = await phonePage(browser)
    try {
      await openGame(page)
      await page.getByRole('button', { name: 'Buy as guest' }).click()
      // A well-formed URI whose relay refuses connections: a port just freed, where nothing listens.
      const port = await closedPort()
      await payWithNwc(
        page,
        `nostr+walletconnect://${'a'.repeat(64)}?relay=ws%3A%2F%2F127.0.0.1%3A${port}&secret=${'1'.repeat(64)}`,
      )
      const err = page.getByTestId('pay-error')
      await err.waitFor()
      await expect(err.textContent()).resolves.toMatch(
        /relay of your wallet connection could not be reached.*try again/i,
      )
      await err.getByRole('button', { name: 'Try the wallet again' }).waitFor()
      // The invoice is still payable: the QR code and the status line are still there.
      await expect(page.getByTestId('pay-status').textContent()).resolves.toMatch(
        /^Waiting for payment of 2,100 sats/,
      )
      await shot(page, 'checkout-wallet-error')
      // Chromium logs the refused WebSocket itself; nothing else may fail.
      expect(
        errors.filter(
          (e) => !e.includes(`WebSocket connection to 'ws://127.0.0.1:${port}/' failed`),
        ),
      ).toEqual([])
    } finally {
      await context.close()
    }
  }, 120_000)

  it('the browser-key session survives a reload: the library asks for the password and unlocks in place', async () => {
    const { page, context, errors } = await phonePage(browser)
    try {
      await page.goto(`${api}/signin?next=%2Flibrary`)
      await createEmbeddedKey(page, 'correct horse battery')
      await page.getByRole('heading', { level: 1, name: 'Library' }).waitFor()
      const pubkey = await page.locator('header .pill').getAttribute('title')
      expect(pubkey).toMatch(/^[0-9a-f]{64}$/)

      await page.reload()
      const form = page.getByTestId('unlock-key')
      await form.getByRole('heading', { name: 'Your key is locked' }).waitFor()
      // The header offers to unlock rather than to sign in again.
      await page.getByRole('banner').getByRole('link', { name: 'Unlock', exact: true }).waitFor()
      await shot(page, 'library-locked')
      await form.getByLabel('Password of the key stored here').fill('wrong password')
      await form.getByRole('button', { name: 'Unlock' }).click()
      await form.getByRole('alert').waitFor()
      await form.getByLabel('Password of the key stored here').fill('correct horse battery')
      await form.getByRole('button', { name: 'Unlock' }).click()
      await page.getByText('No games yet.').waitFor()
      expect(await page.locator('header .pill').getAttribute('title')).toBe(pubkey)
      await expect(page.getByTestId('unlock-key').count()).resolves.toBe(0)

      // Signing out ends it: after a reload nothing is locked, the page offers to sign in.
      await page.getByRole('button', { name: 'Sign out' }).click()
      await page.reload()
      await page.getByRole('banner').getByRole('link', { name: 'Sign in', exact: true }).waitFor()
      await expect(page.getByTestId('unlock-key').count()).resolves.toBe(0)
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  }, 180_000)

  it('shows whole sats where the fee leaves a fraction: a 2,101-sat sale nets the developer 2,048 sats (exact msat in the tooltip)', async () => {
    const buyer = await phonePage(browser)
    try {
      await openGame(buyer.page)
      await buyer.page.getByLabel(/Amount in sats/).fill('2101')
      await buyer.page.getByRole('button', { name: 'Buy as guest' }).click()
      await payWithNwc(buyer.page, market.buyerNwcUrl)
      await buyer.page.getByRole('heading', { name: /Paid — Lantern Depths is yours/ }).waitFor()
    } finally {
      await buyer.context.close()
    }
    const { page, context, errors } = await phonePage(browser)
    try {
      await page.goto(`${api}/signin?next=%2Fdeveloper`)
      await importKey(page, market.m.demoDeveloper.secretKey)
      const sales = page.getByRole('region', { name: 'Sales' })
      // 2,101,000 msat less 2.5 % (52,525 msat) is 2,048,475 msat: shown as 2,048 sats, never "2,048.475 sats".
      const net = sales.locator('.sats[data-msat="2048475"]')
      await net.waitFor()
      await expect(net.textContent()).resolves.toBe('2,048 sats')
      await expect(net.getAttribute('title')).resolves.toBe('Exactly 2,048,475 msat')
      await sales.getByText(/Lantern Depths · 2,101 sats \(net 2,048 sats\) · checkout/).waitFor()
      const body = await page.locator('main').textContent()
      expect(body).not.toMatch(/\d\.\d+ sats/)
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  }, 180_000)
})
