/**
 * Money truth in the storefront, in Chromium against the real market (relay → indexer → service with
 * the built storefront, devnet Lightning): a guest's unpaid checkout is never "owned" (it is resumable
 * with its countdown, forgettable, and once abandoned or expired the game shows Buy again); claiming an
 * unpaid receipt is refused and the code is kept; a paid game without a build shows "Coming soon".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { generateSecretKey } from 'nostr-tools/pure'
import { launchChromium, phonePage, shot } from './testing/browser.ts'
import { createEmbeddedKey } from './testing/flows.ts'
import {
  gameDetail,
  listedInSearch,
  startTestMarket,
  submitGame,
  type TestMarket,
} from './testing/market.ts'

let market: TestMarket
let browser: Browser
let api: string
let demoDev: string

beforeAll(async () => {
  market = await startTestMarket()
  api = market.m.apiUrl
  demoDev = market.m.demoDeveloper.pubkey
  browser = await launchChromium()
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await market?.stop()
})

interface Saved {
  code: string
  purchaseId: string
  status?: string
}
const saved = (page: Page): Promise<Saved[]> =>
  page.evaluate(() => JSON.parse(localStorage.getItem('zapcade.receipts') ?? '[]') as Saved[])

/** Start a guest checkout of a demo game on screen; answers the receipt saved for it. */
async function startGuestCheckout(page: Page, slug: string, title: string): Promise<Saved> {
  await page.goto(`${api}/game/${demoDev}/${slug}`)
  await page.getByRole('heading', { level: 1, name: title }).waitFor()
  await page.getByRole('button', { name: 'Buy as guest' }).click()
  await page.getByRole('img', { name: /QR code/ }).waitFor()
  const [r] = await saved(page)
  expect(r).toMatchObject({ status: 'PENDING', code: expect.stringMatching(/^ZC-/) })
  return r!
}

