/**
 * Admin actions on payouts (docs/architecture.md "HTTP API rules"): retry a FAILED payout (→ RETRYING, due now, a fresh
 * round of attempts; its recorded payment hash is still looked up first by the worker), and cancel one
 * that is not paid. A cancel never races a payment: with a recorded payment hash the wallet is asked
 * first, and only a payment known to have failed (or an invoice that can no longer be paid) is canceled.
 */
import { AppError } from '@zapcade/shared/errors'
import type { Clock } from '../../ports/clock.ts'
import type { Wallet } from '../../ports/wallet.ts'
import { assertPayoutTransition, isActive } from './payout-machine.ts'
import type { Payout, PayoutRepo } from './payout-repo.ts'

export interface PayoutAdminDeps {
  repo: PayoutRepo
  wallet: Pick<Wallet, 'lookupPayment'> | undefined
  clock: Clock
  invoiceExpiresAtSec: (bolt11: string) => number | undefined
}

function load(d: PayoutAdminDeps, id: string): Payout {
  const p = d.repo.get(id)
  if (!p) throw new AppError('NOT_FOUND', `no payout ${id}`)
  return p
}

/** FAILED → RETRYING, due now. */
export function retryPayout(d: PayoutAdminDeps, id: string): Payout {
  const p = load(d, id)
  if (p.status !== 'FAILED')
    throw new AppError('CONFLICT', `only a FAILED payout can be retried; this one is ${p.status}`)
  assertPayoutTransition(p.status, 'RETRYING')
  const now = d.clock.nowSec()
  if (
    !d.repo.markRetrying(p.id, 'FAILED', p.paymentHash, {
      attempts: 0,
      nextAttemptAtSec: now,
      lastError: p.lastError,
      clearInvoice: false,
      nowSec: now,
    })
  )
    throw new AppError('CONFLICT', 'the payout changed meanwhile; reload it')
  return load(d, id)
}

/** SCHEDULED | RETRYING | FAILED → CANCELED, unless a payment may have gone out. */
export async function cancelPayout(
  d: PayoutAdminDeps,
  id: string,
  reason: string,
): Promise<Payout> {
  const p = load(d, id)
  assertPayoutTransition(p.status, 'CANCELED')
  if (p.paymentHash !== null) {
    if (!d.wallet)
      throw new AppError('WALLET_UNAVAILABLE', 'no wallet to look the recorded payment up')
    let st
    try {
      st = await d.wallet.lookupPayment(p.paymentHash)
    } catch (e) {
      throw new AppError(
        'WALLET_UNAVAILABLE',
        `payment lookup failed: ${e instanceof Error ? e.message : String(e)}`,
      )
    }
    const now = d.clock.nowSec()
    if (st.status === 'SUCCEEDED') {
      // Money went out: book it instead (the worker would do the same), and refuse the cancel.
      if (isActive(p.status))
        d.repo.markSent(p.id, p.status, p.paymentHash, {
          preimage: st.preimage,
          feesPaidMsat: st.feesPaidMsat,
          nowSec: now,
        })
      throw new AppError('CONFLICT', 'the payout was already paid')
    }
    if (st.status === 'PENDING')
      throw new AppError('CONFLICT', 'a payment of this payout is in flight')
    if (st.status === 'NOT_FOUND') {
      const expires = p.bolt11 === null ? undefined : d.invoiceExpiresAtSec(p.bolt11)
      if (expires === undefined || expires > now)
        throw new AppError(
          'CONFLICT',
          'a payment of this payout may be in flight until its invoice expires',
        )
    }
  }
  if (
    !d.repo.markCanceled(p.id, p.status, p.paymentHash, {
      reason: `canceled: ${reason}`.slice(0, 500),
      nowSec: d.clock.nowSec(),
    })
  )
    throw new AppError('CONFLICT', 'the payout changed meanwhile; reload it')
  return load(d, id)
}
