/** `zapcade games` (the developer's own games, drafts included) and the admin's `admin status` and `admin ledger-check`. */
import { z } from 'zod'
import { formatSats, msat } from '@zapcade/shared/money'
import { parseGameRef } from '@zapcade/shared/ids'
import { defineCommand } from '../command.ts'
import { RefusedError, UsageError } from '../exit.ts'

export const myGames = defineCommand({
  path: ['games'],
  summary: 'List your own games, drafts included, with the market\'s status of each.',
  usage: 'zapcade games',
  help: 'Statuses: DRAFT (kept by the market only), UNLISTED, LISTED, FEATURED, BANNED.',
  options: {},
  schema: z.object({ positionals: z.array(z.string()).max(0, 'takes no arguments') }),
  async run(_a, ctx) {
    const r = await ctx.client(await ctx.signer()).developer.games()
    if (r.items.length === 0) ctx.say('No games yet: `zapcade game init`, then `zapcade game publish`.')
    for (const g of r.items) ctx.say(`${g.title}  ·  ${g.status}  ·  ${g.price_msat === 0 ? 'free' : formatSats(msat(g.price_msat))}\n  ${g.pubkey}/${g.slug}`)
    ctx.emit(r)
  },
})

export const adminStatus = defineCommand({
  path: ['admin', 'status'],
  summary: 'Admin: feature, list again, or ban a game (the market publishes its featured list or ban label).',
  usage: 'zapcade admin status <game> FEATURED|LISTED|BANNED [--reason <text>] [--rank <n>]',
  help: `Needs a key listed in the market's ZAPCADE_ADMIN_PUBKEYS. Banning never removes entitlements already granted.

Options:
  --reason <text>   shown in the ban label (BANNED)
  --rank <n>        position in the featured list (FEATURED; default last)`,
  options: { reason: { type: 'string' }, rank: { type: 'string' } },
  schema: z.object({
    reason: z.string().min(1).max(1000).optional(),
    rank: z.string().regex(/^[0-9]{1,7}$/, 'expected a whole number').transform(Number).optional(),
    positionals: z.tuple([z.string(), z.enum(['FEATURED', 'LISTED', 'BANNED'])], { error: 'give a game and one of FEATURED, LISTED, BANNED' }),
  }),
  async run(a, ctx) {
    const [ref, status] = a.positionals
    const game = parseGameRef(ref)
    if (!game) throw new UsageError(`not a game reference: ${ref}`)
    const body: { status: typeof status; reason?: string; rank?: number } = { status }
    if (a.reason) body.reason = a.reason
    if (a.rank !== undefined) body.rank = a.rank
    const r = await ctx.client(await ctx.signer()).admin.setGameStatus(game, body)
    ctx.say(`${r.pubkey}/${r.slug} is now ${r.status}${r.featured_rank !== null ? ` (featured #${r.featured_rank})` : ''}`)
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
    ctx.say(`Checked ${r.checked.purchases} purchases, ${r.checked.entries} ledger entries, ${r.checked.developers} developers.`)
    for (const v of r.violations) ctx.say(`  ${v.rule} ${v.subject}: ${v.detail}`)
    ctx.emit(r)
    if (!r.ok) throw new RefusedError('LEDGER_VIOLATIONS', `${r.violations.length} ledger invariant violation(s)`)
    ctx.say('Ledger OK.')
  },
})
