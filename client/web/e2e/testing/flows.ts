/** Steps several browser tests share: paying on screen with NWC, and the sign-in forms. */
import type { Page } from 'playwright-core'
import { nip19 } from 'nostr-tools'
import { finalizeEvent, getPublicKey } from 'nostr-tools/pure'

/** Pay the invoice on screen with an NWC URI through the page's own form. */
export async function payWithNwc(page: Page, nwcUrl: string): Promise<void> {
  await page.getByRole('img', { name: /QR code of the Lightning invoice/ }).waitFor()
  await page.getByLabel(/wallet connection \(NWC\) URI/).fill(nwcUrl)
  await page.getByRole('button', { name: 'Pay from my wallet' }).click()
}

/** Create an embedded key in the browser (NIP-49 encrypted under a password) from the sign-in page. */
export async function createEmbeddedKey(page: Page, password: string): Promise<void> {
  await page.getByLabel('New password').fill(password)
  await page.getByLabel('Repeat the password').fill(password)
  await page.getByRole('button', { name: 'Create key' }).click()
}

/** Import an nsec into the embedded signer from the sign-in page. */
export async function importKey(page: Page, sk: Uint8Array): Promise<void> {
  await page.getByText('Import a key (nsec or ncryptsec)').click()
  await page.getByLabel('nsec1…, hex or ncryptsec1…').fill(nip19.nsecEncode(sk))
  await page.getByLabel(/Password \(to encrypt it here/).fill('a long import password')
  await page.getByRole('button', { name: 'Import', exact: true }).click()
}

/**
 * Give the page a NIP-07 provider (`window.nostr`) before any script runs, signing in Node with `sk`,
 * as an extension does outside the page. `signed` records what it signed.
 */
export async function installNip07(
  page: Page,
  sk: Uint8Array,
): Promise<{ signed: Array<{ kind: number; tags: string[][] }> }> {
  const signed: Array<{ kind: number; tags: string[][] }> = []
  await page.exposeFunction(
    '__testNip07Sign',
    (t: { kind: number; created_at: number; tags: string[][]; content: string }) => {
      signed.push({ kind: t.kind, tags: t.tags })
      return finalizeEvent(t, sk)
    },
  )
  const pubkey = getPublicKey(sk)
  // A string, not a function: transpilers may wrap functions with helpers the page does not have.
  await page.addInitScript({
    content: `window.nostr = { getPublicKey: async () => ${JSON.stringify(pubkey)}, signEvent: (t) => window.__testNip07Sign(t) }`,
  })
  return { signed }
}

/** Give the page a WebLN provider (`window.webln`) whose payments `pay` makes outside the page, as a wallet extension does. */
export async function installWebln(
  page: Page,
  pay: (invoice: string) => Promise<{ preimage: string }>,
): Promise<{ paid: string[] }> {
  const paid: string[] = []
  await page.exposeFunction('__testWeblnPay', async (invoice: string) => {
    paid.push(invoice)
    return { preimage: (await pay(invoice)).preimage }
  })
  await page.addInitScript({
    content:
      'window.webln = { enable: async () => {}, sendPayment: (pr) => window.__testWeblnPay(pr) }',
  })
  return { paid }
}
