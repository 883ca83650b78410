/**
 * Refund worker (docs/refunds.md), the payout worker's pattern: an APPROVED refund gets its invoice
 * (the buyer's BOLT11 as given, or one asked from their Lightning address by LNURL-pay with the payout
 * code's checks), the payment hash is committed (SENDING) BEFORE `pay_invoice`, and a SENDING refund is
 * always looked up before anything else is done with it, so it is never paid twice whatever crashes.
 * SUCCEEDED books it (`markSent`); a definite failure goes back to APPROVED with backoff (the hash
 * forgotten) or, after the limit or for a dead invoice or a used withdraw link, to FAILED, which a new
 * request re-arms.
 */
import type { Msat } from '@zapcade/shared/money'
import type { Clock } from '../../ports/clock.ts'
import type { OutgoingState, PayOutcome, Wallet } from '../../ports/wallet.ts'
import type { Refund, RefundRepo } from '../../ports/refund-repo.ts'
import type { LnurlPayClient } from '../payout/lnurl-pay.ts'
import { backoffSec } from '../payout/payout-worker.ts'
import { assertRefundTransition } from './refund-machine.ts'
import type { DecodedBolt11 } from './refund-service.ts'

export interface RefundPolicyKnobs {
  maxAttempts: number
  baseBackoffSec: number
  maxBackoffSec: number
  recheckSec: number
  /** A recorded invoice that is NOT_FOUND is paid again (same hash) only while it has this much life left. */
  repayMarginSec: number
  batchSize: number
}

export const defaultRefundKnobs: RefundPolicyKnobs = {
  maxAttempts: 5,
  baseBackoffSec: 30,
  maxBackoffSec: 3600,
  recheckSec: 30,
  repayMarginSec: 30,
  batchSize: 20,
}

export interface RefundWorkerDeps {
  repo: RefundRepo
  wallet: Pick<Wallet, 'payInvoice' | 'lookupPayment'>
  lnurl: LnurlPayClient
  clock: Clock
  random: () => number
  decodeInvoice: (bolt11: string) => DecodedBolt11
  knobs?: Partial<RefundPolicyKnobs>
  log?: (msg: string, fields: Record<string, unknown>) => void
}

export type RefundStep = 'SENT' | 'PENDING' | 'RETRYING' | 'FAILED' | 'UNKNOWN' | 'RACE' | 'SKIPPED'

const reasonOf = (e: unknown): string => (e instanceof Error ? e.message : String(e)).slice(0, 500)

export class RefundWorker {
  readonly knobs: RefundPolicyKnobs
  constructor(private readonly d: RefundWorkerDeps) {
    this.knobs = { ...defaultRefundKnobs, ...d.knobs }
  }

  /** On start: every SENDING refund is looked up before anything else. */
  async recover(): Promise<number> {
    let sent = 0
    for (const r of this.d.repo.listSending(1000)) if ((await this.process(r)) === 'SENT') sent++
    return sent
  }

  async tick(): Promise<Map<string, RefundStep>> {
    const out = new Map<string, RefundStep>()
    for (const r of this.d.repo.listDue(this.d.clock.nowSec(), this.knobs.batchSize)) {
      try {
        out.set(r.id, await this.process(r))
      } catch (e) {
        this.d.log?.('refund step threw', { refund_id: r.id, error: reasonOf(e) })
        out.set(r.id, 'UNKNOWN')
      }
    }
    return out
  }

  async process(r: Refund): Promise<RefundStep> {
    if (r.status === 'SENDING') return this.reconcile(r)
    if (r.status !== 'APPROVED') return 'SKIPPED'
    const recorded = await this.newInvoice(r)
    return typeof recorded === 'string' ? recorded : this.pay(recorded)
  }

  private note(r: Refund, lastError: string): void {
    const now = this.d.clock.nowSec()
    this.d.repo.transition(
      r.id,
      r.status,
      { lastError, nextAttemptAtSec: now + this.knobs.recheckSec, nowSec: now },
      { paymentHash: r.paymentHash },
    )
  }

  private async reconcile(r: Refund): Promise<RefundStep> {
    const hash = r.paymentHash!
    let st: OutgoingState
    try {
      st = await this.d.wallet.lookupPayment(hash)
    } catch (e) {
      this.note(r, `lookup failed: ${reasonOf(e)}`)
      return 'UNKNOWN'
    }
    switch (st.status) {
      case 'SUCCEEDED':
        return this.settle(r, st.preimage, st.feesPaidMsat)
      case 'PENDING':
        this.note(r, 'payment pending')
        return 'PENDING'
      case 'FAILED':
        return this.failed(r, `payment failed: ${st.reason}`)
      case 'NOT_FOUND': {
        // A pay_invoice sent just before a crash may still be on its way: paying the SAME invoice again
        // is safe (one hash is paid once); only a dead invoice is given up.
        const expires = r.bolt11 === null ? undefined : this.expiresAt(r.bolt11)
        if (expires !== undefined && expires - this.knobs.repayMarginSec > this.d.clock.nowSec())
          return this.pay(r)
        return this.failed(r, 'the invoice expired before it was paid')
      }
    }
  }

