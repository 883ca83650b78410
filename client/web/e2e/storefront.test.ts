/**
 * The storefront in a real browser (Debian Chromium via playwright-core) against the real market:
 * relay → indexer → service with the built storefront, devnet Lightning as the market's wallet, and
 * the devnet buyer wallet paying through the page's own NWC form. Phone-sized (375 px) throughout;
 * screenshots of each main page land in .tmp/screenshots/.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { generateSecretKey, getPublicKey } from 'nostr-tools/pure'
import { nip19 } from 'nostr-tools'
import { useWebSocketImplementation } from 'nostr-tools/pool'
import WebSocket from 'ws'
import { nwcPayInvoice, useNwcWebSocket } from '../../src/api/nwc.ts'
import { startTestBunker } from '../../src/signers/testing/bunker.ts'
import { launchChromium, phonePage, shot } from './testing/browser.ts'
import {
  createEmbeddedKey,
  importKey,
  installNip07,
  installWebln,
  payWithNwc,
} from './testing/flows.ts'
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
let guestReceipt: string | undefined
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

describe('web storefront in Chromium against the real market', () => {
  it('a guest finds a game, pays through the devnet buyer wallet, sees the receipt code once and downloads the build', async () => {
    const game = await gameDetail(api, demoDev, 'lantern-depths', true)
    const { page, context, errors } = await phonePage(browser)
    await page.goto(api)
    await page.getByRole('heading', { name: 'All games' }).waitFor()
    await page
      .getByTestId('results')
      .getByRole('link', { name: /Lantern Depths/ })
      .waitFor()
    await shot(page, 'catalog')
    await page.emulateMedia({ colorScheme: 'dark' })
    await shot(page, 'catalog-dark')
    await page.emulateMedia({ colorScheme: 'light' })
    // Keyboard: the first Tab reaches the skip link, which moves focus to the main content.
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content')
    await page.keyboard.press('Enter')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main')

    // Filters live in the URL: tag puzzle + platform macOS (darwin-*) leaves Quiet Harbor only.
    await page.getByLabel('Tag').selectOption('puzzle')
    await page.getByLabel('Platform').selectOption('macos')
    await page.getByRole('button', { name: 'Search' }).click()
    await page.waitForURL(/tag=puzzle/)
    await page
      .getByTestId('results')
      .getByRole('link', { name: /Quiet Harbor/ })
      .waitFor()
    await expect(page.getByTestId('results').getByRole('listitem').count()).resolves.toBe(1)
    await page.goto(api)
    await page.getByLabel('Search games').fill('lantern')
    await page.getByRole('button', { name: 'Search' }).click()
    await page.getByRole('heading', { name: 'Results' }).waitFor()
    await page
      .getByTestId('results')
      .getByRole('link', { name: /Lantern Depths/ })
      .click()
    await page.getByRole('heading', { level: 1, name: 'Lantern Depths' }).waitFor()
    await shot(page, 'game')

    await page.getByRole('button', { name: 'Buy as guest' }).click()
    await page.getByRole('img', { name: /QR code/ }).waitFor()
    await expect(
      page.getByRole('link', { name: 'Open in wallet' }).getAttribute('href'),
    ).resolves.toMatch(/^lightning:ln/)
    await shot(page, 'invoice')
    await payWithNwc(page, market.buyerNwcUrl)

    const code = (await page.getByTestId('receipt-code').textContent())?.trim()
    expect(code).toBeTruthy()
    await expect(page.getByText('Keep this receipt code.').isVisible()).resolves.toBe(true)
    guestReceipt = code
    await shot(page, 'paid-guest')

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download' }).click(),
    ])
    const file = await download.path()
    expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(
      game.releases[0]?.asset?.sha256,
    )

    // A free game downloads without any purchase or sign-in.
    const free = await gameDetail(api, demoDev, 'zap-racer', true)
    await page.goto(`${api}/game/${demoDev}/zap-racer`)
    await page.getByRole('heading', { name: 'Free to play' }).waitFor()
    const [freeDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download' }).click(),
    ])
    expect(
      createHash('sha256')
        .update(readFileSync(await freeDownload.path()))
        .digest('hex'),
    ).toBe(free.releases[0]?.asset?.sha256)
    expect(errors).toEqual([])
    await context.close()
  }, 180_000)

  it('a buyer signed in with an embedded key buys a game, claims the guest receipt and finds both games in the library', async () => {
    expect(guestReceipt, 'the guest purchase test ran first').toBeTruthy()
    await gameDetail(api, demoDev, 'orbital-gardener')
    const { page, context, errors } = await phonePage(browser)
    await page.goto(`${api}/signin?next=${encodeURIComponent(`/game/${demoDev}/orbital-gardener`)}`)
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor()
    await shot(page, 'signin')
    await createEmbeddedKey(page, 'correct horse battery')
    await page.getByRole('heading', { level: 1, name: 'Orbital Gardener' }).waitFor()
    // The key is stored only NIP-49 encrypted.
    const stored = await page.evaluate(() => localStorage.getItem('zapcade.ncryptsec'))
    expect(stored).toMatch(/^ncryptsec1/)

    await page.getByRole('button', { name: 'Buy', exact: true }).click()
    await payWithNwc(page, market.buyerNwcUrl)
    await page.getByRole('heading', { name: 'Paid — Orbital Gardener is yours' }).waitFor()

    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Library' })
      .click()
    await page.getByTestId('library').getByRole('link', { name: 'Orbital Gardener' }).waitFor()
    await page.getByLabel('Receipt code').fill(guestReceipt!)
    await page.getByRole('button', { name: 'Claim into my account' }).click()
    await page.getByText('Claimed: the game is now in your library.').waitFor()
    await page.getByTestId('library').getByRole('link', { name: 'Lantern Depths' }).waitFor()
    await expect(
      page.getByTestId('library').getByRole('button', { name: 'Download' }).count(),
    ).resolves.toBe(2)
    await shot(page, 'library')

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('library').getByRole('button', { name: 'Download' }).first().click(),
    ])
    expect(download.suggestedFilename()).toMatch(/\.zip$/)

    // After a reload the key stays locked until its password opens it; then it exports as the same key.
    const pubkey = await page.locator('header .pill').getAttribute('title')
    await page.reload()
    await page.locator('header').getByRole('link', { name: 'Unlock' }).click()
    await page.getByLabel('Password of the key stored here').fill('not the password')
    await page.getByRole('button', { name: 'Unlock' }).click()
    await page.getByRole('alert').getByText('wrong password for this encrypted key').waitFor()
    await page.getByLabel('Password of the key stored here').fill('correct horse battery')
    await page.getByRole('button', { name: 'Unlock' }).click()
    await page.locator('header .pill').click()
    await page.getByRole('heading', { name: 'Back up your key' }).waitFor()
    expect(await page.getByLabel('Encrypted key (ncryptsec)').inputValue()).toBe(stored)
    await page.getByLabel(/Password, to show the unencrypted key/).fill('correct horse battery')
    await page.getByRole('button', { name: 'Show nsec' }).click()
    const nsec = await page.getByLabel(/Your secret key/).inputValue()
    const decoded = nip19.decode(nsec)
    expect(decoded.type).toBe('nsec')
    expect(getPublicKey(decoded.data as Uint8Array)).toBe(pubkey)
    expect(errors).toEqual([])
    await context.close()
  }, 180_000)

  it('a buyer signed in with a NIP-07 extension zaps to buy: the extension signs the 9734 and the paid zap puts the game in the library', async () => {
    await gameDetail(api, demoDev, 'block-smith')
    const { page, context, errors } = await phonePage(browser)
    const nip07 = await installNip07(page, generateSecretKey())
    await page.goto(`${api}/signin?next=${encodeURIComponent(`/game/${demoDev}/block-smith`)}`)
    await page.getByRole('button', { name: 'Sign in with extension' }).click()
    await page.getByRole('heading', { level: 1, name: 'Block Smith' }).waitFor()
    await page.getByLabel(/Amount in sats/).fill('1000')
    await page.getByRole('button', { name: 'Zap to buy' }).click()
    await payWithNwc(page, market.buyerNwcUrl)
    await page.getByRole('heading', { name: 'Paid — Block Smith is yours' }).waitFor()
    // The 9734 per docs/architecture.md "Money flows": one p = the market, a = the game, amount = what was paid, the market's relays.
    const zapRequest = nip07.signed.find((e) => e.kind === 9734)
    expect(zapRequest).toBeDefined()
    const tags = zapRequest!.tags
    expect(tags.filter((t) => t[0] === 'p')).toEqual([['p', market.m.marketPubkey]])
    expect(tags).toContainEqual(['a', `32267:${demoDev}:block-smith`])
    expect(tags).toContainEqual(['amount', '1000000'])
    expect(tags.find((t) => t[0] === 'relays')?.slice(1)).toContain(market.m.relayUrl)
    expect(tags.find((t) => t[0] === 'lnurl')?.[1]).toMatch(/^lnurl1/)
    // A reload brings the extension session back without a prompt, and the page knows the game is owned.
    await page.reload()
    await page.getByRole('heading', { name: 'You own this game' }).waitFor()
    await page.getByText(/⚡ 1 zap\b/).waitFor()
    expect(errors).toEqual([])
    await context.close()
  }, 120_000)

  it('a guest pays with WebLN when the browser provides it', async () => {
    useWebSocketImplementation(WebSocket)
    useNwcWebSocket(WebSocket)
    await gameDetail(api, demoDev, 'quiet-harbor')
    const { page, context, errors } = await phonePage(browser)
    const webln = await installWebln(page, (invoice) => nwcPayInvoice(market.buyerNwcUrl, invoice))
    await page.goto(`${api}/game/${demoDev}/quiet-harbor`)
    await page.getByRole('button', { name: 'Buy as guest' }).click()
    await page.getByRole('button', { name: 'Pay with WebLN' }).click()
    await page.getByTestId('receipt-code').waitFor()
    expect(webln.paid).toHaveLength(1)
    expect(webln.paid[0]).toMatch(/^ln/)
    expect(errors).toEqual([])
    await context.close()
  }, 120_000)

  it('a buyer signs in through a NIP-46 bunker and the market accepts the requests it signs', async () => {
    const bunker = await startTestBunker(market.m.relayUrl)
    const { page, context, errors } = await phonePage(browser)
    try {
      await page.goto(`${api}/signin?next=%2Flibrary`)
      await page.getByLabel('Bunker URI').fill(bunker.uri)
      await page.getByRole('button', { name: 'Connect' }).click()
      await page.getByRole('heading', { level: 1, name: 'Library' }).waitFor()
      await page.getByText('No games yet.').waitFor()
      expect(await page.locator('header .pill').getAttribute('title')).toBe(bunker.userPubkey)
      expect(bunker.calls).toContain('sign_event')
      expect(errors).toEqual([])
    } finally {
      await context.close()
      await bunker.stop()
    }
  }, 120_000)

  it('a developer sees sales and releases, signs a draft in the dashboard and lists it, and lists a draft made elsewhere', async () => {
    const dev = market.m.demoDeveloper
    const slug = `e2e-draft-${Date.now().toString(36)}`
    // A draft submitted outside this browser (as `zapcade game publish --draft` does): only the service has it.
    const cliSlug = `e2e-cli-draft-${Date.now().toString(36)}`
    await submitGame(api, dev.secretKey, {
      slug: cliSlug,
      title: 'Cli Drafted Quest',
      summary: 'Drafted from the command line.',
      description: 'Soon.',
      listing: 'DRAFT',
    })

    const { page, context, errors } = await phonePage(browser)
    await page.goto(`${api}/signin?next=%2Fdeveloper`)
    await importKey(page, dev.secretKey)
    await page.getByRole('heading', { level: 1, name: 'Developer dashboard' }).waitFor()
    // The payout form starts from the saved address (GET /api/v1/me); once that answer is in, a
    // developer who is no admin has no Admin link.
    await page.waitForFunction(
      (v) => (document.getElementById('payout') as HTMLInputElement | null)?.value === v,
      market.m.devnet!.developer.lud16.toLowerCase(),
    )
    expect(
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Admin' })
        .count(),
    ).toBe(0)
    const games = page.getByTestId('dev-games')
    // Sales from the purchases above, and the demo builds' releases.
    await page
      .getByRole('region', { name: 'Sales' })
      .getByText(/Lantern Depths · 2,100 sats/)
      .waitFor()
    await games
      .getByRole('row', { name: /Lantern Depths/ })
      .getByText('1.0.0')
      .waitFor()

    await page.getByText('New draft').click()
    await page.getByLabel('Slug (a-z, 0-9, . _ -)').fill(slug)
    await page.getByLabel('Title').fill('Draftwood Chronicles')
    await page.getByLabel('Summary').fill('A game that started as a draft.')
    await page.getByLabel('Price in sats (0 = free)').fill('1500')
    await page.getByLabel('Tags, comma separated').fill('adventure')
    await page.getByLabel('Description (markdown)').fill('# Draftwood\n\nNot ready yet.')
    await page.getByRole('button', { name: 'Save draft' }).click()
    await page.getByText('Draft Draftwood Chronicles saved').waitFor()
    const row = games.getByRole('row', { name: /Draftwood Chronicles/ })
    await row.getByText('DRAFT', { exact: true }).waitFor()
    await games
      .getByRole('row', { name: /Cli Drafted Quest/ })
      .getByText('DRAFT', { exact: true })
      .waitFor()
    // A draft never reaches the public catalog.
    expect((await fetch(`${api}/api/v1/games/${dev.pubkey}/${slug}`)).status).toBe(404)
    await shot(page, 'developer')

    // Neither has a verified build: "List it" first says it would show as coming soon.
    await row.getByRole('button', { name: 'List Draftwood Chronicles' }).click()
    await row
      .getByTestId('list-warning')
      .getByText(/no verified build yet/)
      .waitFor()
    await row.getByRole('button', { name: 'List it anyway' }).click()
    await page.getByText('Draftwood Chronicles is now listed.').waitFor()
    await games.getByRole('button', { name: 'List Cli Drafted Quest' }).click()
    await games.getByRole('button', { name: 'List it anyway' }).click()
    await page.getByText('Cli Drafted Quest is now listed.').waitFor()
    await listedInSearch(api, 'Draftwood', slug)
    await listedInSearch(api, 'Drafted Quest', cliSlug)
    await page.goto(`${api}/?q=Draftwood`)
    await page
      .getByTestId('results')
      .getByRole('link', { name: /Draftwood Chronicles/ })
      .waitFor()
    expect(errors).toEqual([])
    await context.close()
  }, 180_000)

  it("a developer's malicious markdown is shown as text and never runs", async () => {
    const sk = generateSecretKey()
    const slug = `e2e-evil-${Date.now().toString(36)}`
    const pubkey = await submitGame(api, sk, {
      slug,
      title: 'Totally Safe Game',
      summary: 'Nothing to see here.',
      description: [
        '# Hello',
        '<script>window.__pwned = "script"</script>',
        '<img src="x" onerror="window.__pwned = \'onerror\'">',
        '<svg onload="window.__pwned = \'svg\'"></svg>',
        '[click me](javascript:window.__pwned="link")',
        '![pic](javascript:window.__pwned="img")',
        '<a href="javascript:window.__pwned=\'raw-a\'">raw link</a>',
      ].join('\n\n'),
    })
    await gameDetail(api, pubkey, slug)
    const { page, context, errors } = await phonePage(browser)
    const dialogs: string[] = []
    page.on('dialog', (d) => {
      dialogs.push(d.message())
      void d.dismiss()
    })
    await page.goto(`${api}/game/${pubkey}/${slug}`)
    await page.getByRole('heading', { level: 1, name: 'Totally Safe Game' }).waitFor()
    const desc = page.getByLabel('Description')
    await desc.getByText('<script>window.__pwned = "script"</script>').waitFor()
    await desc.getByRole('link', { name: 'click me' }).click()
    // Give any injected handler its chance: an image error or a click would have run by the next frames.
    await page.evaluate(
      () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
    )
    expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined()
    expect(
      await desc
        .locator(
          'script, img[onerror], svg, [onload], a[href^="javascript" i], img[src^="javascript" i]',
        )
        .count(),
    ).toBe(0)
    expect(dialogs).toEqual([])
    await shot(page, 'markdown-safe')
    expect(errors).toEqual([])
    await context.close()
  }, 120_000)

  it('an admin features a game from the admin page, runs the ledger check, and the catalog shows it on the featured shelf', async () => {
    await gameDetail(api, demoDev, 'quiet-harbor')
    const { page, context, errors } = await phonePage(browser)
    await page.goto(`${api}/signin?next=%2Fadmin`)
    await importKey(page, adminSk)
    await page.getByRole('heading', { level: 1, name: 'Admin' }).waitFor()
    // The market names this key as admin (GET /api/v1/me), so the Admin link shows.
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Admin' })
      .waitFor()
    await page.getByRole('button', { name: 'Feature Quiet Harbor' }).click()
    await page.getByText('quiet-harbor is now FEATURED.').waitFor()
    await page.getByRole('button', { name: 'Unfeature Quiet Harbor' }).waitFor()
    // By address too, for games the catalog does not list (here: feature Zap Racer).
    await page.getByLabel('Game (pubkey/slug)').fill(`${demoDev}/zap-racer`)
    await page.getByLabel('Status', { exact: true }).selectOption('FEATURED')
    await page.getByRole('button', { name: 'Apply' }).click()
    await page.getByText('zap-racer is now FEATURED.').waitFor()
    await page.getByRole('button', { name: 'Check the ledger invariants' }).click()
    await page.getByText('All invariants hold.').waitFor()
    await page.getByRole('button', { name: 'Show open payment alerts' }).click()
    await page.getByText('No open payment alerts.').waitFor()
    await shot(page, 'admin')

    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Games' })
      .click()
    await page
      .getByRole('region', { name: 'Featured' })
      .getByRole('link', { name: /Quiet Harbor/ })
      .waitFor()
    await page
      .getByRole('region', { name: 'Featured' })
      .getByRole('link', { name: /Zap Racer/ })
      .waitFor()
    expect(errors).toEqual([])
    await context.close()
  }, 120_000)
})
