/**
 * `zapcade games` (the developer's own games, drafts included) and the admin's `admin status`,
 * `admin ledger-check` and `admin alerts` (payment alerts: list, or resolve one with a note).
 */
import { z } from 'zod'
import { formatSats, msat } from '@zapcade/shared/money'
import { parseGameRef } from '@zapcade/shared/ids'
import { defineCommand } from '../command.ts'
import { RefusedError, UsageError } from '../exit.ts'

export const myGames = defineCommand({
  path: ['games'],
  summary: "List your own games, drafts included, with the market's status of each.",
  usage: 'zapcade games',
  help: 'Statuses: DRAFT (kept by the market only), UNLISTED, LISTED, FEATURED, BANNED.',
  options: {},
  schema: z.object({ positionals: z.array(z.string()).max(0, 'takes no arguments') }),
  async run(_a, ctx) {
    const r = await ctx.client(await ctx.signer()).developer.games()
    if (r.items.length === 0)
      ctx.say('No games yet: `zapcade game init`, then `zapcade game publish`.')
    for (const g of r.items)
      ctx.say(
        `${g.title}  ·  ${g.status}  ·  ${g.price_msat === 0 ? 'free' : formatSats(msat(g.price_msat))}\n  ${g.pubkey}/${g.slug}`,
      )
    ctx.emit(r)
  },
})

export const adminStatus = defineCommand({
  path: ['admin', 'status'],
  summary:
    'Admin: feature, list again, or ban a game (the market publishes its featured list or ban label).',
  usage: 'zapcade admin status <game> FEATURED|LISTED|BANNED [--reason <text>] [--rank <n>]',
  help: `Needs a key listed in the market's ZAPCADE_ADMIN_PUBKEYS. Banning never removes entitlements already granted.

Options:
  --reason <text>   shown in the ban label (BANNED)
  --rank <n>        position in the featured list (FEATURED; default last)`,
  options: { reason: { type: 'string' }, rank: { type: 'string' } },
  schema: z.object({
    reason: z.string().min(1).max(1000).optional(),
    rank: z
      .string()
      .regex(/^[0-9]{1,7}$/, 'expected a whole number')
      .transform(Number)
      .optional(),
    positionals: z.tuple([z.string(), z.enum(['FEATURED', 'LISTED', 'BANNED'])], {
      error: 'give a game and one of FEATURED, LISTED, BANNED',
    }),
  }),
  async run(a, ctx) {
    const [ref, status] = a.positionals
    const game = parseGameRef(ref)
    if (!game) throw new UsageError(`not a game reference: ${ref}`)
    const body: { status: typeof status; reason?: string; rank?: number } = { status }
    if (a.reason) body.reason = a.reason
    if (a.rank !== undefined) body.rank = a.rank
    const r = await ctx.client(await ctx.signer()).admin.setGameStatus(game, body)
    ctx.say(
      `${r.pubkey}/${r.slug} is now ${r.status}${r.featured_rank !== null ? ` (featured #${r.featured_rank})` : ''}`,
    )
    ctx.emit(r)
  },
})

export const adminLedgerCheck = defineCommand({
  path: ['admin', 'ledger-check'],
  summary: 'Admin: check the ledger invariants (fee + net = paid, payouts ≤ net, append-only).',
  usage: 'zapcade admin ledger-check',
  help: 'Exits 2 when any invariant is violated, listing each violation.',
  options: {},
  schema: z.object({ positionals: z.array(z.string()).max(0, 'takes no arguments') }),
  async run(_a, ctx) {
    const r = await ctx.client(await ctx.signer()).admin.ledgerCheck()
    ctx.say(
      `Checked ${r.checked.purchases} purchases, ${r.checked.entries} ledger entries, ${r.checked.developers} developers.`,
    )
    for (const v of r.violations) ctx.say(`  ${v.rule} ${v.subject}: ${v.detail}`)
    ctx.emit(r)
    if (!r.ok)
      throw new RefusedError(
        'LEDGER_VIOLATIONS',
        `${r.violations.length} ledger invariant violation(s)`,
      )
    ctx.say('Ledger OK.')
  },
})

export const adminAlerts = defineCommand({
  path: ['admin', 'alerts'],
  summary:
    'Admin: payments the wallet proved that could not be booked; --resolve one with a --note.',
  usage:
    'zapcade admin alerts [--all] | zapcade admin alerts --resolve <purchase id> --note <text>',
  help: `Lists the open payment alerts (short of the invoice, or for a failed purchase); --all includes resolved ones.
Resolving records what was done (refunded, booked by hand…); a purchase still PENDING becomes FAILED.

Options:
  --all                  include resolved alerts
  --resolve <purchase>   resolve the alert of this purchase (needs --note)
  --note <text>          what was done about it`,
  options: { all: { type: 'boolean' }, resolve: { type: 'string' }, note: { type: 'string' } },
  schema: z
    .object({
      all: z.boolean().optional(),
      resolve: z.string().min(1).max(100).optional(),
      note: z.string().min(1).max(500).optional(),
      positionals: z.array(z.string()).max(0, 'takes no arguments'),
    })
    .refine((a) => (a.resolve === undefined) === (a.note === undefined), {
      message: '--resolve and --note go together',
    }),
  async run(a, ctx) {
    const admin = ctx.client(await ctx.signer()).admin
    if (a.resolve !== undefined && a.note !== undefined) {
      const r = await admin.resolvePaymentAlert(a.resolve, a.note)
      ctx.say(`Resolved: purchase ${r.purchase_id} is ${r.purchase_status}.`)
      ctx.emit(r)
      return
    }
    const r = await admin.paymentAlerts(a.all ? 'all' : 'open')
    if (r.items.length === 0) ctx.say(a.all ? 'No payment alerts.' : 'No open payment alerts.')
    for (const p of r.items) {
      ctx.say(
        `${p.purchase_id}  ${p.reason}  (${p.purchase_status}; invoice ${formatSats(msat(p.amount_msat))}; seen ${p.seen_count}x)${p.resolved_note ? `  resolved: ${p.resolved_note}` : ''}`,
      )
    }
    ctx.emit(r)
  },
})
