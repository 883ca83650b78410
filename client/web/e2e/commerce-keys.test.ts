/**
 * Download keys in the storefront, in Chromium against the real market (relay → indexer → service with
 * the built storefront): the developer mints keys over the API (NIP-98), a signed-in buyer redeems one
 * on /redeem and the game is owned (library and game page); a guest redeems another and is shown a
 * receipt code, refused a spent key, and claims the code into an account once signed in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { expectOk, signedFetch } from '../../../launcher/signed-fetch.ts'
import { launchChromium, phonePage, shot } from './testing/browser.ts'
import { createEmbeddedKey } from './testing/flows.ts'
import { gameDetail, startTestMarket, type TestMarket } from './testing/market.ts'

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

async function mintKeys(slug: string, count: number): Promise<string[]> {
  const res = await signedFetch(
    market.m.demoDeveloper,
    `${api}/api/v1/developer/games/${slug}/keys`,
    { method: 'POST', json: { count } },
  )
  await expectOk(res, 'mint keys')
  return ((await res.json()) as { keys: string[] }).keys
}

describe('download keys in the storefront (Chromium, real market)', () => {
  it('a signed-in buyer redeems a key and owns the game; a guest gets a receipt code, is refused a spent key and claims the code once signed in', async () => {
    const dev = market.m.demoDeveloper.pubkey
    await gameDetail(api, dev, 'lantern-depths', true)
    const [k1, k2] = await mintKeys('lantern-depths', 2)
    expect(k1).toBeTruthy()

    const { page, context, errors } = await phonePage(browser)
    await page.goto(`${api}/signin?next=%2Flibrary`)
    await createEmbeddedKey(page, 'correct horse battery')
    await page.getByRole('heading', { level: 1, name: 'Library' }).waitFor()
    await page.getByRole('link', { name: 'Redeem it' }).click()
    await page.getByRole('heading', { level: 1, name: 'Redeem a download key' }).waitFor()
    await page.getByLabel('Download key').fill(k1!)
    await shot(page, 'redeem-key')
    await page.getByRole('button', { name: 'Redeem' }).click()
    await page.getByRole('heading', { name: 'Redeemed — Lantern Depths is yours' }).waitFor()
    await expect(page.getByTestId('receipt-code').count()).resolves.toBe(0)
    await shot(page, 'redeem-key-done')

    // Owned: in the library, and the game page offers the download instead of Buy.
    await page.getByRole('link', { name: 'library', exact: true }).click()
    await page
      .getByTestId('library')
      .getByRole('listitem')
      .filter({ hasText: 'Lantern Depths' })
      .getByRole('button', { name: 'Download' })
      .waitFor()
    // In-app navigation: a reload would lock the embedded key until its password is typed again.
    await page.getByTestId('library').getByRole('link', { name: 'Lantern Depths' }).click()
    await page.getByRole('heading', { level: 1, name: 'Lantern Depths' }).waitFor()
    await page.getByRole('heading', { name: 'You own this game' }).waitFor()
    await page
      .getByRole('button', { name: /^Download/ })
      .first()
      .waitFor()
    await expect(page.getByRole('button', { name: 'Buy' }).count()).resolves.toBe(0)
    expect(errors).toEqual([])
    await context.close()

    // A guest: the key answers a receipt code, shown once.
    const guest = await phonePage(browser)
    await guest.page.goto(`${api}/redeem`)
    await guest.page.getByLabel('Download key').fill(k2!)
    await guest.page.getByRole('button', { name: 'Redeem' }).click()
    const code = await guest.page.getByTestId('receipt-code').textContent()
    expect(code?.trim()).toMatch(/\S{8,}/)
    await shot(guest.page, 'redeem-key-guest')

    // The same key again (spent): refused, and the form stays.
    await guest.page.goto(`${api}/redeem`)
    await guest.page.getByLabel('Download key').fill(k1!)
    await guest.page.getByRole('button', { name: 'Redeem' }).click()
    await guest.page
      .getByRole('alert')
      .filter({ hasText: 'This key was already redeemed.' })
      .waitFor()

    // The guest signs in later and claims the key's receipt code into the new account.
    await guest.page.goto(`${api}/signin?next=%2Flibrary`)
    await createEmbeddedKey(guest.page, 'another long password')
    await guest.page.getByRole('heading', { level: 1, name: 'Library' }).waitFor()
    await guest.page.getByLabel('Receipt code').fill(code!.trim())
    await guest.page.getByRole('button', { name: 'Claim into my account' }).click()
    await guest.page.getByText('Claimed: the game is now in your library.').waitFor()
    await guest.page
      .getByTestId('library')
      .getByRole('listitem')
      .filter({ hasText: 'Lantern Depths' })
      .waitFor()
    expect(guest.errors).toEqual([])
    await guest.context.close()
  }, 240_000)
})
