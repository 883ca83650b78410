/** `zapcade sale create <slug> --percent <n> --from <date> --until <date>`: schedule a sale (docs/keys-gifts-sales.md). */
import { z } from 'zod'
import { defineCommand } from '../command.ts'
import { UsageError } from '../exit.ts'
import { commerce } from './keys.ts'

/** Unix seconds from `now`, an ISO date/time, or unix seconds. */
export function timeArg(s: string, name: string): number {
  if (s === 'now') return Math.floor(Date.now() / 1000)
  if (/^\d+$/.test(s)) return Number(s)
  const t = Date.parse(s)
  if (Number.isNaN(t)) throw new UsageError(`${name}: not a date (ISO 8601, unix seconds or "now")`)
  return Math.floor(t / 1000)
}

export const saleCreate = defineCommand({
  path: ['sale', 'create'],
  summary: 'Schedule a sale of your game: percent off between two dates.',
  usage: 'zapcade sale create <slug> --percent <1-100> [--from <date>] --until <date>',
  help: `Dates are ISO 8601 (2026-12-24T00:00Z), unix seconds or "now" (the default for --from).
The deepest running sale applies; checkout and the game page show the list price and the sale price.
A paid game never goes below 1 sat.`,
  options: { percent: { type: 'string' }, from: { type: 'string' }, until: { type: 'string' } },
  schema: z.object({
    percent: z.coerce.number().int().min(1).max(100),
    from: z.string().optional(),
    until: z.string(),
    positionals: z.array(z.string()).length(1, 'give the game slug'),
  }),
  async run(a, ctx) {
    const s = await commerce(ctx, await ctx.signer()).sales.create(a.positionals[0]!, {
      percent_off: a.percent,
      starts_at: timeArg(a.from ?? 'now', '--from'),
      ends_at: timeArg(a.until, '--until'),
    })
    const day = (t: number) => new Date(t * 1000).toISOString()
    ctx.say(`Sale ${s.id}: ${s.percent_off}% off from ${day(s.starts_at)} until ${day(s.ends_at)}.`)
    ctx.emit(s)
  },
})
