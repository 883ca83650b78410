/**
 * Our side of a NIP-77 reconciliation: the (created_at, id) of every event we hold that a sync filter
 * matches, plus the events the rules refused (never stored, so without this they would be fetched
 * again at every sync round). A relay's copy with a bad signature is not remembered here: the same id
 * may be genuine on another relay.
 */
import { matchFilter, type Filter } from 'nostr-tools/filter'
import type { NostrEvent } from '@zapcade/shared/events/event'
import type { Db } from './open.ts'

type Matchable = Pick<NostrEvent, 'id' | 'pubkey' | 'kind' | 'created_at' | 'tags'>

/** Events refused by the rules, newest remembered, oldest dropped past `max`. */
export class RefusedEvents {
  private readonly m = new Map<string, Matchable>()
  constructor(private readonly max = 50_000) {}
  add(ev: NostrEvent): void {
    if (this.m.has(ev.id)) return
    this.m.set(ev.id, {
      id: ev.id,
      pubkey: ev.pubkey,
      kind: ev.kind,
      created_at: ev.created_at,
      tags: ev.tags,
    })
    if (this.m.size > this.max) this.m.delete(this.m.keys().next().value as string)
  }
  values(): Iterable<Matchable> {
    return this.m.values()
  }
  get size(): number {
    return this.m.size
  }
}

/** The (created_at, id) of stored and refused events matching `filter` (its `limit`, `since`, `until` ignored). */
export function localSyncItems(
  db: Db,
  filter: Filter,
  refused?: RefusedEvents,
): { created_at: number; id: string }[] {
  const match: Filter = { ...filter }
  delete match.limit
  delete match.since
  delete match.until
  const kinds = filter.kinds ?? []
  const needsTags = Object.keys(filter).some((k) => k.startsWith('#'))
  const where = filter.kinds ? `WHERE kind IN (${kinds.map(() => '?').join(',') || 'NULL'})` : ''
  const rows = db
    .prepare(
      `SELECT id, pubkey, kind, created_at${needsTags ? ', tags_json' : ''} FROM raw_events ${where}`,
    )
    .iterate(...kinds) as IterableIterator<{
    id: string
    pubkey: string
    kind: number
    created_at: number
    tags_json?: string
  }>
  const out: { created_at: number; id: string }[] = []
  const ids = new Set<string>()
  for (const r of rows) {
    const ev = {
      id: r.id,
      pubkey: r.pubkey,
      kind: r.kind,
      created_at: r.created_at,
      tags: r.tags_json ? (JSON.parse(r.tags_json) as string[][]) : [],
    }
    if (!matchFilter(match, ev as NostrEvent)) continue
    out.push({ created_at: r.created_at, id: r.id })
    ids.add(r.id)
  }
  for (const ev of refused?.values() ?? []) {
    if (!ids.has(ev.id) && matchFilter(match, ev as NostrEvent))
      out.push({ created_at: ev.created_at, id: ev.id })
  }
  return out
}
