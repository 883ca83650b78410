/** Developer money commands: `payout set <lightning-address>`, `developer address`, `sales`, `payouts`. */
import { z } from 'zod'
import { LN_ADDRESS_RE } from '@zapcade/shared/events/profile'
import { formatSats, msat } from '@zapcade/shared/money'
import { intFlag } from '../args.ts'
import { defineCommand } from '../command.ts'

const sats = (m: number) => formatSats(msat(m))
const when = (sec: number | null) =>
  sec === null ? '-' : new Date(sec * 1000).toISOString().replace('.000Z', 'Z')

export const payoutSet = defineCommand({
  path: ['payout', 'set'],
  summary: 'Set the Lightning address your sales are paid out to.',
  usage: 'zapcade payout set <lightning-address>',
  help: `The market pays each sale's net amount (price minus its fee) to this LUD-16 address.

Example:
  zapcade payout set alice@getalby.com`,
  options: {},
  schema: z.object({
    positionals: z.tuple(
      [z.string().regex(LN_ADDRESS_RE, 'must be a Lightning address like name@domain')],
      { error: 'give exactly one Lightning address' },
    ),
  }),
  async run(a, ctx) {
    const r = await ctx
      .client(await ctx.signer())
      .developer.setProfile({ payout_ln_address: a.positionals[0] })
    ctx.say(
      `Payouts go to ${r.payout_ln_address ?? a.positionals[0]}${r.verified ? '' : ' (its LNURL endpoint did not answer yet; check the address)'}.`,
    )
    ctx.emit(r)
  },
})

export const developerAddress = defineCommand({
  path: ['developer', 'address'],
  summary: 'Show your market-hosted Lightning address for zaps; claim a short name for it.',
  usage: 'zapcade developer address [--name <name> | --release]',
  help: `Every developer has a Lightning address at the market, <npub>@<market host>, with nothing to register,
and may claim one short name (name@<market host>: first come, changeable, also your NIP-05 there).

Put it in your Nostr profile's lud16 (kind 0) and every zap from every client (Damus, Amethyst, Primal,
noStrudel, any NDK app) pays through the market, even from clients that ignore your listings' zap tags:
  - a zap naming one of your games (its listing or a release) buys it, or counts toward it: zaps from one
    key add up, and the one that reaches the price entitles the zapper;
  - any other zap is a tip for you (the market's tip fee applies, 0 by default).
The market holds the money until it pays you out to your payout address (zapcade payout set ...), minus its
fee on sales; zap receipts are signed by the market's key, which the address announces as nostrPubkey.

Options:
  --name <name>   claim or change your short name (a-z 0-9 . _ -)
  --release       give your short name up`,
  options: { name: { type: 'string' }, release: { type: 'boolean' } },
  schema: z
    .object({
      name: z.string().optional(),
      release: z.boolean().optional(),
      positionals: z.array(z.string()).max(0, 'takes no arguments'),
    })
    .refine((a) => !(a.name !== undefined && a.release), '--name and --release exclude each other'),
  async run(a, ctx) {
    const dev = ctx.client(await ctx.signer()).developer
    const r =
      a.name !== undefined
        ? await dev.setLightningName(a.name)
        : a.release
          ? await dev.setLightningName(null)
          : await dev.lightningAddress()
    ctx.say(`Your Lightning address: ${r.name_address ?? r.npub_address}`)
    if (r.name_address) ctx.say(`Also: ${r.npub_address}`)
    ctx.say(`Put it in your profile's lud16 to sell and receive tips by zap from any Nostr client.`)
    ctx.say(
      r.payout_ln_address
        ? `Payouts go to ${r.payout_ln_address}.`
        : 'Set where the market pays you: zapcade payout set <your-wallet@domain>',
    )
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
  schema: z.object({
    limit: intFlag.optional(),
    positionals: z.array(z.string()).max(0, 'takes no arguments'),
  }),
  async run(a, ctx) {
    const client = ctx.client(await ctx.signer())
    const [page, ledger] = await Promise.all([
      client.developer.sales(a.limit ? { limit: a.limit } : {}),
      client.developer.ledger({ limit: 1 }),
    ])
    if (page.items.length === 0) ctx.say('No sales yet.')
    for (const s of page.items) {
      ctx.say(
        `${when(s.paid_at)}  ${s.game?.title ?? '(deleted game)'}  ${sats(s.amount_msat)}  fee ${sats(s.platform_fee_msat)}  net ${sats(s.developer_net_msat)}${s.is_tip ? '  tip' : ''}${s.kind === 'ZAP' ? '  zap' : ''}`,
      )
    }
    ctx.say(
      `Balance owed to you: ${sats(Math.max(0, ledger.balance_owed_msat))} (earned ${sats(ledger.total_net_msat)}, paid out ${sats(ledger.total_paid_out_msat)})`,
    )
    ctx.emit({
      ...page,
      balance_owed_msat: ledger.balance_owed_msat,
      total_net_msat: ledger.total_net_msat,
      total_paid_out_msat: ledger.total_paid_out_msat,
    })
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
  schema: z.object({
    limit: intFlag.optional(),
    positionals: z.array(z.string()).max(0, 'takes no arguments'),
  }),
  async run(a, ctx) {
    const page = await ctx
      .client(await ctx.signer())
      .developer.payouts(a.limit ? { limit: a.limit } : {})
    if (page.items.length === 0) ctx.say('No payouts yet.')
    for (const p of page.items)
      ctx.say(
        `${when(p.created_at)}  ${sats(p.amount_msat)}  ${p.status}  ${p.destination ?? ''}${p.last_error ? `  (${p.last_error})` : ''}`.trimEnd(),
      )
    ctx.emit(page)
  },
})
