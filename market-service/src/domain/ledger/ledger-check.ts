/**
 * The ledger invariants of docs/architecture.md "Money flows", checked over the facts the ledger port gathers:
 * append-only (both triggers present); per paid purchase INVOICE_PAID = amount = PLATFORM_FEE +
 * Σ DEVELOPER_NET legs with the fee floor(amount × fee_bps / 10000) and the legs summing to the developer
 * net (one leg per split recipient, the developer's among them); one of the others per purchase; no booking on an
 * unpaid purchase; every PAID checkout entitles (tips excepted) and no entitlement without a PAID
 * purchase; zaps toward a game entitle at most once, and a zapper whose paid zaps reach the price owns it; per developer Σ PAYOUT_SENT ≤ Σ DEVELOPER_NET and payouts promised ≤ Σ DEVELOPER_NET;
 * every SENT payout has its PAYOUT_SENT entry. Refund rules: domain/refund/refund-ledger-rules.ts.
 */
import { msat, splitFee } from '@zapcade/shared/money'
import type { LedgerCheckResponse } from '@zapcade/shared/api/purchases'
import type { LedgerFacts } from '../../ports/ledger-repo.ts'
import { checkRefundRules } from '../refund/refund-ledger-rules.ts'

export type Violation = LedgerCheckResponse['violations'][number]

