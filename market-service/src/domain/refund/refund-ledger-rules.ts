/**
 * The refund invariants of the ledger check (docs/refunds.md), over the same facts: per purchase, a
 * REFUNDED one has exactly one REFUND_SENT equal to what was paid, a REFUND_DEVELOPER_DEBIT equal to its
 * DEVELOPER_NET and a REFUND_FEE_REVERSAL equal to its PLATFORM_FEE, and no live entitlement; nothing
 * else has refund entries. Across the market, money in = developer net + fee + refunds (each net of its
 * reversals). Per developer, a negative balance (Σ NET − Σ DEBIT − Σ PAYOUT_SENT) is only ever what
 * refunds sent after a payout still hold back; per refund, no more is withheld than was owed.
 */
import type { LedgerFacts } from '../../ports/ledger-repo.ts'

type Add = (rule: string, subject: string, detail: string) => void

const REFUND_TYPES = ['REFUND_SENT', 'REFUND_DEVELOPER_DEBIT', 'REFUND_FEE_REVERSAL'] as const

export function checkRefundRules(f: LedgerFacts, add: Add): void {
  let moneyIn = 0,
    shares = 0
  for (const p of f.purchases) {
    const s = (t: keyof typeof p.sums) => p.sums[t] ?? { total: 0, count: 0 }
    const subject = `purchase:${p.id}`
    const [sent, debit, feeBack] = REFUND_TYPES.map(s) as [
      ReturnType<typeof s>,
      ReturnType<typeof s>,
      ReturnType<typeof s>,
    ]
    const paid = s('INVOICE_PAID'),
      net = s('DEVELOPER_NET'),
      fee = s('PLATFORM_FEE')
    moneyIn += paid.total
    shares += net.total - debit.total + (fee.total - feeBack.total) + sent.total
    if (p.status !== 'REFUNDED') {
      if (sent.count + debit.count + feeBack.count > 0)
        add('refund-entries-need-refunded', subject, `a ${p.status} purchase has refund entries`)
      continue
    }
    for (const [name, x] of [
      ['REFUND_SENT', sent],
      ['REFUND_DEVELOPER_DEBIT', debit],
      ['REFUND_FEE_REVERSAL', feeBack],
    ] as const)
      if (x.count !== 1) add('refunded-books-refund', subject, `${x.count} ${name} entries`)
    if (sent.total !== paid.total)
      add(
        'refund-returns-what-was-paid',
        subject,
        `REFUND_SENT ${sent.total} ≠ INVOICE_PAID ${paid.total}`,
      )
    if (debit.total !== net.total || feeBack.total !== fee.total)
      add(
        'refund-reverses-shares',
        subject,
        `REFUND_DEVELOPER_DEBIT ${debit.total} / REFUND_FEE_REVERSAL ${feeBack.total} ≠ DEVELOPER_NET ${net.total} / PLATFORM_FEE ${fee.total}`,
      )
    if (p.activeEntitlements > 0)
      add('refunded-entitlement-revoked', subject, 'a refunded purchase still entitles')
  }
  if (moneyIn !== shares)
    add(
      'money-in-equals-net-fee-refunds',
      'ledger',
      `Σ INVOICE_PAID ${moneyIn} ≠ developer net + fee + refunds ${shares}`,
    )
  for (const d of f.developers) {
    const balance = d.netMsat - d.refundDebitMsat - d.payoutSentMsat
    if (balance < -d.refundOwedBackMsat)
      add(
        'negative-balance-only-from-refunds',
        `developer:${d.pubkey}`,
        `balance ${balance} below what refunds hold back (${d.refundOwedBackMsat})`,
      )
  }
  for (const r of f.refunds) {
    if (r.recoveredMsat > r.recoverMsat)
      add(
        'recovered-within-owed',
        `refund:${r.id}`,
        `withheld ${r.recoveredMsat} > owed back ${r.recoverMsat}`,
      )
  }
}
