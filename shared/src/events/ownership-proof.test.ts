import { describe, expect, it } from 'vitest'
import type { Pubkey } from '../ids.ts'
import {
  buildOwnershipProof,
  OWNERSHIP_PROOF_KIND,
  parseOwnershipProof,
  verifyOwnershipProof,
} from './ownership-proof.ts'
import { adding, newKey, replacing, sign, withTags, without } from './testing/sign.ts'

const market = newKey()
const dev = newKey()
const player = newKey()
const game = { pubkey: dev.pk as Pubkey, slug: 'lantern-depths' }
const NOW = 1_760_000_000
const base = () =>
  buildOwnershipProof({
    game,
    owner: player.pk,
    basis: 'entitlement',
    entitlementId: 'ent-1',
    grantedAtSec: NOW - 86_400,
    createdAtSec: NOW,
    expiresAtSec: NOW + 30 * 86_400,
  })
const expect0 = { marketPubkey: market.pk, game, owner: player.pk, nowSec: NOW + 60 }

describe('ownership proof (kind 3267, signed by the market, never published)', () => {
  it('builds a, p, granted_at, expiration, basis, entitlement and alt; verifies against the market key', () => {
    const u = base()
    expect(u.kind).toBe(OWNERSHIP_PROOF_KIND)
    expect(u.tags.slice(0, 6)).toEqual([
      ['a', `32267:${dev.pk}:lantern-depths`],
      ['p', player.pk],
      ['granted_at', String(NOW - 86_400)],
      ['expiration', String(NOW + 30 * 86_400)],
      ['basis', 'entitlement'],
      ['entitlement', 'ent-1'],
    ])
    expect(u.tags[6]![0]).toBe('alt')
    const r = verifyOwnershipProof(sign(u, market), expect0)
    expect(r).toEqual({
      ok: true,
      value: expect.objectContaining({
        game,
        owner: player.pk,
        basis: 'entitlement',
        entitlementId: 'ent-1',
        expiresAtSec: NOW + 30 * 86_400,
      }),
    })
    // The coordinate string is accepted too.
    expect(
      verifyOwnershipProof(sign(u, market), { ...expect0, game: `32267:${dev.pk}:lantern-depths` })
        .ok,
    ).toBe(true)
  })

  it.each([
    ['another signer', () => sign(base(), dev), 'pubkey: not signed by this market'],
    [
      'another game',
      () => sign(withTags(base(), replacing(['a', `32267:${dev.pk}:other`])), market),
      'a: names another game',
    ],
    [
      'another owner',
      () => sign(withTags(base(), replacing(['p', dev.pk])), market),
      'p: names another owner',
    ],
    [
      'no expiration',
      () => sign(withTags(base(), without('expiration')), market),
      'expiration: missing',
    ],
    [
      'a bad expiration',
      () => sign(withTags(base(), replacing(['expiration', '1e12'])), market),
      'expiration: must be unix seconds',
    ],
    ['two p tags', () => sign(withTags(base(), adding(['p', dev.pk])), market), 'p: duplicate tag'],
    [
      'an unknown basis',
      () => sign(withTags(base(), replacing(['basis', 'gift'])), market),
      'basis: must be one of entitlement, free, developer',
    ],
    ['another kind', () => sign({ ...base(), kind: 1 }, market), 'kind: expected 3267, got 1'],
    ['not an event', () => ({ hello: 'world' }), 'event: malformed id'],
  ])('refuses %s', (_name, make, reason) => {
    expect(verifyOwnershipProof(make(), expect0)).toEqual({ ok: false, reason })
  })

  it('refuses a tampered proof (tags changed after signing) and an expired one', () => {
    const ev = sign(base(), market)
    const tampered = {
      ...ev,
      tags: ev.tags.map((t) =>
        t[0] === 'expiration' ? ['expiration', String(NOW + 999 * 86_400)] : t,
      ),
    }
    expect(verifyOwnershipProof(tampered, expect0)).toEqual({
      ok: false,
      reason: 'signature: invalid id or signature',
    })
    const swapped = { ...ev, sig: ev.sig.replace(/^./, (c) => (c === '0' ? '1' : '0')) }
    expect(verifyOwnershipProof(swapped, expect0).ok).toBe(false)
    // NIP-40: expired from the expiration second on.
    expect(verifyOwnershipProof(ev, { ...expect0, nowSec: NOW + 30 * 86_400 - 1 }).ok).toBe(true)
    expect(verifyOwnershipProof(ev, { ...expect0, nowSec: NOW + 30 * 86_400 })).toEqual({
      ok: false,
      reason: 'expiration: expired',
    })
  })

  it('refuses a proof made well ahead of the verifier clock', () => {
    const ev = sign(base(), market)
    expect(verifyOwnershipProof(ev, { ...expect0, nowSec: NOW - 601 })).toEqual({
      ok: false,
      reason: 'created_at: in the future',
    })
    expect(verifyOwnershipProof(ev, { ...expect0, nowSec: NOW - 600 }).ok).toBe(true)
  })

  it('basis entitlement needs its entitlement id; free and developer proofs carry none', () => {
    expect(parseOwnershipProof(sign(withTags(base(), without('entitlement')), market))).toEqual({
      ok: false,
      reason: 'entitlement: missing for basis entitlement',
    })
    const free = buildOwnershipProof({
      game,
      owner: player.pk,
      basis: 'free',
      grantedAtSec: NOW,
      createdAtSec: NOW,
      expiresAtSec: NOW + 10,
    })
    expect(free.tags.some((t) => t[0] === 'entitlement')).toBe(false)
    expect(verifyOwnershipProof(sign(free, market), { ...expect0, nowSec: NOW })).toMatchObject({
      ok: true,
      value: { basis: 'free', entitlementId: undefined },
    })
  })
})
