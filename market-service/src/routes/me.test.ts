/** GET /api/v1/me over real HTTP: who the NIP-98 caller is to this market. */
import { afterEach, describe, expect, it } from 'vitest'
import { MeResponse } from '@zapcade/shared/api/me'
import { buildGame } from '@zapcade/shared/events/game'
import { toNpub } from '@zapcade/shared/ids'
import { addGame, addUser } from '../adapters/sqlite/testing/blob-seed.ts'
import { newKey, sign, startHarness, type Harness, type Key } from '../testing/service-harness.ts'

let h: Harness | undefined
afterEach(async () => {
  await h?.stop()
  h = undefined
})

const me = async (hh: Harness, auth: Key) =>
  MeResponse.parse(await (await hh.call('/api/v1/me', { auth })).json())
const draft = (dev: Key, slug: string) =>
  sign(
    dev,
    buildGame({ slug, title: slug, listing: 'DRAFT', createdAtSec: Math.floor(Date.now() / 1000) }),
  )

describe('GET /api/v1/me', () => {
  it('a stranger is no admin and has no payout address and no games', async () => {
    h = await startHarness()
    const k = newKey()
    expect(await me(h, k)).toEqual({
      pubkey: k.pubkey,
      npub: toNpub(k.pubkey),
      is_admin: false,
      developer: { payout_ln_address: null, games_count: 0 },
    })
  })

  it('is_admin is true exactly for a pubkey in ZAPCADE_ADMIN_PUBKEYS', async () => {
    h = await startHarness()
    expect((await me(h, h.admin)).is_admin).toBe(true)
  })

  it('reports the payout address and counts catalog games and drafts once per slug, deleted games not at all', async () => {
    h = await startHarness()
    const dev = newKey()
    const uid = addUser(h.svc.db, dev.pubkey)
    addGame(h.svc.db, uid, 'alpha')
    const gone = addGame(h.svc.db, uid, 'beta')
    h.svc.db.prepare('UPDATE games SET deleted_at = 1 WHERE id = ?').run(gone)
    addGame(h.svc.db, addUser(h.svc.db, newKey().pubkey), 'someone-elses')
    for (const ev of [draft(dev, 'alpha'), draft(dev, 'gamma')])
      expect(
        (await h.call('/api/v1/events', { method: 'POST', body: JSON.stringify(ev) })).status,
      ).toBe(200)
    const put = await h.call('/api/v1/developer/profile', {
      method: 'PUT',
      body: JSON.stringify({ payout_ln_address: 'dev@127.0.0.1:9' }),
      auth: dev,
    })
    expect(put.status).toBe(200)
    expect(await me(h, dev)).toMatchObject({
      is_admin: false,
      developer: { payout_ln_address: 'dev@127.0.0.1:9', games_count: 2 },
    })
  })

  it('refuses an unsigned call with 401 problem+json', async () => {
    h = await startHarness()
    const res = await h.call('/api/v1/me')
    expect(res.status).toBe(401)
    expect(res.headers.get('content-type')).toContain('application/problem+json')
  })
})
