/** Send a signed event through `POST /api/v1/events` and print what each relay answered. */
import type { NostrEvent } from '@zapcade/shared/events/event'
import type { ZapcadeClient } from '../api/client.ts'
import type { CliContext } from './context.ts'

export async function publishSigned(
  ctx: CliContext,
  client: ZapcadeClient,
  ev: NostrEvent,
  label: string,
) {
  const r = await client.events.publish(ev)
  ctx.say(`Published ${label}: event ${ev.id}`)
  if (r.status === 'DRAFT_STORED') ctx.say('  draft: kept by the market, not sent to relays')
  else if (r.status === 'QUEUED') ctx.say('  no relay accepted it yet; the market keeps retrying')
  for (const x of r.relays)
    ctx.say(`  ${x.relay}: ${x.ok ? 'accepted' : 'refused'}${x.reason ? ` (${x.reason})` : ''}`)
  return r
}
