/**
 * `zapcade gift <game> <npub>`: buy a game for someone else (docs/keys-gifts-sales.md). The recipient
 * is entitled once the invoice is paid, and the market tells them by a NIP-17 direct message unless
 * --no-dm. Paid with --nwc (or $ZAPCADE_NWC) like `zapcade buy`, or print the invoice.
 */
import { z } from 'zod'
import { parseGameRef, parsePubkey } from '@zapcade/shared/ids'
import { formatSats, msat } from '@zapcade/shared/money'
import { nwcPayInvoice } from '../../api/nwc.ts'
import { defineCommand } from '../command.ts'
import { installWebSocket } from '../context.ts'
import { UsageError } from '../exit.ts'

export const gift = defineCommand({
  path: ['gift'],
  summary:
    'Buy a game as a gift for an npub: they are entitled when paid, and told by a NIP-17 message.',
  usage:
    'zapcade gift <game> <npub> [--message <text>] [--code <discount>] [--no-dm] [--nwc <uri>]',
  help: `<game> is <pubkey or npub>/<slug> or an naddr1… share link; <npub> (or hex) receives it.

Options:
  --message <text>   a note in the direct message (500 characters at most)
  --code <discount>  a discount code of the game
  --no-dm            do not send the recipient a direct message
  --nwc <uri>        pay from this wallet (default $ZAPCADE_NWC); without one the invoice is printed`,
  options: {
    message: { type: 'string' },
    code: { type: 'string' },
    'no-dm': { type: 'boolean' },
    nwc: { type: 'string' },
  },
  schema: z.object({
    message: z.string().max(500).optional(),
    code: z.string().min(1).optional(),
    'no-dm': z.boolean().optional(),
    nwc: z.string().optional(),
    positionals: z.array(z.string()).length(2, 'give a game and a recipient npub'),
  }),
  async run(a, ctx) {
    const ref = parseGameRef(a.positionals[0]!)
    if (!ref) throw new UsageError(`not a game reference: ${a.positionals[0]!}`)
    const to = parsePubkey(a.positionals[1]!)
    if (!to) throw new UsageError(`not an npub or hex pubkey: ${a.positionals[1]!}`)
    const signer = await ctx.optionalSigner()
    const client = ctx.client(signer)
    const p = await client.purchases.create(
      {
        game: `${ref.pubkey}/${ref.slug}`,
        gift_to: to,
        ...(a['no-dm'] ? { gift_dm: false } : {}),
        ...(a.message ? { gift_message: a.message } : {}),
        ...(a.code ? { discount_code: a.code } : {}),
      },
      { guest: signer === undefined },
    )
    ctx.say(`Gift for ${a.positionals[1]!}: pay ${formatSats(msat(p.amount_msat))}`)
    ctx.say(p.bolt11)
    const nwc = a.nwc ?? ctx.env.ZAPCADE_NWC
    if (nwc) {
      installWebSocket()
      await nwcPayInvoice(nwc, p.bolt11)
      ctx.say('Paid: the recipient is entitled once the market sees the payment.')
    }
    ctx.emit(p)
  },
})
