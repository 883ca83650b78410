/**
 * NIP-09 where @nostr-relay 0.0.40 falls short: an `a` deletion must remove only the versions up to
 * the request's created_at (the library removes every version at the address), and a deleted event
 * or an older version at a deleted address must not come back when republished (tombstones).
 */
import type { EventRepositorySqlite } from '@nostr-relay/event-repository-sqlite'
import { parseCoordinate } from '@zapcade/shared/ids'

interface Ev {
  id: string
  pubkey: string
  kind: number
  created_at: number
  tags: string[][]
}

type Repo = Pick<EventRepositorySqlite, 'find' | 'upsert'>

const addressable = (kind: number) =>
  kind === 0 || kind === 3 || (kind >= 10000 && kind < 20000) || (kind >= 30000 && kind < 40000)
const dOf = (ev: Ev) => ev.tags.find((t) => t[0] === 'd')?.[1] ?? ''

/** The versions newer than a deletion at the addresses it names (same author only); re-stored after it. */
export async function versionsToKeep(repo: Repo, del: Ev): Promise<Ev[]> {
  const keep: Ev[] = []
  for (const t of del.tags) {
    if (t[0] !== 'a' || !t[1]) continue
    const c = parseCoordinate(t[1])
    if (!c || c.pubkey !== del.pubkey) continue
    const newer = (await repo.find({
      kinds: [c.kind],
      authors: [c.pubkey],
      '#d': [c.d],
      since: del.created_at + 1,
    } as never)) as Ev[]
    keep.push(...newer.filter((e) => e.created_at > del.created_at && dOf(e) === c.d))
  }
  return keep
}

/** Put back versions the library's deletion removed although they were newer than the request. */
export async function restore(repo: Repo, events: Ev[]): Promise<void> {
  for (const ev of events) await repo.upsert(ev as never)
}

/** A reason to refuse `ev` because a stored deletion of the same author covers it, or undefined. */
export async function deletedReason(repo: Repo, ev: Ev): Promise<string | undefined> {
  if (ev.kind === 5) return undefined // a deletion of a deletion has no effect
  // Ephemeral events (NIP-01: 20000–29999) are never stored, so there is nothing to keep deleted; this
  // skips a store query for every NWC request, response and notification.
  if (ev.kind >= 20000 && ev.kind < 30000) return undefined
  const byId = (await repo.find({
    kinds: [5],
    authors: [ev.pubkey],
    '#e': [ev.id],
  } as never)) as Ev[]
  if (byId.length > 0) return `blocked: deleted by ${byId[0]!.id}`
  if (!addressable(ev.kind)) return undefined
  const coord = `${ev.kind}:${ev.pubkey}:${dOf(ev)}`
  const byAddr = (await repo.find({
    kinds: [5],
    authors: [ev.pubkey],
    '#a': [coord],
  } as never)) as Ev[]
  const covering = byAddr.find((d) => d.created_at >= ev.created_at)
  return covering ? `blocked: deleted by ${covering.id}` : undefined
}
