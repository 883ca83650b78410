/** Developer money commands: `payout set <lightning-address>`, `sales`, `payouts`. */
import { z } from 'zod'
import { LN_ADDRESS_RE } from '@zapcade/shared/events/profile'
import { formatSats, msat } from '@zapcade/shared/money'
import { intFlag } from '../args.ts'
import { defineCommand } from '../command.ts'

const sats = (m: number) => formatSats(msat(m))
const when = (sec: number | null) => (sec === null ? '-' : new Date(sec * 1000).toISOString().replace('.000Z', 'Z'))

export const payoutSet = defineCommand({
  path: ['payout', 'set'],
  summary: 'Set the Lightning address your sales are paid out to.',
  usage: 'zapcade payout set <lightning-address>',
  help: `The market pays each sale's net amount (price minus its fee) to this LUD-16 address.

Example:
  zapcade payout set alice@getalby.com`,
  options: {},
  schema: z.object({ positionals: z.tuple([z.string().regex(LN_ADDRESS_RE, 'must be a Lightning address like name@domain')], { error: 'give exactly one Lightning address' }) }),
  async run(a, ctx) {
    const r = await ctx.client(await ctx.signer()).developer.setProfile({ payout_ln_address: a.positionals[0] })
    ctx.say(`Payouts go to ${r.payout_ln_address ?? a.positionals[0]}${r.verified ? '' : ' (its LNURL endpoint did not answer yet; check the address)'}.`)
    ctx.emit(r)
  },
})

export const sales = defineCommand({
  path: ['sales'],
  summary: 'List your sales with the market fee and your net, and the balance owed to you.',
  usage: 'zapcade sales [--limit <n>]',
  help: `Options:
  --limit <n>   at most n sales (default the service's page size)`,
  options: { limit: { type: 'string' } },
  schema: z.object({ limit: intFlag.optional(), positionals: z.array(z.string()).max(0, 'takes no arguments') }),
  async run(a, ctx) {
    const client = ctx.client(await ctx.signer())
    const [page, ledger] = await Promise.all([client.developer.sales(a.limit ? { limit: a.limit } : {}), client.developer.ledger({ limit: 1 })])
    if (page.items.length === 0) ctx.say('No sales yet.')
    for (const s of page.items) {
      ctx.say(`${when(s.paid_at)}  ${s.game?.title ?? '(deleted game)'}  ${sats(s.amount_msat)}  fee ${sats(s.platform_fee_msat)}  net ${sats(s.developer_net_msat)}${s.is_tip ? '  tip' : ''}${s.kind === 'ZAP' ? '  zap' : ''}`)
    }
    ctx.say(`Balance owed to you: ${sats(Math.max(0, ledger.balance_owed_msat))} (earned ${sats(ledger.total_net_msat)}, paid out ${sats(ledger.total_paid_out_msat)})`)
    ctx.emit({ ...page, balance_owed_msat: ledger.balance_owed_msat, total_net_msat: ledger.total_net_msat, total_paid_out_msat: ledger.total_paid_out_msat })
  },
})

export const payouts = defineCommand({
  path: ['payouts'],
  summary: 'List the payouts to your Lightning address and their status.',
  usage: 'zapcade payouts [--limit <n>]',
  help: `Statuses: SCHEDULED, SENT, RETRYING, FAILED, CANCELED.

Options:
  --limit <n>   at most n payouts`,
  options: { limit: { type: 'string' } },
  schema: z.object({ limit: intFlag.optional(), positionals: z.array(z.string()).max(0, 'takes no arguments') }),
  async run(a, ctx) {
    const page = await ctx.client(await ctx.signer()).developer.payouts(a.limit ? { limit: a.limit } : {})
    if (page.items.length === 0) ctx.say('No payouts yet.')
    for (const p of page.items) ctx.say(`${when(p.created_at)}  ${sats(p.amount_msat)}  ${p.status}  ${p.destination ?? ''}${p.last_error ? `  (${p.last_error})` : ''}`.trimEnd())
    ctx.emit(page)
  },
})
