import { describe, expect, it } from 'vitest'
import {
  PAYOUT_STATUSES,
  assertPayoutTransition,
  canTransition,
  type PayoutStatus,
} from './payout-machine.ts'
import { backoffSec } from './payout-worker.ts'

// docs/architecture.md "Money flows", Payout: SCHEDULED → SENT | RETRYING | FAILED | CANCELED;
// RETRYING → SENT | RETRYING | FAILED | CANCELED; FAILED → RETRYING (admin retry) | CANCELED.
const allowed: [PayoutStatus, PayoutStatus][] = [
  ['SCHEDULED', 'SENT'],
  ['SCHEDULED', 'RETRYING'],
  ['SCHEDULED', 'FAILED'],
  ['SCHEDULED', 'CANCELED'],
  ['RETRYING', 'SENT'],
  ['RETRYING', 'RETRYING'],
  ['RETRYING', 'FAILED'],
  ['RETRYING', 'CANCELED'],
  ['FAILED', 'RETRYING'],
  ['FAILED', 'CANCELED'],
]

describe('payout transition table', () => {
  for (const from of PAYOUT_STATUSES) {
    for (const to of PAYOUT_STATUSES) {
      const ok = allowed.some(([f, t]) => f === from && t === to)
      it(`${from} → ${to} is ${ok ? 'allowed' : 'refused'}`, () => {
        expect(canTransition(from, to)).toBe(ok)
        if (ok) expect(() => assertPayoutTransition(from, to)).not.toThrow()
        else
          expect(() => assertPayoutTransition(from, to)).toThrow(
            expect.objectContaining({ code: 'CONFLICT' }),
          )
      })
    }
  }
})

describe('payout backoff', () => {
  const policy = { baseBackoffSec: 30, maxBackoffSec: 3600 }
  it('doubles per attempt within [½, 1] of base·2^(attempts−1), capped at the maximum', () => {
    for (let attempts = 1; attempts <= 12; attempts++) {
      const exp = Math.min(3600, 30 * 2 ** (attempts - 1))
      expect(backoffSec(policy, attempts, () => 0)).toBe(Math.floor(exp / 2))
      expect(backoffSec(policy, attempts, () => 0.999999)).toBe(
        Math.floor(exp / 2 + 0.999999 * (exp / 2)),
      )
    }
    expect(backoffSec(policy, 1000, () => 0.5)).toBe(2700)
  })
})
