/** Found from any Nostr client: the market's NIP-89 handler on its relay, and the /a and /e links it names. */
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

const dev = newKey()
const get = (path: string) => fetch(`${h.svc.url}${path}`, { redirect: 'manual' })

describe('NIP-89 handler and storefront links', () => {
  it('the market publishes a kind-31990 handler for games and releases pointing at its /a and /e links', async () => {
    const info = (await (await get('/api/v1/info')).json()) as { market_pubkey: string }
    let found: Awaited<ReturnType<Harness['query']>> = []
    for (let i = 0; i < 100 && found.length === 0; i++) {
      found = await h.query({ kinds: [31990], authors: [info.market_pubkey] })
      if (found.length === 0) await new Promise((r) => setTimeout(r, 50))
    }
    expect(found).toHaveLength(1)
    const handler = found[0]!
    expect(
      handler.tags
        .filter((t) => t[0] === 'k')
        .map((t) => t[1])
        .sort(),
    ).toEqual(['30063', '32267'])
    expect(handler.tags).toContainEqual(['web', `${h.svc.config.publicUrl}/a/<bech32>`, 'naddr'])
    expect(handler.tags).toContainEqual(['web', `${h.svc.config.publicUrl}/e/<bech32>`, 'nevent'])
    // The market's kind 0 carries a NIP-05 that verifies at /.well-known/nostr.json.
    const profile = (await h.query({ kinds: [0], authors: [info.market_pubkey] }))[0]!
    const nip05 = (JSON.parse(profile.content) as { nip05: string }).nip05
    const [name] = nip05.split('@')
    const names = (await (await get(`/.well-known/nostr.json?name=${name}`)).json()) as {
      names: Record<string, string>
    }
    expect(names.names[name!]).toBe(info.market_pubkey)
  })

  it('an naddr of a listing or a release, and an nevent or note of any version the indexer saw, open the game page', async () => {
    const listing = nip19.naddrEncode({
      kind: 32267,
      pubkey: dev.pubkey,
      identifier: 'Com.Example.Owl',
      relays: [],
    })
    expect((await get(`/a/${listing}`)).headers.get('location')).toBe(
      `/game/${dev.pubkey}/Com.Example.Owl`,
    )
    const release = nip19.naddrEncode({
      kind: 30063,
      pubkey: dev.pubkey,
      identifier: 'owl@1.2.0',
      relays: [],
    })
    expect((await get(`/a/${release}`)).headers.get('location')).toBe(`/game/${dev.pubkey}/owl`)

    const oldVersion = 'ab'.repeat(32)
    h.svc.db
      .prepare(`INSERT INTO raw_events (id, pubkey, kind, created_at, tags_json, content, sig, d_tag, state, received_at)
      VALUES (?, ?, 32267, 1, '[["d","owl"]]', '', ?, 'owl', 'SUPERSEDED', 1)`)
      .run(oldVersion, dev.pubkey, '0'.repeat(128))
    for (const code of [
      nip19.neventEncode({ id: oldVersion, relays: [] }),
      nip19.noteEncode(oldVersion),
      `nostr:${nip19.noteEncode(oldVersion)}`,
    ]) {
      const res = await get(`/e/${code}`)
      expect(res.status).toBe(302)
      expect(res.headers.get('location')).toBe(`/game/${dev.pubkey}/owl`)
    }
  })

  it('answers 404 problem+json for what names no game', async () => {
    for (const path of [
      '/a/naddr1nope',
      `/a/${nip19.npubEncode(dev.pubkey)}`,
      `/a/${nip19.naddrEncode({ kind: 30023, pubkey: dev.pubkey, identifier: 'post', relays: [] })}`,
      `/e/${nip19.noteEncode('cd'.repeat(32))}`,
    ]) {
      const res = await get(path)
      expect(res.status, path).toBe(404)
      expect(res.headers.get('content-type')).toContain('application/problem+json')
    }
  })
})
