import { describe, expect, it } from 'vitest'
import type { OwnershipFacts } from '../../ports/entitlement-repo.ts'
import { decideOwnership } from './decide-ownership.ts'

const DEV = 'd'.repeat(64)
const ME = 'a'.repeat(64)
type G = Partial<OwnershipFacts['game']>
const facts = (g: G, e?: OwnershipFacts['entitlement']): OwnershipFacts => ({
  game: { id: 1, status: 'LISTED', priceMsat: 21_000, deleted: false, createdAtSec: 1, ...g },
  entitlement: e,
})
const active = { id: 'ent', grantedAtSec: 100, active: true, revokedAtSec: null }
const revoked = { id: 'ent', grantedAtSec: 100, active: false, revokedAtSec: 200 }
const refunded = { id: 'ent', grantedAtSec: 100, active: false, revokedAtSec: null }

describe('decideOwnership', () => {
  it.each([
    ['paid, entitled', facts({}, active), ME, { owned: true, basis: 'entitlement', free: false }],
    ['paid, no entitlement', facts({}), ME, { owned: false, basis: undefined }],
    [
      'paid, revoked',
      facts({}, revoked),
      ME,
      { owned: false, basis: undefined, revokedAtSec: 200 },
    ],
    [
      'paid, purchase refunded before revoked_at was set',
      facts({}, refunded),
      ME,
      { owned: false, basis: undefined, revokedAtSec: undefined },
    ],
    ['free, anyone', facts({ priceMsat: 0 }), ME, { owned: true, basis: 'free', free: true }],
    [
      'free, revoked entitlement (still free for all)',
      facts({ priceMsat: 0 }, revoked),
      ME,
      { owned: true, basis: 'free', revokedAtSec: 200 },
    ],
    ['free but banned', facts({ priceMsat: 0, status: 'BANNED' }), ME, { owned: false }],
    [
      'banned, entitled (a ban withdraws builds, not what was bought)',
      facts({ status: 'BANNED' }, active),
      ME,
      { owned: true, basis: 'entitlement' },
    ],
    ['deleted, entitled', facts({ deleted: true }, active), ME, { owned: true }],
    ['the developer', facts({ status: 'DRAFT' }), DEV, { owned: true, basis: 'developer' }],
  ] as const)('%s', (_name, f, caller, want) => {
    expect(decideOwnership(f, caller, DEV)).toMatchObject({ found: true, ...want })
  })

  it.each([
    ['no game row', undefined],
    ['a draft, to others', facts({ status: 'DRAFT' })],
    ['deleted, never owned', facts({ deleted: true })],
    ['deleted, revoked', facts({ deleted: true }, revoked)],
  ] as const)('not found: %s', (_name, f) => {
    expect(decideOwnership(f, ME, DEV)).toEqual({ found: false })
  })
})
