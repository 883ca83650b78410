/** Admin overlay over real HTTP; the featured list and ban label reach the real relay, signed by the market. */
import { afterEach, describe, expect, it } from 'vitest'
import { addGame, addUser } from '../adapters/sqlite/testing/blob-seed.ts'
import {
  eventually,
  newKey,
  startHarness,
  type Harness,
  type Key,
} from '../testing/service-harness.ts'

let h: Harness | undefined
afterEach(async () => {
  await h?.stop()
  h = undefined
})

const setStatus = (hh: Harness, pubkey: string, slug: string, body: unknown, auth: Key) =>
  hh.call(`/api/v1/admin/games/${pubkey}/${slug}/status`, {
    method: 'POST',
    body: JSON.stringify(body),
    auth,
  })

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
    const unsigned = await h.call(`/api/v1/admin/games/${dev.pubkey}/alpha/status`, {
      method: 'POST',
      body: '{"status":"BANNED"}',
    })
    expect(unsigned.status).toBe(401)
    expect(h.svc.db.prepare("SELECT status FROM games WHERE slug = 'alpha'").get()).toEqual({
      status: 'LISTED',
    })
  })

  it('features games in order and publishes the featured list signed by the market key', async () => {
    h = await startHarness()
    const { dev, market } = await seed(h)
    const a = await setStatus(h, dev.pubkey, 'alpha', { status: 'FEATURED' }, h.admin)
    expect(await a.json()).toEqual({
      pubkey: dev.pubkey,
      slug: 'alpha',
      status: 'FEATURED',
      listing: 'LISTED',
      featured_rank: 0,
      outbox: ['PUBLISH_FEATURED_LIST'],
    })
    await setStatus(h, dev.pubkey, 'beta', { status: 'FEATURED' }, h.admin)
    const want = [`32267:${dev.pubkey}:alpha`, `32267:${dev.pubkey}:beta`]
    const list = await eventually(async () => {
      const evs = await h!.query({ kinds: [30267], authors: [market], '#d': ['featured'] })
      const aTags = evs[0]?.tags.filter((t) => t[0] === 'a').map((t) => t[1])
      return JSON.stringify(aTags) === JSON.stringify(want) ? evs : undefined
    })
    expect(list).toHaveLength(1)
  })

  it("bans a game, publishing a kind-1985 label; LISTED then restores the developer's own listing", async () => {
    h = await startHarness()
    const { dev, market } = await seed(h)
    const ban = await setStatus(
      h,
      dev.pubkey,
      'beta',
      { status: 'BANNED', reason: 'malware' },
      h.admin,
    )
    expect(await ban.json()).toMatchObject({
      status: 'BANNED',
      listing: 'UNLISTED',
      outbox: ['PUBLISH_BAN_LABEL'],
    })
    const labels = await eventually(() => h!.query({ kinds: [1985], authors: [market] }))
    expect(labels[0]).toMatchObject({ content: 'malware' })
    expect(labels[0]!.tags).toContainEqual(['a', `32267:${dev.pubkey}:beta`])
    const restore = await setStatus(h, dev.pubkey, 'beta', { status: 'LISTED' }, h.admin)
    expect(await restore.json()).toMatchObject({
      status: 'UNLISTED',
      listing: 'UNLISTED',
      featured_rank: null,
      outbox: ['PUBLISH_DELETION'],
    })
  })

  it('lifting a ban publishes a NIP-09 deletion of the label by the market key, and the relay stops serving the label', async () => {
    h = await startHarness()
    const { dev, market } = await seed(h)
    expect(
      await (
        await setStatus(h, dev.pubkey, 'alpha', { status: 'BANNED', reason: 'spam' }, h.admin)
      ).json(),
    ).toMatchObject({ status: 'BANNED', outbox: ['PUBLISH_BAN_LABEL'] })
    const labels = await eventually(async () => {
      const l = await h!.query({ kinds: [1985], authors: [market] })
      return l.length === 1 ? l : undefined
    })
    const label = labels[0]!
    // The id recorded when the ban was made is the id of the label the outbox signed.
    expect(
      h.svc.db
        .prepare(
          'SELECT label_event_id FROM ban_labels WHERE game_slug = ? AND retracted_at IS NULL',
        )
        .pluck()
        .all('alpha'),
    ).toEqual([label.id])

    const lift = await setStatus(h, dev.pubkey, 'alpha', { status: 'LISTED' }, h.admin)
    expect(await lift.json()).toMatchObject({ status: 'LISTED', outbox: ['PUBLISH_DELETION'] })
    const deletions = await eventually(async () => {
      const d = await h!.query({ kinds: [5], authors: [market] })
      return d.length === 1 ? d : undefined
    })
    expect(deletions[0]!.tags).toEqual([
      ['e', label.id],
      ['k', '1985'],
    ])
    expect(
      await eventually(
        async () =>
          (await h!.query({ kinds: [1985], authors: [market] })).length === 0 || undefined,
      ),
    ).toBe(true)
    expect(await h.query({ ids: [label.id] })).toEqual([])
    expect(
      h.svc.db
        .prepare('SELECT deletion_event_id FROM ban_labels WHERE label_event_id = ?')
        .pluck()
        .get(label.id),
    ).toBe(deletions[0]!.id)

    // A second lift finds nothing to retract; a new ban publishes a new label that a FEATURED lift retracts in turn.
    expect(
      await (await setStatus(h, dev.pubkey, 'alpha', { status: 'LISTED' }, h.admin)).json(),
    ).toMatchObject({ outbox: [] })
    await setStatus(h, dev.pubkey, 'alpha', { status: 'BANNED' }, h.admin)
    const second = await eventually(
      async () => (await h!.query({ kinds: [1985], authors: [market] }))[0],
    )
    expect(second.id).not.toBe(label.id)
    expect(
      await (await setStatus(h, dev.pubkey, 'alpha', { status: 'FEATURED' }, h.admin)).json(),
    ).toMatchObject({ status: 'FEATURED', outbox: ['PUBLISH_FEATURED_LIST', 'PUBLISH_DELETION'] })
    await eventually(
      async () =>
        (await h!.query({ kinds: [5], authors: [market], '#e': [second.id] })).length === 1 ||
        undefined,
    )
    expect(
      await eventually(
        async () =>
          (await h!.query({ kinds: [1985], authors: [market] })).length === 0 || undefined,
      ),
    ).toBe(true)
  })

  it('answers 404 for an unknown game and 400 for an unknown status or field', async () => {
    h = await startHarness()
    const { dev } = await seed(h)
    expect(
      (await (await setStatus(h, dev.pubkey, 'nope', { status: 'BANNED' }, h.admin)).json()).code,
    ).toBe('GAME_NOT_FOUND')
    const bad = await setStatus(h, dev.pubkey, 'alpha', { status: 'DELETED' }, h.admin)
    expect(bad.status).toBe(400)
    expect((await bad.json()).issues[0].path).toBe('status')
    expect(
      (await setStatus(h, dev.pubkey, 'alpha', { status: 'BANNED', why: 'x' }, h.admin)).status,
    ).toBe(400)
    expect((await setStatus(h, 'zz', 'alpha', { status: 'BANNED' }, h.admin)).status).toBe(400)
  })
})
