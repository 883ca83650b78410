/**
 * Refunds in the storefront, in Chromium against the real market (relay → indexer → service with the
 * built storefront, devnet Lightning): the developer sets a refund policy over the API (NIP-98), the game
 * page shows it; a guest buys and pays with the devnet wallet over NWC, asks for a refund from the
 * library with no destination, and sees it approved by the policy with an LNURL-withdraw link as text
 * and QR code, and the download is refused from then on; a signed-in buyer asks for a refund to the
 * devnet wallet's Lightning address and sees it approved by the policy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { bech32 } from '@scure/base'
import { expectOk, signedFetch } from '../../../launcher/signed-fetch.ts'
import { launchChromium, phonePage, shot } from './testing/browser.ts'
import { createEmbeddedKey, payWithNwc } from './testing/flows.ts'
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

describe('refunds in the storefront (Chromium, real market)', () => {
  it('a guest asks for a refund inside the policy and gets a withdraw link with its QR code', async () => {
    const dev = market.m.demoDeveloper.pubkey
    const game = await gameDetail(api, dev, 'lantern-depths', true)
    await expectOk(
      await signedFetch(
        market.m.demoDeveloper,
        `${api}/api/v1/developer/games/lantern-depths/refund-policy`,
        { method: 'PUT', json: { window_days: 14, max_hours_since_download: null } },
      ),
      'set refund policy',
    )

    const { page, context, errors } = await phonePage(browser)
    await page.goto(`${api}/game/${dev}/lantern-depths`)
    await page.getByRole('heading', { level: 1, name: 'Lantern Depths' }).waitFor()
    await expect(page.getByTestId('refund-policy').textContent()).resolves.toContain(
      'Refunded automatically within 14 days of payment.',
    )
    await page.getByRole('button', { name: 'Buy as guest' }).click()
    await payWithNwc(page, market.buyerNwcUrl)
    await page.getByRole('heading', { name: /Paid — Lantern Depths is yours/ }).waitFor()
    const code = (await page.getByTestId('receipt-code').textContent())!.trim()

    await page.goto(`${api}/library`)
    const row = page.getByTestId('guest-receipts').getByRole('listitem').filter({ hasText: code })
    await row.getByText('paid', { exact: true }).waitFor()
    await row.getByRole('button', { name: 'Request a refund' }).click()
    await row.getByLabel('Reason (optional)').fill('Does not run on my laptop')
    await row.getByRole('button', { name: 'Send refund request' }).click()
    const status = row.getByTestId('refund-status')
    await status.getByText(/Approved: claim the money with any Lightning wallet/).waitFor()
    await expect(status.getAttribute('data-status')).resolves.toBe('AWAITING_CLAIM')
    const lnurl = (await row.getByTestId('refund-lnurl').textContent())!.trim()
    expect(lnurl).toMatch(/^lnurl1[0-9a-z]+$/i)
    // The link a wallet scans answers a LUD-03 withdrawRequest for the whole amount paid.
    const { words } = bech32.decode(lnurl.toLowerCase() as `${string}1${string}`, 2000)
    const wr = (await (await fetch(new TextDecoder().decode(bech32.fromWords(words)))).json()) as {
      tag: string
      maxWithdrawable: number
    }
    expect(wr).toMatchObject({ tag: 'withdrawRequest', maxWithdrawable: game.price_msat })
    await row.getByRole('img', { name: /QR code of the refund's withdraw link/ }).waitFor()
    await shot(page, 'refund-withdraw-link')

    // The market has revoked the guest's entitlement: the download is refused.
    const res = await fetch(`${api}/api/v1/games/${dev}/lantern-depths/download?format=json`, {
      headers: { 'x-receipt-code': code },
    })
    expect(res.status).toBe(403)
    expect(errors).toEqual([])
    await context.close()
  }, 240_000)

  it('a signed-in buyer asks for a refund to a Lightning address and sees it approved', async () => {
    const dev = market.m.demoDeveloper.pubkey
    const lud16 = market.m.devnet!.buyer.lud16
    const { page, context, errors } = await phonePage(browser)
    await page.goto(`${api}/signin?next=${encodeURIComponent(`/game/${dev}/lantern-depths`)}`)
    await createEmbeddedKey(page, 'correct horse battery')
    await page.getByRole('heading', { level: 1, name: 'Lantern Depths' }).waitFor()
    await page.getByTestId('refund-policy').waitFor()
    await page.getByRole('button', { name: 'Buy', exact: true }).click()
    await payWithNwc(page, market.buyerNwcUrl)
    await page.getByRole('heading', { name: /Paid — Lantern Depths is yours/ }).waitFor()
    // In-app navigation: a reload would lock the embedded key until its password is typed again.
    await page.getByRole('link', { name: 'library', exact: true }).click()
    const row = page
      .getByTestId('library')
      .getByRole('listitem')
      .filter({ hasText: 'Lantern Depths' })
    await row.getByRole('button', { name: 'Request a refund' }).click()
    await row.getByLabel('Where to send the money (optional)').fill(lud16)
    await row.getByRole('button', { name: 'Send refund request' }).click()
    const status = row.getByTestId('refund-status')
    // Approved by the policy at once; the page then follows it (SENT once the worker has paid the
    // address: seconds on an idle machine, longer under load, so not waited for here).
    await status
      .getByText(
        /Approved by the refund policy|Sending the money back|Refunded: the money was sent back/,
      )
      .waitFor()
    await expect(status.getAttribute('data-status')).resolves.toMatch(/^(APPROVED|SENDING|SENT)$/)
    await expect(row.getByTestId('refund-lnurl').count()).resolves.toBe(0)
    await shot(page, 'refund-sent')
    expect(errors).toEqual([])
    await context.close()
  }, 240_000)
})
