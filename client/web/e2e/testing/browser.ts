/**
 * Browser-test helpers: Debian's Chromium driven by playwright-core (never a downloaded browser),
 * phone-sized pages that record script errors, and screenshots saved as artifacts under
 * .tmp/screenshots/ after checking the page does not overflow a 375 px screen.
 */
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { expect } from 'vitest'

export const SCREENSHOT_DIR = fileURLToPath(
  new URL('../../../../.tmp/screenshots/', import.meta.url),
)
export const PHONE = { width: 375, height: 812 }

/** Launch the system Chromium headless (the flags this machine needs). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

export interface TestPage {
  context: BrowserContext
  page: Page
  /** Uncaught exceptions and console errors seen so far. */
  errors: string[]
}

/** A fresh phone-sized context (its own localStorage) with one page. */
export async function phonePage(browser: Browser): Promise<TestPage> {
  const context = await browser.newContext({ viewport: PHONE, acceptDownloads: true })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`))
  page.on('console', (m) => {
    // Failed fetches the page handles itself (401 before sign-in, etc.) are logged by Chromium as errors.
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text()))
      errors.push(`console: ${m.text()}`)
  })
  page.setDefaultTimeout(45_000)
  return { context, page, errors }
}

/**
 * Save `<name>.png` (full page) after checking the page at phone width: nothing wider than the screen,
 * every form control labelled, every image with an alt text, every button with a name.
 */
export async function shot(page: Page, name: string): Promise<void> {
  const width = await page.evaluate(() => document.documentElement.scrollWidth)
  expect(width, `${name} overflows a ${PHONE.width} px screen`).toBeLessThanOrEqual(PHONE.width)
  const a11y = await page.evaluate(() => {
    const named = (el: Element) =>
      !!(el.getAttribute('aria-label') || el.getAttribute('aria-labelledby'))
    return {
      unlabelled: [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
        .filter((el) => !(el as HTMLInputElement).labels?.length && !named(el))
        .map((el) => el.outerHTML.slice(0, 100)),
      noAlt: [...document.querySelectorAll('img:not([alt])')].map((el) =>
        el.outerHTML.slice(0, 100),
      ),
      unnamedButtons: [...document.querySelectorAll('button, a[href]')]
        .filter((el) => !(el.textContent ?? '').trim() && !named(el))
        .map((el) => el.outerHTML.slice(0, 100)),
    }
  })
  expect(a11y, `${name} accessibility`).toEqual({ unlabelled: [], noAlt: [], unnamedButtons: [] })
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  await page.screenshot({ path: `${SCREENSHOT_DIR}${name}.png`, fullPage: true })
}