/** Check every invariant; `ok` only when there is no violation. */
export function checkLedger(f: LedgerFacts): LedgerCheckResponse {
  const v: Violation[] = []
  const add = (rule: string, subject: string, detail: string) => v.push({ rule, subject, detail })
  if (!f.appendOnly)
    add('append-only', 'ledger_entries', 'the UPDATE/DELETE refusal triggers are missing')

  for (const p of f.purchases) {
    const s = (t: keyof typeof p.sums) => p.sums[t] ?? { total: 0, count: 0 }
    const paid = s('INVOICE_PAID'),
      fee = s('PLATFORM_FEE'),
      net = s('DEVELOPER_NET'),
      created = s('INVOICE_CREATED')
    const subject = `purchase:${p.id}`
    if (created.count > 1)
      add('one-entry-per-type', subject, `${created.count} INVOICE_CREATED entries`)
    for (const [name, x] of [
      ['INVOICE_PAID', paid],
      ['PLATFORM_FEE', fee],
    ] as const) {
      if (x.count > 1) add('one-entry-per-type', subject, `${x.count} ${name} entries`)
    }
    // A split sale has one DEVELOPER_NET leg per recipient (docs/splits.md), never two for one user.
    const legs = p.netLegUserIds ?? (p.netDeveloperUserId !== null ? [p.netDeveloperUserId] : [])
    if (net.count > 1 && new Set(legs).size !== net.count)
      add(
        'one-net-leg-per-recipient',
        subject,
        `${net.count} DEVELOPER_NET legs for ${new Set(legs).size} recipients`,
      )
    const isPaid = p.status === 'PAID' || p.status === 'REFUNDED'
    if (!isPaid) {
      if (paid.count + fee.count + net.count > 0)
        add('booked-only-when-paid', subject, `a ${p.status} purchase has settlement entries`)
      if (p.entitlements > 0)
        add('entitlement-needs-paid-purchase', subject, `a ${p.status} purchase has an entitlement`)
      if (p.payouts.length > 0)
        add('payout-needs-paid-purchase', subject, `a ${p.status} purchase has a payout`)
      continue
    }
    if (paid.count !== 1) {
      add('paid-has-invoice-paid', subject, `${paid.count} INVOICE_PAID entries`)
      continue
    }
    if (paid.total !== p.amountMsat)
      add(
        'invoice-paid-equals-amount',
        subject,
        `INVOICE_PAID ${paid.total} ≠ amount ${p.amountMsat}`,
      )
    if (paid.total !== fee.total + net.total)
      add(
        'paid-equals-fee-plus-net',
        subject,
        `INVOICE_PAID ${paid.total} ≠ PLATFORM_FEE ${fee.total} + DEVELOPER_NET ${net.total}`,
      )
    if (p.gameDeveloperUserId !== null) {
      const want = splitFee(msat(p.amountMsat), p.feeBps)
      if (fee.total !== want.feeMsat)
        add(
          'fee-is-floor-bps',
          subject,
          `PLATFORM_FEE ${fee.total} ≠ floor(${p.amountMsat} × ${p.feeBps} / 10000) = ${want.feeMsat}`,
        )
      if (net.count >= 1 && !legs.includes(p.gameDeveloperUserId))
        add(
          'net-names-the-developer',
          subject,
          `DEVELOPER_NET names users ${legs.join(', ')}, the game's developer is ${p.gameDeveloperUserId}`,
        )
      // Σ DEVELOPER_NET legs = the developer net: a split neither loses nor adds a millisat.
      if (net.count >= 1 && net.total !== want.netMsat)
        add(
          'net-legs-sum-to-net',
          subject,
          `Σ DEVELOPER_NET legs ${net.total} ≠ developer net ${want.netMsat}`,
        )
    }
    // A zap entitles only when it brings its zapper's total to the price (checked per zapper below).
    if (!p.isTip && p.kind === 'CHECKOUT' && p.entitlements !== 1)
      add('paid-purchase-entitles', subject, `${p.entitlements} entitlements for a paid purchase`)
    if (!p.isTip && p.kind === 'ZAP' && p.entitlements > 1)
      add('paid-purchase-entitles', subject, `${p.entitlements} entitlements for one zap`)
    if (p.isTip && p.entitlements > 0)
      add('tip-does-not-entitle', subject, 'a tip has an entitlement')
    const promised = p.payouts
      .filter((x) => x.status !== 'CANCELED')
      .reduce((a, x) => a + x.amountMsat, 0)
    if (promised > net.total)
      add('payout-within-net', subject, `payouts ${promised} > DEVELOPER_NET ${net.total}`)
  }

  for (const g of f.zapGroups) {
    const subject = `zapper:${g.buyerUserId}:game:${g.gameId}`
    if (g.zapEntitlements > 1)
      add(
        'zaps-entitle-once',
        subject,
        `${g.zapEntitlements} entitlements from zaps toward one game`,
      )
    if (g.totalMsat >= g.maxPriceMsat && g.zapEntitlements + g.otherEntitlements === 0)
      add(
        'zaps-reaching-price-entitle',
        subject,
        `zaps total ${g.totalMsat} ≥ price ${g.maxPriceMsat} but no entitlement`,
      )
  }

  for (const d of f.developers) {
    const subject = `developer:${d.pubkey}`
    if (d.payoutSentMsat > d.netMsat)
      add(
        'payouts-sent-within-net',
        subject,
        `Σ PAYOUT_SENT ${d.payoutSentMsat} > Σ DEVELOPER_NET ${d.netMsat}`,
      )
    if (d.payoutsOpenOrSentMsat > d.netMsat)
      add(
        'payouts-promised-within-net',
        subject,
        `Σ payouts ${d.payoutsOpenOrSentMsat} > Σ DEVELOPER_NET ${d.netMsat}`,
      )
  }
  for (const e of f.orphanEntitlements) {
    if (e.purchaseStatus === 'REFUNDED' && e.revoked) continue
    add(
      'entitlement-needs-paid-purchase',
      `entitlement:${e.id}`,
      `purchase ${e.purchaseId} is ${e.purchaseStatus ?? 'missing'}`,
    )
  }
  // Refunds: money in = developer net + fee + refunds, and their per-purchase and developer rules.
  checkRefundRules(f, add)
  for (const s of f.sentPayoutsWithoutEntry) {
    add(
      'sent-payout-has-entry',
      `payout:${s.id}`,
      `${s.entries} PAYOUT_SENT entries totalling ${s.entryTotal} for a SENT payout of ${s.amountMsat}`,
    )
  }
  return {
    ok: v.length === 0,
    checked: {
      purchases: f.purchases.length,
      entries: f.entryCount,
      developers: f.developers.length,
    },
    violations: v,
  }
}