  private expiresAt(bolt11: string): number | undefined {
    try {
      return this.d.decodeInvoice(bolt11).expiresAtSec
    } catch {
      return undefined
    }
  }

  private settle(r: Refund, preimage: string, feesPaidMsat: Msat): RefundStep {
    assertRefundTransition(r.status, 'SENT')
    const ok = this.d.repo.markSent(r.id, r.paymentHash!, {
      preimage,
      feesPaidMsat,
      nowSec: this.d.clock.nowSec(),
    })
    this.d.log?.(ok ? 'refund sent' : 'refund moved meanwhile', {
      refund_id: r.id,
      payment_hash: r.paymentHash,
    })
    return ok ? 'SENT' : 'RACE'
  }

  /** The invoice to pay, committed on the refund (SENDING), or a step when it stops here. */
  private async newInvoice(r: Refund): Promise<Refund | RefundStep> {
    const now = this.d.clock.nowSec()
    const attempts = r.attempts + 1
    let bolt11: string, paymentHash: string
    if (r.destinationKind === 'BOLT11' && r.destination !== null) {
      let inv: DecodedBolt11
      try {
        inv = this.d.decodeInvoice(r.destination)
      } catch {
        return this.giveUp(r, 'the invoice does not decode')
      }
      if (inv.expiresAtSec - this.knobs.repayMarginSec <= now)
        return this.giveUp(r, 'the invoice expired: give a new one')
      bolt11 = r.destination
      paymentHash = inv.paymentHash
    } else if (r.destinationKind === 'LN_ADDRESS' && r.destination !== null) {
      try {
        const inv = await this.d.lnurl.requestInvoice(r.destination, r.amountMsat, 'Zapcade refund')
        bolt11 = inv.bolt11
        paymentHash = inv.paymentHash
      } catch (e) {
        return this.retry(r, attempts, `invoice refused: ${reasonOf(e)}`)
      }
    } else return 'SKIPPED'
    assertRefundTransition(r.status, 'SENDING')
    let ok: boolean
    try {
      ok = this.d.repo.transition(
        r.id,
        'APPROVED',
        { status: 'SENDING', paymentHash, bolt11, attempts, lastError: null, nowSec: now },
        { paymentHash: r.paymentHash },
      )
    } catch (e) {
      // payment_hash is UNIQUE: an invoice already used elsewhere is refused.
      return this.giveUp(r, `invoice refused: ${reasonOf(e)}`)
    }
    if (!ok) return 'RACE'
    return { ...r, status: 'SENDING', paymentHash, bolt11, attempts, updatedAtSec: now }
  }

  private async pay(r: Refund): Promise<RefundStep> {
    let out: PayOutcome
    try {
      out = await this.d.wallet.payInvoice(r.bolt11!)
    } catch (e) {
      out = { status: 'UNKNOWN', reason: reasonOf(e) }
    }
    switch (out.status) {
      case 'SUCCEEDED':
        return this.settle(r, out.preimage, out.feesPaidMsat)
      case 'UNKNOWN':
        // Never guessed: the hash stays recorded and the next pass looks it up.
        this.note(r, `payment outcome unknown: ${out.reason}`)
        return 'UNKNOWN'
      case 'FAILED':
        return this.failed(r, `payment failed: ${out.reason}`)
    }
  }

  /** A SENDING refund whose payment definitely failed: retry later, or FAILED. */
  private failed(r: Refund, reason: string): RefundStep {
    // A withdraw claimant's invoice is theirs: a new link (a new request) is the retry.
    if (r.destinationKind === 'WITHDRAW' || r.attempts >= this.knobs.maxAttempts)
      return this.giveUp(r, reason)
    return this.retry(r, r.attempts, reason)
  }

  private retry(r: Refund, attempts: number, reason: string): RefundStep {
    if (attempts >= this.knobs.maxAttempts) return this.giveUp(r, reason)
    const now = this.d.clock.nowSec()
    if (r.status === 'SENDING') assertRefundTransition(r.status, 'APPROVED')
    const ok = this.d.repo.transition(
      r.id,
      r.status,
      {
        status: 'APPROVED',
        attempts,
        paymentHash: null,
        bolt11: null,
        lastError: reason,
        nextAttemptAtSec: now + backoffSec(this.knobs, attempts, this.d.random),
        nowSec: now,
      },
      { paymentHash: r.paymentHash },
    )
    this.d.log?.('refund attempt failed', { refund_id: r.id, attempts, reason })
    return ok ? 'RETRYING' : 'RACE'
  }

  private giveUp(r: Refund, reason: string): RefundStep {
    const now = this.d.clock.nowSec()
    assertRefundTransition(r.status, 'FAILED')
    const ok = this.d.repo.transition(
      r.id,
      r.status,
      { status: 'FAILED', lastError: reason, nowSec: now },
      { paymentHash: r.paymentHash },
    )
    this.d.log?.('refund failed', { refund_id: r.id, reason })
    return ok ? 'FAILED' : 'RACE'
  }
}
