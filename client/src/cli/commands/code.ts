/** `zapcade code create <slug> <CODE> (--percent <n> | --off-sats <n>) --max-uses <n> [--expires <date>]` (docs/keys-gifts-sales.md). */
import { z } from 'zod'
import { satsToMsat } from '@zapcade/shared/money'
import { defineCommand } from '../command.ts'
import { UsageError } from '../exit.ts'
import { commerce } from './keys.ts'
import { timeArg } from './sale.ts'

export const codeCreate = defineCommand({
  path: ['code', 'create'],
  summary: 'Create a discount code for your game: percent or sats off, max uses, optional expiry.',
  usage:
    'zapcade code create <slug> <CODE> (--percent <1-100> | --off-sats <n>) --max-uses <n> [--expires <date>]',
  help: `Codes are letters, digits, - and _ (3 to 40), case-insensitive. A code applies on top of a running
sale; a paid game never goes below 1 sat. Buyers pass it as \`zapcade gift … --code\` or in checkout.`,
  options: {
    percent: { type: 'string' },
    'off-sats': { type: 'string' },
    'max-uses': { type: 'string' },
    expires: { type: 'string' },
  },
  schema: z.object({
    percent: z.coerce.number().int().min(1).max(100).optional(),
    'off-sats': z.coerce.number().int().positive().optional(),
    'max-uses': z.coerce.number().int().min(1),
    expires: z.string().optional(),
    positionals: z.array(z.string()).length(2, 'give the game slug and the code'),
  }),
  async run(a, ctx) {
    if ((a.percent === undefined) === (a['off-sats'] === undefined))
      throw new UsageError('give exactly one of --percent and --off-sats')
    const c = await commerce(ctx, await ctx.signer()).codes.create(a.positionals[0]!, {
      code: a.positionals[1]!,
      ...(a.percent !== undefined ? { percent_off: a.percent } : {}),
      ...(a['off-sats'] !== undefined ? { amount_off_msat: satsToMsat(a['off-sats']) } : {}),
      max_uses: a['max-uses'],
      ...(a.expires ? { expires_at: timeArg(a.expires, '--expires') } : {}),
    })
    ctx.say(
      `Code ${c.code}: ${c.percent_off !== null ? `${c.percent_off}%` : `${(c.amount_off_msat ?? 0) / 1000} sats`} off, ${c.max_uses} uses.`,
    )
    ctx.emit(c)
  },
})
