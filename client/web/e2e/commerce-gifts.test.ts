/**
 * Gifts and sales in the storefront, in Chromium against the real market (relay → indexer → service
 * with the built storefront, devnet Lightning): the developer runs a sale over the API (NIP-98); the game
 * page shows the list price struck through and the sale price, and the buy box starts at the sale price;
 * a guest buys the game as a gift for a friend's npub, pays with the devnet wallet over NWC, and the page
 * names who was gifted; the friend's key then owns it (its library, origin "gift").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { nip19 } from 'nostr-tools'
import { generateSecretKey, getPublicKey } from 'nostr-tools/pure'
import { expectOk, signedFetch } from '../../../launcher/signed-fetch.ts'
import { launchChromium, phonePage, shot } from './testing/browser.ts'
import { payWithNwc } from './testing/flows.ts'
import { eventually, gameDetail, startTestMarket, type TestMarket } from './testing/market.ts'

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

describe('gifts and sales in the storefront (Chromium, real market)', () => {
  it('a sale shows on the game page; a guest buys the game as a gift and the npub owns it', async () => {
    const dev = market.m.demoDeveloper.pubkey
    const slug = 'orbital-gardener'
    const listed = await gameDetail(api, dev, slug, true)
    const now = Math.floor(Date.now() / 1000)
    await expectOk(
      await signedFetch(market.m.demoDeveloper, `${api}/api/v1/developer/games/${slug}/sales`, {
        method: 'POST',
        json: { percent_off: 50, starts_at: now - 10, ends_at: now + 3600 },
      }),
      'create sale',
    )
    const onSale = await eventually('the sale on the game page', async () => {
      const g = (await (await fetch(`${api}/api/v1/games/${dev}/${slug}`)).json()) as typeof listed
      return g.sale ? g : undefined
    })
    const saleSats = Math.ceil(onSale.sale!.sale_price_msat / 1000)
    expect(onSale.sale!.sale_price_msat).toBe(listed.price_msat / 2)

    const friendSk = generateSecretKey()
    const friend = { secretKey: friendSk, pubkey: getPublicKey(friendSk) }
    const npub = nip19.npubEncode(friend.pubkey)

    const { page, context, errors } = await phonePage(browser)
    await page.goto(`${api}/game/${dev}/${slug}`)
    await page.getByRole('heading', { level: 1, name: 'Orbital Gardener' }).waitFor()
    const sale = page.getByTestId('sale-price')
    await sale.getByText('−50%', { exact: false }).waitFor()
    await expect(sale.locator('s').textContent()).resolves.toContain(
      Math.ceil(listed.price_msat / 1000).toLocaleString('en-US'),
    )
    await expect(page.getByLabel(/Amount in sats/).inputValue()).resolves.toBe(String(saleSats))

    await page.getByLabel('Gift to (npub, optional)').fill(npub)
    await shot(page, 'gift-buy')
    await page.getByRole('button', { name: 'Buy as a gift' }).click()
    await payWithNwc(page, market.buyerNwcUrl)
    const done = page.getByTestId('gift-done')
    await done.getByRole('heading', { name: 'Paid — Orbital Gardener is a gift' }).waitFor()
    await expect(done.getByRole('status').textContent()).resolves.toContain(npub)
    await shot(page, 'gift-done')
    // The buyer's browser does not count the gift as its own game.
    await expect(page.getByText('You own this game').count()).resolves.toBe(0)

    const lib = (await (
      await expectOk(
        await signedFetch(friend, `${api}/api/v1/me/library`, { method: 'GET' }),
        'friend library',
      )
    ).json()) as { items: Array<{ origin: string; game: { slug: string } }> }
    expect(lib.items).toContainEqual(
      expect.objectContaining({ origin: 'gift', game: expect.objectContaining({ slug }) }),
    )
    expect(errors).toEqual([])
    await context.close()
  }, 240_000)
})
