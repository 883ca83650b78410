/**
 * Payout worker (docs/architecture.md "Money flows", reliability catalogue PAY-1..6): developer's LUD-16 → LNURL-pay
 * invoice for the net amount (amount and description hash checked by the LNURL port) → payment hash and
 * bolt11 committed on the payout → `pay_invoice` → SENT + PAYOUT_SENT, or RETRYING with jittered
 * exponential backoff, FAILED + PAYOUT_FAILED after the limit. A payout that recorded a payment hash is
 * always looked up before anything else is done with it, so it is never paid twice whatever crashes.
 */
import type { Msat } from '@zapcade/shared/money'
import { AppError } from '@zapcade/shared/errors'
import type { Clock } from '../../ports/clock.ts'
import type { OutgoingState, PayOutcome, Wallet } from '../../ports/wallet.ts'
import type { LnurlPayClient } from './lnurl-pay.ts'
import { assertPayoutTransition, isActive } from './payout-machine.ts'
import type { Payout, PayoutRepo } from './payout-repo.ts'

export interface PayoutPolicy {
  /** Invoice attempts before FAILED (each new LNURL invoice, or a failed request for one, is an attempt). */
  maxAttempts: number
  baseBackoffSec: number
  maxBackoffSec: number
  /** How soon a PENDING or UNKNOWN payment is looked up again. */
  recheckSec: number
  /** How soon a payout without a payout address is looked at again. */
  noAddressRecheckSec: number
  /** A recorded invoice that is NOT_FOUND is paid again (same hash) only while it has this much life left. */
  repayMarginSec: number
  batchSize: number
}

export const defaultPayoutPolicy: PayoutPolicy = {
  maxAttempts: 6,
  baseBackoffSec: 30,
  maxBackoffSec: 6 * 3600,
  recheckSec: 30,
  noAddressRecheckSec: 300,
  repayMarginSec: 30,
  batchSize: 20,
}

export interface PayoutWorkerDeps {
  repo: PayoutRepo
  wallet: Pick<Wallet, 'payInvoice' | 'lookupPayment'>
  lnurl: LnurlPayClient
  clock: Clock
  /** Uniform in [0, 1): jitter. */
  random: () => number
  /** When a BOLT11 invoice expires (unix seconds); undefined when it cannot be decoded. */
  invoiceExpiresAtSec: (bolt11: string) => number | undefined
  policy?: Partial<PayoutPolicy>
  log?: (msg: string, fields: Record<string, unknown>) => void
}

export type PayoutStep =
  | 'SENT'
  | 'PENDING'
  | 'RETRYING'
  | 'FAILED'
  | 'NO_ADDRESS'
  | 'UNKNOWN'
  | 'LOOKUP_ERROR'
  | 'RACE'
  | 'SKIPPED'

/** Delay before attempt `attempts + 1`: base·2^(attempts−1), capped, with jitter in [½, 1] of it. */
export function backoffSec(
  policy: Pick<PayoutPolicy, 'baseBackoffSec' | 'maxBackoffSec'>,
  attempts: number,
  random: () => number,
): number {
  const exp = Math.min(
    policy.maxBackoffSec,
    policy.baseBackoffSec * 2 ** Math.max(0, Math.min(attempts - 1, 30)),
  )
  return Math.max(1, Math.floor(exp / 2 + random() * (exp / 2)))
}

const reasonOf = (e: unknown): string => (e instanceof Error ? e.message : String(e)).slice(0, 500)

/** What the lookup of a recorded payment hash says about the payout. */
type Recorded = 'SENT' | 'PENDING' | 'DEAD' | 'REPAY' | 'ERROR' | 'RACE'

export class PayoutWorker {
  readonly policy: PayoutPolicy
  constructor(private readonly d: PayoutWorkerDeps) {
    this.policy = { ...defaultPayoutPolicy, ...d.policy }
  }

  /** On start: every payout with a recorded payment hash is looked up before anything else (PAY-1). */
  async recover(): Promise<number> {
    let settled = 0
    for (const p of this.d.repo.listWithPaymentHash(1000)) {
      const r = await this.reconcile(p)
      if (r === 'SENT') settled++
    }
    return settled
  }

