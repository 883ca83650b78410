/** A developer's market-hosted Lightning address over real HTTP: <npub>@host, a claimed short name, NIP-05. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nip19 } from 'nostr-tools'
import { newKey, startHarness, type Harness } from '../testing/service-harness.ts'

let h: Harness
beforeAll(async () => {
  h = await startHarness()
})
afterAll(async () => {
  await h.stop()
})

const PATH = '/api/v1/developer/lightning-address'
const put = (key: ReturnType<typeof newKey>, name: string | null) =>
  h.call(PATH, { method: 'PUT', auth: key, body: JSON.stringify({ name }) })

describe('developer Lightning address', () => {
  it('every developer has <npub>@host without registering; its pay request allows nostr with the market key', async () => {
    const dev = newKey()
    const res = await h.call(PATH, { auth: dev })
    expect(res.status).toBe(200)
    const body = await res.json()
    const host = new URL(h.svc.config.publicUrl).host
    const npub = nip19.npubEncode(dev.pubkey)
    expect(body).toMatchObject({
      npub_address: `${npub}@${host}`,
      name_address: null,
      name: null,
      payout_ln_address: null,
    })
    const info = (await (await fetch(`${h.svc.url}/api/v1/info`)).json()) as {
      market_pubkey: string
    }
    expect(body.nostr_pubkey).toBe(info.market_pubkey)
    const pay = await (await fetch(`${h.svc.url}/.well-known/lnurlp/${npub}`)).json()
    expect(pay).toMatchObject({
      tag: 'payRequest',
      allowsNostr: true,
      nostrPubkey: info.market_pubkey,
      callback: `${h.svc.config.publicUrl}/lnurlp/${npub}/callback`,
    })
    expect((await h.call(PATH)).status).toBe(401)
  })

  it('a short name: first come, case-insensitive, changeable, released with null; answered by LUD-16 and NIP-05', async () => {
    const a = newKey(),
      b = newKey()
    const claimed = await put(a, 'Pixel-Forge')
    expect(claimed.status).toBe(200)
    expect(await claimed.json()).toMatchObject({
      name: 'pixel-forge',
      name_address: `pixel-forge@${new URL(h.svc.config.publicUrl).host}`,
    })
    const taken = await put(b, 'pixel-forge')
    expect(taken.status).toBe(409)
    expect((await taken.json()).code).toBe('NAME_TAKEN')

    const nip05 = await (await fetch(`${h.svc.url}/.well-known/nostr.json?name=pixel-forge`)).json()
    expect(nip05.names).toEqual({ 'pixel-forge': a.pubkey })
    const pay = await fetch(`${h.svc.url}/.well-known/lnurlp/pixel-forge`)
    expect(pay.status).toBe(200)

    // Changing frees the old name for someone else.
    expect((await put(a, 'forge2')).status).toBe(200)
    expect((await put(b, 'pixel-forge')).status).toBe(200)
    expect(
      (await fetch(`${h.svc.url}/.well-known/nostr.json?name=pixel-forge`).then((r) => r.json()))
        .names,
    ).toEqual({ 'pixel-forge': b.pubkey })
    expect((await put(a, null)).status).toBe(200)
    expect((await fetch(`${h.svc.url}/.well-known/lnurlp/forge2`)).status).toBe(404)
  })

  it('refuses malformed and reserved names with problem codes', async () => {
    const dev = newKey()
    for (const [name, status, code] of [
      ['has space', 400, 'VALIDATION_FAILED'],
      ['-dash', 400, 'VALIDATION_FAILED'],
      ['x'.repeat(65), 400, 'VALIDATION_FAILED'],
      ['zapcade', 409, 'NAME_TAKEN'],
      ['admin', 409, 'NAME_TAKEN'],
      ['npub1abc', 409, 'NAME_TAKEN'],
    ] as const) {
      const res = await put(dev, name)
      expect(res.status, name).toBe(status)
      expect(res.headers.get('content-type')).toContain('application/problem+json')
      expect((await res.json()).code).toBe(code)
    }
  })
})
