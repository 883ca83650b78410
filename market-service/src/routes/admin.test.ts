/** Admin overlay over real HTTP; the featured list and ban label reach the real relay, signed by the market. */
import { afterEach, describe, expect, it } from 'vitest'
import { addGame, addUser } from '../adapters/sqlite/testing/blob-seed.ts'
import { eventually, newKey, startHarness, type Harness, type Key } from '../testing/service-harness.ts'

let h: Harness | undefined
afterEach(async () => { await h?.stop(); h = undefined })

const setStatus = (hh: Harness, pubkey: string, slug: string, body: unknown, auth: Key) =>
  hh.call(`/api/v1/admin/games/${pubkey}/${slug}/status`, { method: 'POST', body: JSON.stringify(body), auth })

async function seed(hh: Harness) {
  const dev = newKey()
  const uid = addUser(hh.svc.db, dev.pubkey)
  addGame(hh.svc.db, uid, 'alpha')
  addGame(hh.svc.db, uid, 'beta', { status: 'UNLISTED' })
  const market = (await (await hh.call('/api/v1/info')).json()).market_pubkey as string
  return { dev, market }
}

describe('POST /api/v1/admin/games/:pubkey/:slug/status', () => {
  it('refuses non-admins (403) and unsigned calls (401)', async () => {
    h = await startHarness()
    const { dev } = await seed(h)
    const res = await setStatus(h, dev.pubkey, 'alpha', { status: 'FEATURED' }, dev)
    expect(res.status).toBe(403)
    expect((await res.json()).code).toBe('FORBIDDEN')
    const unsigned = await h.call(`/api/v1/admin/games/${dev.pubkey}/alpha/status`, { method: 'POST', body: '{"status":"BANNED"}' })
    expect(unsigned.status).toBe(401)
    expect(h.svc.db.prepare("SELECT status FROM games WHERE slug = 'alpha'").get()).toEqual({ status: 'LISTED' })
  })

  it('features games in order and publishes the featured list signed by the market key', async () => {
    h = await startHarness()
    const { dev, market } = await seed(h)
    const a = await setStatus(h, dev.pubkey, 'alpha', { status: 'FEATURED' }, h.admin)
    expect(await a.json()).toEqual({ pubkey: dev.pubkey, slug: 'alpha', status: 'FEATURED', listing: 'LISTED', featured_rank: 0, outbox: ['PUBLISH_FEATURED_LIST'] })
    await setStatus(h, dev.pubkey, 'beta', { status: 'FEATURED' }, h.admin)
    const want = [`32267:${dev.pubkey}:alpha`, `32267:${dev.pubkey}:beta`]
    const list = await eventually(async () => {
      const evs = await h!.query({ kinds: [30267], authors: [market], '#d': ['featured'] })
      const aTags = evs[0]?.tags.filter((t) => t[0] === 'a').map((t) => t[1])
      return JSON.stringify(aTags) === JSON.stringify(want) ? evs : undefined
    })
    expect(list).toHaveLength(1)
  })

  it('bans a game, publishing a kind-1985 label; LISTED then restores the developer\'s own listing', async () => {
    h = await startHarness()
    const { dev, market } = await seed(h)
    const ban = await setStatus(h, dev.pubkey, 'beta', { status: 'BANNED', reason: 'malware' }, h.admin)
    expect(await ban.json()).toMatchObject({ status: 'BANNED', listing: 'UNLISTED', outbox: ['PUBLISH_BAN_LABEL'] })
    const labels = await eventually(() => h!.query({ kinds: [1985], authors: [market] }))
    expect(labels[0]).toMatchObject({ content: 'malware' })
    expect(labels[0]!.tags).toContainEqual(['a', `32267:${dev.pubkey}:beta`])
    const restore = await setStatus(h, dev.pubkey, 'beta', { status: 'LISTED' }, h.admin)
    expect(await restore.json()).toMatchObject({ status: 'UNLISTED', listing: 'UNLISTED', featured_rank: null, outbox: [] })
  })

  it('answers 404 for an unknown game and 400 for an unknown status or field', async () => {
    h = await startHarness()
    const { dev } = await seed(h)
    expect((await (await setStatus(h, dev.pubkey, 'nope', { status: 'BANNED' }, h.admin)).json()).code).toBe('GAME_NOT_FOUND')
    const bad = await setStatus(h, dev.pubkey, 'alpha', { status: 'DELETED' }, h.admin)
    expect(bad.status).toBe(400)
    expect((await bad.json()).issues[0].path).toBe('status')
    expect((await setStatus(h, dev.pubkey, 'alpha', { status: 'BANNED', why: 'x' }, h.admin)).status).toBe(400)
    expect((await setStatus(h, 'zz', 'alpha', { status: 'BANNED' }, h.admin)).status).toBe(400)
  })
})