  /** One pass over the due payouts; answers what happened to each. */
  async tick(): Promise<Map<string, PayoutStep>> {
    const out = new Map<string, PayoutStep>()
    for (const p of this.d.repo.listDue(this.d.clock.nowSec(), this.policy.batchSize)) {
      try {
        out.set(p.id, await this.process(p))
      } catch (e) {
        this.d.log?.('payout step threw', { payout_id: p.id, error: reasonOf(e) })
        out.set(p.id, 'UNKNOWN')
      }
    }
    return out
  }

  /** Move one payout forward as far as it safely goes. */
  async process(p: Payout): Promise<PayoutStep> {
    if (!isActive(p.status)) return 'SKIPPED'
    let repay = false
    if (p.paymentHash !== null) {
      const r = await this.reconcile(p)
      if (r === 'SENT') return 'SENT'
      if (r === 'PENDING') return 'PENDING'
      if (r === 'ERROR') return 'LOOKUP_ERROR'
      if (r === 'RACE') return 'RACE'
      repay = r === 'REPAY'
    }
    if (!repay) {
      const recorded = await this.newInvoice(p)
      if (typeof recorded === 'string') return recorded
      p = recorded
    }
    return this.pay(p)
  }

  /** Look the recorded payment hash up; SUCCEEDED settles the payout here. */
  private async reconcile(p: Payout): Promise<Recorded> {
    const now = this.d.clock.nowSec()
    const hash = p.paymentHash
    if (hash === null || !isActive(p.status)) return 'DEAD'
    let st: OutgoingState
    try {
      st = await this.d.wallet.lookupPayment(hash)
    } catch (e) {
      this.d.repo.note(p.id, p.status, {
        lastError: `lookup failed: ${reasonOf(e)}`,
        nextAttemptAtSec: now + this.policy.recheckSec,
        nowSec: now,
      })
      return 'ERROR'
    }
    switch (st.status) {
      case 'SUCCEEDED':
        return this.settle(p, hash, st.preimage, st.feesPaidMsat) ? 'SENT' : 'RACE'
      case 'PENDING':
        this.d.repo.note(p.id, p.status, {
          lastError: 'payment pending',
          nextAttemptAtSec: now + this.policy.recheckSec,
          nowSec: now,
        })
        return 'PENDING'
      case 'FAILED':
        return 'DEAD'
      case 'NOT_FOUND': {
        // Not (yet) known to the wallet: a pay_invoice sent just before a crash may still be on its way.
        // Paying the SAME invoice again is safe (one payment hash is paid at most once); only once the
        // invoice can no longer be paid is a new invoice safe.
        const expires = p.bolt11 === null ? undefined : this.d.invoiceExpiresAtSec(p.bolt11)
        return expires !== undefined && expires - this.policy.repayMarginSec > now
          ? 'REPAY'
          : 'DEAD'
      }
    }
  }

  private settle(p: Payout, hash: string, preimage: string, feesPaidMsat: Msat): boolean {
    if (!isActive(p.status)) return false
    assertPayoutTransition(p.status, 'SENT')
    const ok = this.d.repo.markSent(p.id, p.status, hash, {
      preimage,
      feesPaidMsat,
      nowSec: this.d.clock.nowSec(),
    })
    this.d.log?.(ok ? 'payout sent' : 'payout moved meanwhile', {
      payout_id: p.id,
      payment_hash: hash,
    })
    return ok
  }