describe('money truth in the storefront (Chromium, real market)', () => {
  it('an abandoned checkout is resumable with its countdown, never owned; forgotten or expired, the game shows Buy again', async () => {
    await gameDetail(api, demoDev, 'lantern-depths', true)
    const { page, context, errors } = await phonePage(browser)
    const first = await startGuestCheckout(page, 'lantern-depths', 'Lantern Depths')
    await expect(page.getByTestId('invoice-countdown').textContent()).resolves.toMatch(
      /^1[0-5]:[0-5][0-9] left to pay$/,
    )

    // Reload mid-checkout: the invoice comes back with its timer, and nothing says the game is owned.
    await page.reload()
    await page.getByTestId('pending-checkout').waitFor()
    await page.getByRole('heading', { name: 'Checkout waiting for payment' }).waitFor()
    await page.getByRole('img', { name: /QR code/ }).waitFor()
    await page.getByTestId('invoice-countdown').waitFor()
    await expect(page.getByText('You own this game').count()).resolves.toBe(0)
    await shot(page, 'checkout-pending')
    // Forget it: the buy box is back and the code is gone from this browser.
    await page.getByRole('button', { name: 'Forget this checkout' }).click()
    await page.getByRole('button', { name: 'Buy as guest' }).waitFor()
    expect((await saved(page)).map((r) => r.purchaseId)).not.toContain(first.purchaseId)

    // Another checkout left to expire (the sweeper's write, done here without waiting 15 minutes).
    const second = await startGuestCheckout(page, 'lantern-depths', 'Lantern Depths')
    await page.getByRole('button', { name: 'Pay later' }).click()
    await page.getByTestId('pending-checkout').waitFor()
    market.m.service.db
      .prepare(`UPDATE purchases SET status = 'EXPIRED', expires_at = ? WHERE id = ?`)
      .run(Math.floor(Date.now() / 1000) - 1, second.purchaseId)
    await page.reload()
    await page.getByRole('button', { name: 'Buy as guest' }).waitFor()
    await expect(page.getByText('You own this game').count()).resolves.toBe(0)
    await expect(page.getByTestId('pending-checkout').count()).resolves.toBe(0)
    // The library lists it as not paid, with no download, and lets the guest forget it.
    await page.goto(`${api}/library`)
    const row = page
      .getByTestId('guest-receipts')
      .getByRole('listitem')
      .filter({ hasText: second.code })
    await row.getByText('not paid (invoice expired)').waitFor()
    await expect(row.getByRole('button', { name: 'Download' }).count()).resolves.toBe(0)
    await row.getByRole('button', { name: 'Forget' }).click()
    await expect(page.getByTestId('guest-receipts').count()).resolves.toBe(0)
    expect(errors).toEqual([])
    await context.close()
  }, 180_000)

  it('claiming an unpaid receipt shows the refusal and keeps the code', async () => {
    await gameDetail(api, demoDev, 'orbital-gardener', true)
    const { page, context, errors } = await phonePage(browser)
    const r = await startGuestCheckout(page, 'orbital-gardener', 'Orbital Gardener')
    await page.goto(`${api}/signin?next=%2Flibrary`)
    await createEmbeddedKey(page, 'correct horse battery')
    await page.getByRole('heading', { level: 1, name: 'Library' }).waitFor()
    const row = page.getByTestId('guest-receipts').getByRole('listitem').filter({ hasText: r.code })
    await row.getByText('waiting for payment').waitFor()
    await row.getByRole('link', { name: 'Resume payment' }).waitFor()

    await page.getByLabel('Receipt code').fill(r.code)
    await page.getByRole('button', { name: 'Claim into my account' }).click()
    const alert = page.getByRole('alert').filter({ hasText: 'Not claimed' })
    await alert.waitFor()
    await expect(alert.textContent()).resolves.toMatch(/not paid.*the code is kept/)
    await expect(page.getByText('Claimed: the game is now in your library.').count()).resolves.toBe(
      0,
    )
    await expect(page.getByLabel('Receipt code').inputValue()).resolves.toBe(r.code)
    expect((await saved(page)).map((x) => x.code)).toContain(r.code)
    await expect(page.getByTestId('library').getByRole('listitem').count()).resolves.toBe(0)
    await shot(page, 'claim-unpaid')
    expect(errors).toEqual([])
    await context.close()
  }, 180_000)

  it('a paid game with no build shows "Coming soon" instead of Buy, on its page and its card', async () => {
    const sk = generateSecretKey()
    const slug = `e2e-soon-${Date.now().toString(36)}`
    const pubkey = await submitGame(api, sk, {
      slug,
      title: 'Soon Quest',
      summary: 'Not out yet.',
      description: 'In the works.',
      priceSats: 250,
      listing: 'LISTED',
      market: { pubkey: market.m.marketPubkey, relay: market.m.relayUrl },
    })
    const game = await gameDetail(api, pubkey, slug)
    expect(game).toMatchObject({ coming_soon: true, price_msat: 250_000 })
    await listedInSearch(api, 'Soon Quest', slug)
    const { page, context, errors } = await phonePage(browser)
    await page.goto(`${api}/game/${pubkey}/${slug}`)
    await page.getByRole('heading', { level: 1, name: 'Soon Quest' }).waitFor()
    await page.getByTestId('coming-soon').getByRole('heading', { name: 'Coming soon' }).waitFor()
    await expect(page.getByRole('button', { name: /^Buy/ }).count()).resolves.toBe(0)
    await expect(page.getByRole('button', { name: 'Zap to buy' }).count()).resolves.toBe(0)
    await shot(page, 'coming-soon')
    await page.goto(`${api}/?q=${encodeURIComponent('Soon Quest')}`)
    await page
      .getByTestId('results')
      .getByRole('link', { name: /Soon Quest/ })
      .getByText('Coming soon')
      .waitFor()
    expect(errors).toEqual([])
    await context.close()
  }, 120_000)
})
