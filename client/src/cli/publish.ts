/** Send a signed event through `POST /api/v1/events` and print what each relay answered. */
import type { NostrEvent } from '@zapcade/shared/events/event'
import type { ZapcadeClient } from '../api/client.ts'
import type { CliContext } from './context.ts'

export async function publishSigned(ctx: CliContext, client: ZapcadeClient, ev: NostrEvent, label: string) {
  const r = await client.events.publish(ev)
  ctx.say(`Published ${label}: event ${ev.id}`)
  if (r.relays.length === 0) ctx.say('  kept by the market (not sent to relays)')
  for (const x of r.relays) ctx.say(`  ${x.url}: ${x.ok ? 'accepted' : 'refused'}${x.message ? ` (${x.message})` : ''}`)
  return r
}
