/**
 * The developer's commerce tools in the dashboard, in Chromium against the real market (relay →
 * indexer → service with the built storefront): the developer mints two download keys and downloads
 * them as a CSV, one redeems over the API, the other is revoked in the dashboard and then refused; a
 * sale and a discount code created in the dashboard are listed there, and the sale shows on the game
 * page; two guests' refund requests (outside any refund policy) wait in the dashboard, the developer
 * approves one (a withdraw link for the guest) and declines the other.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { launchChromium, phonePage, shot } from './testing/browser.ts'
import { importKey } from './testing/flows.ts'
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

const redeem = (key: string) =>
  fetch(`${api}/api/v1/keys/redeem`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ key }),
  })

describe('commerce in the developer dashboard (Chromium, real market)', () => {
  it('mints keys as a CSV (one redeems, one is revoked), schedules a sale the game page shows, and creates a code', async () => {
    const dev = market.m.demoDeveloper
    const slug = 'lantern-depths'
    await gameDetail(api, dev.pubkey, slug, true)

    const { page, context, errors } = await phonePage(browser)
    await page.goto(`${api}/signin?next=%2Fdeveloper`)
    await importKey(page, dev.secretKey)
    await page.getByRole('heading', { level: 1, name: 'Developer dashboard' }).waitFor()
    const panel = page.getByRole('region', { name: 'Keys, sales and codes' })
    await panel.getByLabel('Game').selectOption({ label: 'Lantern Depths' })

    // Keys: mint 2, download the CSV, read the keys from the file the browser saved.
    const keys = panel.getByTestId('keys-panel')
    await keys.getByLabel('Number of keys').fill('2')
    await keys.getByRole('button', { name: 'Mint keys' }).click()
    const link = keys.getByRole('link', { name: 'Download 2 keys (CSV)' })
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()])
    expect(download.suggestedFilename()).toBe(`${slug}-keys.csv`)
    const lines = readFileSync((await download.path())!, 'utf8')
      .trim()
      .split(/\r?\n/)
    expect(lines[0]).toBe('key')
    const minted = lines.slice(1)
    expect(minted).toHaveLength(2)
    expect(new Set(minted).size).toBe(2)
    await keys
      .getByTestId('key-stats')
      .getByText('2 minted · 0 redeemed · 0 revoked · 2 open')
      .waitFor()
    await shot(page, 'dashboard-keys')

    // One key redeems over the API (as a guest: a receipt code).
    const r1 = await redeem(minted[0]!)
    expect(r1.status).toBe(201)
    expect(((await r1.json()) as { receipt_code?: string }).receipt_code).toBeTruthy()

    // The other is revoked in the dashboard, and then refused.
    await keys.getByLabel('Key to revoke').fill(minted[1]!)
    await keys.getByRole('button', { name: 'Revoke key' }).click()
    await page.getByRole('status').filter({ hasText: 'Key revoked' }).waitFor()
    await keys
      .getByTestId('key-stats')
      .getByText('2 minted · 1 redeemed · 1 revoked · 0 open')
      .waitFor()
    const r2 = await redeem(minted[1]!)
    expect(r2.ok).toBe(false)
    expect(r2.headers.get('content-type')).toContain('application/problem+json')

    // A sale from now (the form's default start) for a week, 30% off.
    const sales = panel.getByTestId('sales-panel')
    await sales.getByLabel('Percent off').fill('30')
    await sales.getByRole('button', { name: 'Schedule sale' }).click()
    await sales
      .getByTestId('sale-list')
      .getByText(/−30% from/)
      .waitFor()

    // A discount code: 500 sats off, 5 uses.
    await sales.getByLabel('Code').fill('press-500')
    await sales.getByLabel('Discount').selectOption({ label: 'Sats off' })
    await sales.getByLabel('Amount off').fill('500')
    await sales.getByLabel('Max uses').fill('5')
    await sales.getByRole('button', { name: 'Create code' }).click()
    await sales
      .getByTestId('code-list')
      .getByText(/PRESS-500.*−500 sats.*0\/5 used/)
      .waitFor()
    await shot(page, 'dashboard-sales')
    expect(errors).toEqual([])
    await context.close()

    // The sale is on the game page (the detail may be cached briefly: wait for the API first).
    await eventually('the sale in the game detail', async () => {
      const g = (await (await fetch(`${api}/api/v1/games/${dev.pubkey}/${slug}`)).json()) as {
        sale?: { percent_off: number }
      }
      return g.sale?.percent_off === 30 ? true : undefined
    })
    const visitor = await phonePage(browser)
    await visitor.page.goto(`${api}/game/${dev.pubkey}/${slug}`)
    await visitor.page.getByRole('heading', { level: 1, name: 'Lantern Depths' }).waitFor()
    await visitor.page.getByTestId('sale-price').getByText('−30%', { exact: false }).waitFor()
    expect(visitor.errors).toEqual([])
    await visitor.context.close()
  }, 240_000)

  it('lists refund requests waiting for the developer, who approves one and declines the other', async () => {
    const dev = market.m.demoDeveloper
    const slug = 'orbital-gardener'
    await gameDetail(api, dev.pubkey, slug, true)
    // Two guests buy with the devnet buyer wallet and ask for a refund (no policy: the developer decides).
    const bought: { id: string; receipt: string }[] = []
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${api}/api/v1/purchases`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ game: `${dev.pubkey}/${slug}` }),
      })
      expect(res.status).toBe(201)
      const p = (await res.json()) as { id: string; bolt11: string; receipt_code: string }
      await market.m.devnet!.control.payInvoice('buyer', p.bolt11)
      const headers = { 'x-receipt-code': p.receipt_code }
      await eventually('the purchase paid', async () => {
        const r = (await (await fetch(`${api}/api/v1/purchases/${p.id}`, { headers })).json()) as {
          status: string
        }
        return r.status === 'PAID' ? true : undefined
      })
      const rr = await fetch(`${api}/api/v1/purchases/${p.id}/refund`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ reason: `guest ${i + 1} changed their mind` }),
      })
      expect(rr.status).toBe(202)
      expect(((await rr.json()) as { status: string }).status).toBe('REQUESTED')
      bought.push({ id: p.id, receipt: p.receipt_code })
    }

    const { page, context, errors } = await phonePage(browser)
    await page.goto(`${api}/signin?next=%2Fdeveloper`)
    await importKey(page, dev.secretKey)
    await page.getByRole('heading', { level: 1, name: 'Developer dashboard' }).waitFor()
    const list = page
      .getByRole('region', { name: 'Refund requests' })
      .getByTestId('refund-requests')
    const item = (n: number) =>
      list.getByRole('listitem').filter({ hasText: `guest ${n} changed their mind` })
    await item(1).waitFor()
    await item(2).waitFor()
    await shot(page, 'dashboard-refunds')
    await item(1).getByRole('button', { name: 'Approve' }).click()
    await page.getByRole('status').filter({ hasText: 'Refund approved' }).waitFor()
    await item(2).getByRole('button', { name: 'Decline' }).click()
    await page.getByRole('status').filter({ hasText: 'Refund declined.' }).waitFor()
    await page.getByText('No refund request is waiting for you.').waitFor()
    expect(errors).toEqual([])
    await context.close()

    const status = async (b: { id: string; receipt: string }) =>
      (
        (await (
          await fetch(`${api}/api/v1/purchases/${b.id}/refund`, {
            headers: { 'x-receipt-code': b.receipt },
          })
        ).json()) as { status: string }
      ).status
    // A guest with no destination claims the approved refund by a withdraw link.
    await expect(status(bought[0]!)).resolves.toBe('AWAITING_CLAIM')
    await expect(status(bought[1]!)).resolves.toBe('DECLINED')
  }, 240_000)
})
