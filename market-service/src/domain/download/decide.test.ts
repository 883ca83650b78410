import { describe, expect, it } from 'vitest'
import { decideDownload } from './decide.ts'
import type { DownloadFacts, GameStatus } from './decide.ts'
import { TokenBuckets } from './rate-limit.ts'

const DEV = 'd'.repeat(64),
  BUYER = 'b'.repeat(64)
const facts = (o: {
  status?: GameStatus
  price?: number
  caller?: string
  auth?: boolean
  deleted?: boolean
  ent?: { id: string; revokedAtSec: number | null }
}): DownloadFacts => ({
  game: {
    status: o.status ?? 'LISTED',
    priceMsat: o.price ?? 1000,
    developerPubkey: DEV,
    deleted: o.deleted ?? false,
  },
  callerPubkey: o.caller,
  authenticated: o.auth ?? o.caller !== undefined,
  entitlement: o.ent,
})
const active = { id: 'e1', revokedAtSec: null },
  revoked = { id: 'e2', revokedAtSec: 5 }

describe('who may download', () => {
  const table: [string, Parameters<typeof facts>[0], string][] = [
    ['paid + active entitlement', { caller: BUYER, ent: active }, 'ENTITLED'],
    [
      'unlisted paid + active entitlement',
      { status: 'UNLISTED', caller: BUYER, ent: active },
      'ENTITLED',
    ],
    ['free, anonymous', { price: 0 }, 'FREE'],
    [
      'free, revoked entitlement (the game is free for everyone)',
      { price: 0, caller: BUYER, ent: revoked },
      'FREE',
    ],
    ['developer of a paid draft', { status: 'DRAFT', caller: DEV }, 'DEVELOPER'],
    ['paid, signed, no entitlement', { caller: BUYER }, 'NOT_ENTITLED'],
    ['paid, revoked entitlement', { caller: BUYER, ent: revoked }, 'NOT_ENTITLED'],
    ['paid, anonymous', {}, 'AUTH_REQUIRED'],
    ['banned, active entitlement', { status: 'BANNED', caller: BUYER, ent: active }, 'FORBIDDEN'],
    ['banned, free', { status: 'BANNED', price: 0 }, 'FORBIDDEN'],
    ['banned, its developer', { status: 'BANNED', caller: DEV }, 'FORBIDDEN'],
    ['draft, someone else', { status: 'DRAFT', price: 0, caller: BUYER }, 'GAME_NOT_FOUND'],
    [
      'deleted paid + active entitlement (RPL-6)',
      { deleted: true, caller: BUYER, ent: active },
      'ENTITLED',
    ],
    ['deleted, its developer', { deleted: true, caller: DEV }, 'DEVELOPER'],
    ['deleted free, anonymous', { deleted: true, price: 0 }, 'GAME_NOT_FOUND'],
    ['deleted paid, no entitlement', { deleted: true, caller: BUYER }, 'GAME_NOT_FOUND'],
    [
      'deleted paid, revoked entitlement',
      { deleted: true, caller: BUYER, ent: revoked },
      'GAME_NOT_FOUND',
    ],
  ]
  it.each(table)('%s → %s', (_n, f, expected) => {
    const d = decideDownload(facts(f))
    expect(d.allow ? d.basis : d.code).toBe(expected)
  })
  it('an allowed entitled download carries the entitlement id for the audit row', () => {
    expect(decideDownload(facts({ caller: BUYER, ent: active }))).toMatchObject({
      allow: true,
      entitlementId: 'e1',
    })
  })
})

describe('token buckets', () => {
  it('a burst up to capacity passes, then one token per refill interval', () => {
    const b = new TokenBuckets({ capacity: 3, refillPerSec: 0.5 })
    for (let i = 0; i < 3; i++) expect(b.take('k', 0).ok).toBe(true)
    expect(b.take('k', 0)).toEqual({ ok: false, retryAfterSec: 2 })
    expect(b.take('k', 1999).ok).toBe(false)
    expect(b.take('k', 2000).ok).toBe(true)
    expect(b.take('other', 2000).ok).toBe(true)
  })
  it('memory stays bounded: refilled buckets are evicted first, then the oldest', () => {
    const b = new TokenBuckets({ capacity: 2, refillPerSec: 1 }, 3)
    b.take('a', 0)
    b.take('b', 0)
    b.take('c', 0)
    b.take('d', 10_000)
    expect(b.size).toBeLessThanOrEqual(3)
    const busy = new TokenBuckets({ capacity: 2, refillPerSec: 0.001 }, 3)
    for (const k of ['a', 'b', 'c', 'd', 'e']) busy.take(k, 0)
    expect(busy.size).toBe(3)
  })
})
