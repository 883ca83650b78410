/**
 * `zapcade refund …`: a buyer asks for a purchase's money back (`request`); a developer sets a game's
 * policy and decides the requests outside it (`policy`, `list`, `approve`, `decline`). docs/refunds.md.
 */
import { z } from 'zod'
import type { RefundView } from '@zapcade/shared/api/refunds'
import { REFUND_STATUSES } from '@zapcade/shared/status'
import { refundsApi } from '../../api/refunds.ts'
import type { Signer } from '../../signers/signer.ts'
import { defineCommand } from '../command.ts'
import type { CliContext } from '../context.ts'

const sats = (msat: number): string => `${(msat / 1000).toLocaleString('en-US')} sats`

function api(ctx: CliContext, signer: Signer | undefined) {
  return refundsApi({
    baseUrl: ctx.apiUrl,
    signer,
    fetch: (input, init) => globalThis.fetch(input, init),
    now: () => Date.now(),
  })
}

function describe(ctx: CliContext, r: RefundView): void {
  ctx.say(`Refund ${r.refund_id}: ${r.status} (${sats(r.amount_msat)})`)
  if (r.status === 'REQUESTED') ctx.say('Outside the game refund policy: the developer decides.')
  if (r.withdraw_url) {
    ctx.say(`Claim it with any Lightning wallet (LNURL-withdraw, single use):\n  ${r.lnurl}`)
    ctx.say(`  ${r.withdraw_url}`)
    if (r.withdraw_expires_at)
      ctx.say(`  expires ${new Date(r.withdraw_expires_at * 1000).toISOString()}`)
  }
  if (r.last_error) ctx.say(`Last error: ${r.last_error}`)
}

export const refundRequest = defineCommand({
  path: ['refund', 'request'],
  summary: 'Ask for a purchase to be refunded over Lightning.',
  usage:
    'zapcade refund request <purchase-id> [--to <bolt11|address>] [--receipt <code>] [--reason <text>]',
  help: `Signed with your key (NIP-98), or as a guest with --receipt. Inside the game's refund policy the
refund is approved at once; otherwise the developer decides. The money goes to --to: a BOLT11 invoice for
exactly the purchase amount (an invoice without an amount is refused) or a Lightning address; without
--to, to your profile's lud16, else a single-use LNURL-withdraw link any wallet claims.
Asking again shows the same refund (with a fresh link once the previous one expired).

Example:
  zapcade refund request 3f2c… --to you@your-wallet.com --reason "does not start"`,
  options: {
    to: { type: 'string' },
    receipt: { type: 'string' },
    reason: { type: 'string' },
  },
  schema: z.object({
    to: z.string().min(3).optional(),
    receipt: z.string().min(3).optional(),
    reason: z.string().max(500).optional(),
    positionals: z.array(z.string()).length(1, 'give exactly one purchase id'),
  }),
  async run(a, ctx) {
    const signer = a.receipt ? undefined : await ctx.signer()
    const r = await api(ctx, signer).request(
      a.positionals[0]!,
      { ...(a.to ? { destination: a.to } : {}), ...(a.reason ? { reason: a.reason } : {}) },
      a.receipt ? { receiptCode: a.receipt } : {},
    )
    describe(ctx, r)
    ctx.emit(r)
  },
})

export const refundPolicy = defineCommand({
  path: ['refund', 'policy'],
  summary: "Set a game's refund policy (developers).",
  usage: 'zapcade refund policy <slug> --days <n> [--hours-since-download <h>]',
  help: `Refunds asked within --days of the payment (and, with --hours-since-download, within that many hours
of the first download) are approved automatically; others wait for you. --days 0: never automatic.`,
  options: { days: { type: 'string' }, 'hours-since-download': { type: 'string' } },
  schema: z.object({
    days: z.coerce.number().int().min(0).max(365),
    'hours-since-download': z.coerce.number().int().min(0).max(8760).optional(),
    positionals: z.array(z.string()).length(1, 'give exactly one game slug'),
  }),
  async run(a, ctx) {
    const hours = a['hours-since-download']
    const p = await api(ctx, await ctx.signer()).setPolicy(a.positionals[0]!, {
      window_days: a.days,
      max_hours_since_download: hours ?? null,
    })
    ctx.say(
      `Refund policy of ${p.game.slug}: ${p.window_days} days${p.max_hours_since_download === null ? '' : `, ${p.max_hours_since_download} h after the first download`}`,
    )
    ctx.emit(p)
  },
})

export const refundList = defineCommand({
  path: ['refund', 'list'],
  summary: 'Refunds of your games, and your balance (developers).',
  usage: 'zapcade refund list [--status REQUESTED|APPROVED|…]',
  help: `Newest first. Your balance goes negative when a refund is sent after you were paid out; it is
recovered from your next payouts.`,
  options: { status: { type: 'string' } },
  schema: z.object({
    status: z.enum(REFUND_STATUSES).optional(),
    positionals: z.array(z.string()).length(0),
  }),
  async run(a, ctx) {
    const l = await api(ctx, await ctx.signer()).list(a.status)
    for (const r of l.items)
      ctx.say(
        `${r.refund_id}  ${r.status.padEnd(14)} ${sats(r.amount_msat).padStart(12)}  ${r.game?.slug ?? '-'}  ${r.reason ?? ''}`,
      )
    ctx.say(
      `Balance ${sats(l.balance_msat)}; refunded ${sats(l.refunded_msat)}; owed back ${sats(l.owed_back_msat)}`,
    )
    ctx.emit(l)
  },
})

const decide = (action: 'approve' | 'decline') =>
  defineCommand({
    path: ['refund', action],
    summary: `${action === 'approve' ? 'Approve' : 'Decline'} a waiting refund (developers, admins).`,
    usage: `zapcade refund ${action} <refund-id> [--note <text>]`,
    help:
      action === 'approve'
        ? 'The buyer is paid back and their entitlement ends.'
        : 'The buyer keeps the game; an admin may still refund it.',
    options: { note: { type: 'string' } },
    schema: z.object({
      note: z.string().max(500).optional(),
      positionals: z.array(z.string()).length(1, 'give exactly one refund id'),
    }),
    async run(a, ctx) {
      const r = await api(ctx, await ctx.signer()).decide(a.positionals[0]!, action, a.note)
      describe(ctx, r)
      ctx.emit(r)
    },
  })

export const refundApprove = decide('approve')
export const refundDecline = decide('decline')

export const refundCommands = [
  refundRequest,
  refundPolicy,
  refundList,
  refundApprove,
  refundDecline,
]