  /** Resolve the address, fetch and verify an invoice, commit it on the payout; or a step when it stops. */
  private async newInvoice(p: Payout): Promise<Payout | PayoutStep> {
    const now = this.d.clock.nowSec()
    if (!isActive(p.status)) return 'SKIPPED'
    // Each new invoice is asked from the developer's current payout address (a fixed address is the usual
    // cure of a failing payout); the destination recorded is the one this invoice comes from.
    const destination = this.d.repo.developerAddress(p.developerUserId) ?? p.destination
    if (destination === null) {
      this.d.repo.note(p.id, p.status, {
        lastError: 'no payout address',
        nextAttemptAtSec: now + this.policy.noAddressRecheckSec,
        nowSec: now,
      })
      return 'NO_ADDRESS'
    }
    if (
      destination !== p.destination &&
      !this.d.repo.setDestination(p.id, p.status, p.destination, destination, now)
    )
      return 'RACE'
    const attempts = p.attempts + 1
    let invoice
    try {
      invoice = await this.d.lnurl.requestInvoice(destination, p.amountMsat)
      // Belt and braces: the port checked the amount already (LUD-06 step 8, PAY-2).
      if (invoice.amountMsat !== p.amountMsat)
        throw new AppError(
          'LNURL_INVALID',
          `invoice amount ${invoice.amountMsat} msat, asked ${p.amountMsat}`,
        )
    } catch (e) {
      return this.attemptFailed(p, attempts, `invoice refused: ${reasonOf(e)}`, true)
    }
    let recorded: 'RECORDED' | 'MOVED' | 'OVER_BALANCE'
    try {
      recorded = this.d.repo.recordInvoice(
        p.id,
        { status: p.status, paymentHash: p.paymentHash },
        { paymentHash: invoice.paymentHash, bolt11: invoice.bolt11, attempts, nowSec: now },
      )
    } catch (e) {
      // payment_hash is UNIQUE: an LNURL server handing out an invoice already used is refused.
      return this.attemptFailed(p, attempts, `invoice refused: ${reasonOf(e)}`, true)
    }
    if (recorded === 'MOVED') return 'RACE'
    // LED-5: never pay a developer more than the ledger says they earned.
    if (recorded === 'OVER_BALANCE')
      return this.attemptFailed(
        p,
        attempts,
        'over-payout refused: the developer ledger does not cover this payout',
        true,
      )
    return {
      ...p,
      destination,
      attempts,
      paymentHash: invoice.paymentHash,
      bolt11: invoice.bolt11,
      updatedAtSec: now,
    }
  }

  private async pay(p: Payout): Promise<PayoutStep> {
    const hash = p.paymentHash,
      bolt11 = p.bolt11
    if (hash === null || bolt11 === null || !isActive(p.status)) return 'SKIPPED'
    let out: PayOutcome
    try {
      out = await this.d.wallet.payInvoice(bolt11)
    } catch (e) {
      out = { status: 'UNKNOWN', reason: reasonOf(e) }
    }
    const now = this.d.clock.nowSec()
    switch (out.status) {
      case 'SUCCEEDED':
        return this.settle(p, hash, out.preimage, out.feesPaidMsat) ? 'SENT' : 'RACE'
      case 'UNKNOWN':
        // Never guessed: the hash stays recorded and the next pass looks it up (docs/architecture.md "Money flows").
        this.d.repo.note(p.id, p.status, {
          lastError: `payment outcome unknown: ${out.reason}`,
          nextAttemptAtSec: now + this.policy.recheckSec,
          nowSec: now,
        })
        return 'UNKNOWN'
      case 'FAILED':
        // The hash stays recorded: the next attempt looks it up before asking for a new invoice.
        return this.attemptFailed(
          p,
          Math.max(p.attempts, 1),
          `payment failed: ${out.reason}`,
          false,
        )
    }
  }

  private attemptFailed(
    p: Payout,
    attempts: number,
    reason: string,
    clearInvoice: boolean,
  ): PayoutStep {
    const now = this.d.clock.nowSec()
    if (!isActive(p.status)) return 'SKIPPED'
    this.d.log?.('payout attempt failed', { payout_id: p.id, attempts, reason })
    if (attempts >= this.policy.maxAttempts) {
      assertPayoutTransition(p.status, 'FAILED')
      return this.d.repo.markFailed(p.id, p.status, p.paymentHash, {
        attempts,
        lastError: reason,
        clearInvoice,
        nowSec: now,
      })
        ? 'FAILED'
        : 'RACE'
    }
    assertPayoutTransition(p.status, 'RETRYING')
    const next = now + backoffSec(this.policy, attempts, this.d.random)
    return this.d.repo.markRetrying(p.id, p.status, p.paymentHash, {
      attempts,
      nextAttemptAtSec: next,
      lastError: reason,
      clearInvoice,
      nowSec: now,
    })
      ? 'RETRYING'
      : 'RACE'
  }
}
