/** POST /api/v1/events over real HTTP with a real relay: drafts kept, the rest forwarded, assets gated. */
import { afterEach, describe, expect, it } from 'vitest'
import { buildBuildAsset } from '@zapcade/shared/events/build-asset'
import { buildGame } from '@zapcade/shared/events/game'
import { addGame, addUser } from '../adapters/sqlite/testing/blob-seed.ts'
import { newKey, sign, startHarness, type Harness, type Key } from '../testing/service-harness.ts'

let h: Harness | undefined
afterEach(async () => {
  await h?.stop()
  h = undefined
})

const now = (): number => Math.floor(Date.now() / 1000)
const game = (
  dev: Key,
  slug: string,
  o: { listing?: 'DRAFT' | 'LISTED'; at?: number; title?: string } = {},
) =>
  sign(
    dev,
    buildGame({
      slug,
      title: o.title ?? `Game ${slug}`,
      tags: ['puzzle'],
      ...(o.listing ? { listing: o.listing } : {}),
      createdAtSec: o.at ?? now(),
    }),
  )
const post = (hh: Harness, body: unknown) =>
  hh.call('/api/v1/events', { method: 'POST', body: JSON.stringify(body) })

describe('POST /api/v1/events', () => {
  it('keeps a draft game in the service only, visible to its developer and not on the relay', async () => {
    h = await startHarness()
    const dev = newKey()
    const ev = game(dev, 'secret-project', { listing: 'DRAFT' })
    const res = await post(h, ev)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ id: ev.id, kind: 32267, status: 'DRAFT_STORED', relays: [] })
    expect(await h.query({ kinds: [32267], authors: [dev.pubkey] })).toEqual([])
    const mine = await (await h.call('/api/v1/developer/games', { auth: dev })).json()
    expect(mine.items).toEqual([
      expect.objectContaining({
        slug: 'secret-project',
        status: 'DRAFT',
        source: 'draft',
        event_id: ev.id,
      }),
    ])
    const theirs = await (await h.call('/api/v1/developer/games', { auth: newKey() })).json()
    expect(theirs.items).toEqual([])
  })

  it('forwards a public game to the relay, reports each relay, and drops the older draft', async () => {
    h = await startHarness()
    const dev = newKey()
    await post(h, game(dev, 'lantern', { listing: 'DRAFT', at: now() - 10 }))
    const ev = game(dev, 'lantern')
    const res = await post(h, ev)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      id: ev.id,
      kind: 32267,
      status: 'FORWARDED',
      relays: [{ relay: h.relay.url, ok: true, reason: expect.any(String) }],
    })
    expect((await h.query({ kinds: [32267], authors: [dev.pubkey] })).map((e) => e.id)).toEqual([
      ev.id,
    ])
    const mine = await (await h.call('/api/v1/developer/games', { auth: dev })).json()
    expect(mine.items.filter((g: { source: string }) => g.source === 'draft')).toEqual([])
  })

  it('drops a kept draft when its author deletes it (NIP-09 by a or e), not when someone else does', async () => {
    h = await startHarness()
    const dev = newKey()
    const byA = game(dev, 'by-a', { listing: 'DRAFT', at: now() - 5 })
    const byE = game(dev, 'by-e', { listing: 'DRAFT', at: now() - 5 })
    await post(h, byA)
    await post(h, byE)
    const drafts = async () =>
      (await (await h!.call('/api/v1/developer/games', { auth: dev })).json()).items
        .map((g: { slug: string }) => g.slug)
        .sort()
    const del = (key: Key, tags: string[][]) =>
      post(h!, sign(key, { kind: 5, created_at: now(), tags, content: '' }))
    expect((await del(newKey(), [['a', `32267:${dev.pubkey}:by-a`]])).status).toBe(200)
    expect(await drafts()).toEqual(['by-a', 'by-e'])
    await del(dev, [['a', `32267:${dev.pubkey}:by-a`]])
    await del(dev, [['e', byE.id]])
    expect(await drafts()).toEqual([])
  })

  it('refuses an older draft when a newer one is kept (409)', async () => {
    h = await startHarness()
    const dev = newKey()
    expect((await post(h, game(dev, 'x', { listing: 'DRAFT', at: now() }))).status).toBe(200)
    const older = await post(h, game(dev, 'x', { listing: 'DRAFT', at: now() - 100 }))
    expect(older.status).toBe(409)
    expect((await older.json()).code).toBe('CONFLICT')
  })

  it('refuses a bad signature, an unknown field, a far-future event, a foreign kind and an invalid game', async () => {
    h = await startHarness()
    const dev = newKey()
    const ev = game(dev, 'a')
    const forged = await post(h, { ...ev, content: 'changed' })
    expect(forged.status).toBe(422)
    expect((await forged.json()).code).toBe('INVALID_EVENT')
    const extra = await post(h, { ...ev, extra: 1 })
    expect(extra.status).toBe(400)
    expect(await extra.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      issues: [{ path: '(root)', message: 'unknown field(s): extra' }],
    })
    const future = await post(h, game(dev, 'b', { at: now() + 3600 }))
    expect(await future.json()).toMatchObject({
      code: 'INVALID_EVENT',
      detail: 'created_at: more than 10 minutes in the future',
    })
    const note = await post(h, sign(dev, { kind: 1, created_at: now(), tags: [], content: 'hi' }))
    expect((await note.json()).code).toBe('INVALID_EVENT')
    const noTitle = await post(
      h,
      sign(dev, { kind: 32267, created_at: now(), tags: [['d', 'c']], content: '' }),
    )
    expect(noTitle.status).toBe(422)
    expect(await h.query({ authors: [dev.pubkey] })).toEqual([])
  })

  it('refuses a build asset naming no verified upload of its developer, and forwards one that does', async () => {
    h = await startHarness()
    const dev = newKey()
    const uid = addUser(h.svc.db, dev.pubkey)
    const gid = addGame(h.svc.db, uid, 'lantern')
    const sha = 'c'.repeat(64)
    const asset = (size: number) =>
      sign(
        dev,
        buildBuildAsset({
          slug: 'lantern',
          version: '1.0.0',
          sha256: sha,
          sizeBytes: size,
          createdAtSec: now(),
        }),
      )
    const refused = await post(h, asset(1234))
    expect(refused.status).toBe(422)
    expect((await refused.json()).code).toBe('UPLOAD_INVALID')
    h.svc.db
      .prepare(`INSERT INTO uploads (id, game_id, developer_user_id, version, object_key, sha256, size_bytes, content_type, status, expires_at, created_at, verified_at)
      VALUES ('u1', ?, ?, '1.0.0', 'builds/1/x.zip', ?, 1234, 'application/zip', 'VERIFIED', 0, 0, 0)`)
      .run(gid, uid, sha)
    expect((await post(h, asset(999))).status).toBe(422)
    const ok = await post(h, asset(1234))
    expect(await ok.json()).toMatchObject({ status: 'FORWARDED' })
  })

  it('queues the event in the outbox (202) when no relay accepts it', async () => {
    h = await startHarness({ env: { ZAPCADE_RELAYS: 'ws://127.0.0.1:9' } })
    const ev = game(newKey(), 'offline')
    const res = await post(h, ev)
    expect(res.status).toBe(202)
    const body = await res.json()
    expect(body).toMatchObject({
      status: 'QUEUED',
      relays: [{ relay: 'ws://127.0.0.1:9', ok: false }],
    })
    const job = h.svc.db
      .prepare('SELECT type, status FROM outbox_jobs WHERE idempotency_key = ?')
      .get(`event:${ev.id}`)
    expect(job).toEqual({ type: 'PUBLISH_EVENT', status: 'PENDING' })
  })
})
