/**
 * Ownership a launcher can verify, over real HTTP: a purchase paid over devnet NWC entitles the buyer;
 * `check` and `proof` answer for the NIP-98 signer only; the proof verifies offline with the shared
 * verifier and the market pubkey of /api/v1/info, and is refused tampered or expired; a revoked or
 * refunded entitlement gets no proof; proofs never reach the relay.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CreatePurchaseResponse, PurchaseView } from '@zapcade/shared/api/purchases'
import type {
  EntitlementCheckResponse,
  OwnershipProofResponse,
} from '@zapcade/shared/api/entitlements'
import { gameNaddr, type Pubkey } from '@zapcade/shared/ids'
import { OWNERSHIP_PROOF_KIND, verifyOwnershipProof } from '@zapcade/shared/events/ownership-proof'
import {
  newKey,
  seedGame,
  setPayoutAddress,
  startPayments,
  type Key,
  type PaymentsHarness,
} from '../testing/payments-harness.ts'
import { startHarness, type Harness } from '../testing/service-harness.ts'

const PRICE = 21_000
const DAY = 86_400

describe('entitlements check and ownership proof', { timeout: 60_000 }, () => {
  let h: PaymentsHarness, dev: Key, buyer: Key, entitlementId: string
  let n = 0
  // A NIP-98 event is accepted once: each call signs a distinct one (created_at stepped back).
  const get = (path: string, key?: Key): Promise<Response> =>
    h.call(path, key ? { auth: { key, createdAtOffsetSec: -(n++ % 50) } } : {})
  const check = async (game: string, key: Key): Promise<EntitlementCheckResponse> => {
    const r = await get(`/api/v1/entitlements/check?game=${encodeURIComponent(game)}`, key)
    expect(r.status).toBe(200)
    expect(r.headers.get('cache-control')).toBe('private, no-store')
    return (await r.json()) as EntitlementCheckResponse
  }
  const proof = (game: string, key: Key): Promise<Response> =>
    get(`/api/v1/entitlements/proof?game=${encodeURIComponent(game)}`, key)
  const paid = (): string => `${dev.pubkey}/paid`

  beforeAll(async () => {
    h = await startPayments()
    dev = newKey()
    buyer = newKey()
    const db = h.svc.db,
      m = h.marketPubkey
    seedGame(db, dev, 'paid', { priceMsat: PRICE, marketPubkey: m })
    seedGame(db, dev, 'refunded', { priceMsat: PRICE, marketPubkey: m })
    seedGame(db, dev, 'free', { priceMsat: 0, zapPubkey: null, marketPubkey: m })
    seedGame(db, dev, 'free-banned', {
      priceMsat: 0,
      zapPubkey: null,
      status: 'BANNED',
      marketPubkey: m,
    })
    seedGame(db, dev, 'draft', { priceMsat: PRICE, status: 'DRAFT', marketPubkey: m })
    setPayoutAddress(db, dev, h.devnet.developer.lud16)

    const created = await h.call('/api/v1/purchases', {
      method: 'POST',
      body: JSON.stringify({ game: paid() }),
      auth: buyer,
    })
    expect(created.status).toBe(201)
    const p = (await created.json()) as CreatePurchaseResponse
    expect((await h.buyerWallet.payInvoice(p.bolt11)).status).toBe('SUCCEEDED')
    for (let i = 0; ; i++) {
      const v = (await (await get(`/api/v1/purchases/${p.id}`, buyer)).json()) as PurchaseView
      if (v.status === 'PAID') {
        entitlementId = v.entitlement_id!
        break
      }
      if (i > 200) throw new Error('purchase never PAID')
      await new Promise((r) => setTimeout(r, 50))
    }
  }, 120_000)
  afterAll(async () => {
    await h?.stopAll()
  })

  it('the buyer owns the game after paying; another key does not and gets 403 NOT_ENTITLED for a proof', async () => {
    const mine = await check(paid(), buyer)
    expect(mine).toEqual({
      owned: true,
      game: { pubkey: dev.pubkey, slug: 'paid' },
      free: false,
      basis: 'entitlement',
      entitlement_id: entitlementId,
      granted_at: expect.any(Number),
    })
    const stranger = newKey()
    expect(await check(paid(), stranger)).toEqual({
      owned: false,
      game: { pubkey: dev.pubkey, slug: 'paid' },
      free: false,
    })
    const refused = await proof(paid(), stranger)
    expect(refused.status).toBe(403)
    expect(refused.headers.get('content-type')).toContain('application/problem+json')
    expect(await refused.json()).toMatchObject({ code: 'NOT_ENTITLED' })
  })

  it('names the game by naddr, npub/slug or coordinate alike', async () => {
    const addr = { pubkey: dev.pubkey as Pubkey, slug: 'paid' }
    for (const ref of [gameNaddr(addr, ['wss://relay.example']), `32267:${dev.pubkey}:paid`]) {
      expect(await check(ref, buyer)).toMatchObject({ owned: true, entitlement_id: entitlementId })
    }
  })

  it('the proof is signed by market_pubkey of /api/v1/info, verifies offline, and is refused tampered or expired', async () => {
    const info = (await (await h.call('/api/v1/info')).json()) as { market_pubkey: string }
    const r = await proof(paid(), buyer)
    expect(r.status).toBe(200)
    const body = (await r.json()) as OwnershipProofResponse
    const ev = body.event
    expect(ev).toMatchObject({
      kind: OWNERSHIP_PROOF_KIND,
      pubkey: info.market_pubkey,
      content: '',
    })
    expect(body.expires_at - ev.created_at).toBe(30 * DAY)
    const now = Math.floor(Date.now() / 1000)
    const expectFor = {
      marketPubkey: info.market_pubkey,
      game: { pubkey: dev.pubkey as Pubkey, slug: 'paid' },
      owner: buyer.pubkey,
      nowSec: now,
    }
    const ok = verifyOwnershipProof(ev, expectFor)
    expect(ok).toEqual({
      ok: true,
      value: expect.objectContaining({
        owner: buyer.pubkey,
        basis: 'entitlement',
        entitlementId,
        expiresAtSec: body.expires_at,
      }),
    })
    const granted = (await check(paid(), buyer)).granted_at
    expect(ok.ok && ok.value.grantedAtSec).toBe(granted)

    // Tampered: owner swapped to a friend, expiry pushed out; each breaks the id.
    const friend = newKey()
    const swapOwner = { ...ev, tags: ev.tags.map((t) => (t[0] === 'p' ? ['p', friend.pubkey] : t)) }
    expect(verifyOwnershipProof(swapOwner, { ...expectFor, owner: friend.pubkey })).toEqual({
      ok: false,
      reason: 'signature: invalid id or signature',
    })
    const later = {
      ...ev,
      tags: ev.tags.map((t) =>
        t[0] === 'expiration' ? ['expiration', String(body.expires_at + 365 * DAY)] : t,
      ),
    }
    expect(verifyOwnershipProof(later, expectFor).ok).toBe(false)
    // The same proof shown by someone else, or for another game, is refused.
    expect(verifyOwnershipProof(ev, { ...expectFor, owner: friend.pubkey })).toEqual({
      ok: false,
      reason: 'p: names another owner',
    })
    expect(verifyOwnershipProof(ev, { ...expectFor, game: `32267:${dev.pubkey}:free` })).toEqual({
      ok: false,
      reason: 'a: names another game',
    })
    // Injected clock: valid up to the last second before expiration, refused from it on.
    expect(verifyOwnershipProof(ev, { ...expectFor, nowSec: body.expires_at - 1 }).ok).toBe(true)
    expect(verifyOwnershipProof(ev, { ...expectFor, nowSec: body.expires_at + DAY })).toEqual({
      ok: false,
      reason: 'expiration: expired',
    })
    // Never published: the relay has no kind 3267.
    expect(await h.query({ kinds: [OWNERSHIP_PROOF_KIND] })).toEqual([])
  })

  it('a free game is owned by every key (free: true) and gets a proof; a banned free game is not owned', async () => {
    const anyone = newKey()
    expect(await check(`${dev.pubkey}/free`, anyone)).toEqual({
      owned: true,
      game: { pubkey: dev.pubkey, slug: 'free' },
      free: true,
      basis: 'free',
    })
    const r = await proof(`${dev.pubkey}/free`, anyone)
    expect(r.status).toBe(200)
    const ev = ((await r.json()) as OwnershipProofResponse).event
    const v = verifyOwnershipProof(ev, {
      marketPubkey: h.marketPubkey,
      game: `32267:${dev.pubkey}:free`,
      owner: anyone.pubkey,
      nowSec: Math.floor(Date.now() / 1000),
    })
    expect(v).toMatchObject({
      ok: true,
      value: { basis: 'free', entitlementId: undefined, grantedAtSec: ev.created_at },
    })
    expect(await check(`${dev.pubkey}/free-banned`, anyone)).toMatchObject({
      owned: false,
      free: true,
    })
    expect((await proof(`${dev.pubkey}/free-banned`, anyone)).status).toBe(403)
  })

  it('the developer owns their own game, drafts included; others do not see a draft', async () => {
    expect(await check(`${dev.pubkey}/draft`, dev)).toMatchObject({
      owned: true,
      basis: 'developer',
    })
    const r = await get(
      `/api/v1/entitlements/check?game=${encodeURIComponent(`${dev.pubkey}/draft`)}`,
      buyer,
    )
    expect(r.status).toBe(404)
    expect(await r.json()).toMatchObject({ code: 'GAME_NOT_FOUND' })
  })

  it('refuses an unknown game (404), a malformed reference (400) and an unsigned request (401)', async () => {
    const unknown = await get(`/api/v1/entitlements/check?game=${dev.pubkey}/nope`, buyer)
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toMatchObject({ code: 'GAME_NOT_FOUND' })
    const bad = await get('/api/v1/entitlements/proof?game=not-a-game', buyer)
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ code: 'VALIDATION_FAILED' })
    const unsigned = await get(`/api/v1/entitlements/check?game=${paid()}`)
    expect(unsigned.status).toBe(401)
    expect(unsigned.headers.get('content-type')).toContain('application/problem+json')
  })

  it('a refunded purchase stops getting proofs, even before its entitlement is revoked', async () => {
    const other = newKey()
    const db = h.svc.db
    db.prepare('INSERT INTO users (pubkey, created_at) VALUES (?, 1)').run(other.pubkey)
    const gameId = (
      db.prepare(`SELECT id FROM games WHERE slug = 'refunded'`).get() as { id: number }
    ).id
    db.prepare(`INSERT INTO purchases (id, buyer_user_id, game_id, kind, invoice_provider, invoice_id, bolt11, amount_msat, price_msat, fee_bps,
      status, created_at, expires_at, paid_at, updated_at) VALUES ('p-refunded', (SELECT id FROM users WHERE pubkey = ?), ?, 'CHECKOUT', 'test',
      ?, 'lnbc1', ?, ?, 500, 'PAID', 1, 601, 1, 1)`).run(
      other.pubkey,
      gameId,
      '9'.repeat(64),
      PRICE,
      PRICE,
    )
    db.prepare(`INSERT INTO entitlements (id, purchase_id, game_id, user_id, granted_at) VALUES ('ent-refunded', 'p-refunded', ?,
      (SELECT id FROM users WHERE pubkey = ?), 1)`).run(gameId, other.pubkey)
    const ref = `${dev.pubkey}/refunded`
    expect(await check(ref, other)).toMatchObject({ owned: true, entitlement_id: 'ent-refunded' })
    db.prepare(`UPDATE purchases SET status = 'REFUNDED' WHERE id = 'p-refunded'`).run()
    expect(await check(ref, other)).toEqual({
      owned: false,
      game: { pubkey: dev.pubkey, slug: 'refunded' },
      free: false,
    })
    const r = await proof(ref, other)
    expect(r.status).toBe(403)
    expect(await r.json()).toMatchObject({ code: 'NOT_ENTITLED' })
  })

  it('an admin revoke: not owned any more (revoked_at shown) and no proof', async () => {
    const revoke = await h.call(`/api/v1/admin/entitlements/${entitlementId}/revoke`, {
      method: 'POST',
      body: JSON.stringify({ reason: 'chargeback' }),
      auth: h.admin,
    })
    expect(revoke.status).toBe(200)
    const after = await check(paid(), buyer)
    expect(after).toEqual({
      owned: false,
      game: { pubkey: dev.pubkey, slug: 'paid' },
      free: false,
      revoked_at: expect.any(Number),
    })
    const r = await proof(paid(), buyer)
    expect(r.status).toBe(403)
    expect(await r.json()).toMatchObject({
      code: 'NOT_ENTITLED',
      detail: 'this entitlement was revoked',
    })
  })
})

describe('proof lifetime', { timeout: 60_000 }, () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness({ env: { ZAPCADE_OWNERSHIP_PROOF_TTL_DAYS: '2' } })
  }, 60_000)
  afterAll(async () => {
    await h?.stop()
  })

  it('ZAPCADE_OWNERSHIP_PROOF_TTL_DAYS sets the expiration', async () => {
    const dev = newKey(),
      player = newKey()
    seedGame(h.svc.db, dev, 'free', { priceMsat: 0, zapPubkey: null, marketPubkey: 'f'.repeat(64) })
    const r = await h.call(`/api/v1/entitlements/proof?game=${dev.pubkey}/free`, { auth: player })
    expect(r.status).toBe(200)
    const { event, expires_at } = (await r.json()) as OwnershipProofResponse
    expect(expires_at - event.created_at).toBe(2 * DAY)
    expect(event.tags).toContainEqual(['expiration', String(expires_at)])
  })
})
