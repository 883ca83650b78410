/** `zapcade events`: the developer's events the market refused or holds, and why. */
import { z } from 'zod'
import { defineCommand } from '../command.ts'

const when = (sec: number) => new Date(sec * 1000).toISOString().replace('.000Z', 'Z')

export const events = defineCommand({
  path: ['events'],
  summary: 'List your events the market refused or is holding, with the reason.',
  usage: 'zapcade events [--pending | --refused]',
  help: `Each line: the event's date, kind, state and id, then the reason. REFUSED events break a rule: fix it and
publish a new event. PENDING ones wait for something (a release for its game or its asset, named by id) and
are applied when it arrives. The market keeps the newest 200 per developer.

Options:
  --pending   only events that wait
  --refused   only refused events

Example:
  zapcade events --refused`,
  options: { pending: { type: 'boolean' }, refused: { type: 'boolean' } },
  schema: z
    .object({
      pending: z.boolean().optional(),
      refused: z.boolean().optional(),
      positionals: z.array(z.string()).max(0, 'takes no arguments'),
    })
    .refine((a) => !(a.pending && a.refused), 'give --pending or --refused, not both'),
  async run(a, ctx) {
    const page = await ctx.client(await ctx.signer()).developer.events()
    const items = page.items.filter((e) =>
      a.pending ? e.state === 'PENDING' : a.refused ? e.state === 'REFUSED' : true,
    )
    if (items.length === 0)
      ctx.say(
        a.pending || a.refused
          ? 'None.'
          : 'Nothing refused or waiting: every event the market saw from you is in its catalog.',
      )
    for (const e of items)
      ctx.say(
        `${when(e.created_at)}  kind ${e.kind}  ${e.state.padEnd(8)}  ${e.event_id}\n    ${e.reason}`,
      )
    ctx.emit({ items })
  },
})
