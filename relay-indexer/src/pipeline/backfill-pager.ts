/**
 * Backfill paging by time window. Relays cap what one REQ returns (strfry maxFilterLimit 500,
 * @nostr-relay 100 by default, newest first; NIP-01 `limit`), so after the first page each filter is
 * asked again with `until` = the oldest `created_at` it has brought so far, until a page brings nothing
 * strictly older (reliability catalogue RLY-7: "REQ paging by time window; nothing lost").
 * Filters are paged one at a time, each on its own window, so a dense filter never hides a sparse one.
 * Limit: more than `limit` events in one single second cannot all be fetched this way.
 */
import { matchFilter, type Filter } from 'nostr-tools/filter'

/** Page size asked of relays (strfry's maxFilterLimit). */
export const PAGE_LIMIT = 500

interface FilterState {
  filter: Filter
  /** Oldest created_at this filter brought so far. */
  oldest: number
}

export class BackfillPager {
  private readonly state: FilterState[]
  private index = -1
  private pageUntil = 0
  private pageOldest = Infinity

  constructor(filters: Filter[]) {
    this.state = filters.map((filter) => ({ filter, oldest: Infinity }))
  }

  /** The filters of the first REQ (each with the page limit); the same subscription then streams live. */
  firstPage(): Filter[] {
    return this.state.map((s) => ({ ...s.filter, limit: PAGE_LIMIT }))
  }

  /** An event of the first page (untrusted: malformed ones are ignored here and counted elsewhere). */
  observeFirst(ev: unknown): void {
    const createdAt = createdAtOf(ev)
    if (createdAt === undefined) return
    for (const s of this.state) {
      try {
        if (matchFilter(s.filter, ev as never)) s.oldest = Math.min(s.oldest, createdAt)
      } catch {
        // not an event shape nostr-tools can match
      }
    }
  }

  /** An event of the current paging REQ. */
  observePage(ev: unknown): void {
    const createdAt = createdAtOf(ev)
    if (createdAt !== undefined && createdAt < this.pageUntil)
      this.pageOldest = Math.min(this.pageOldest, createdAt)
  }

  /** After an EOSE: the next paging filter to send, or undefined when the backfill is complete. */
  next(): Filter | undefined {
    const cur = this.state[this.index]
    if (cur) {
      if (this.pageOldest < this.pageUntil) return this.page(cur, this.pageOldest)
    }
    for (this.index++; this.index < this.state.length; this.index++) {
      const s = this.state[this.index]!
      if (Number.isFinite(s.oldest)) return this.page(s, s.oldest)
    }
    return undefined
  }

  private page(s: FilterState, until: number): Filter {
    s.oldest = until
    this.pageUntil = until
    this.pageOldest = Infinity
    // `until` is inclusive, so same-second events are asked again; dedupe absorbs them.
    return { ...s.filter, until, limit: PAGE_LIMIT }
  }
}

function createdAtOf(ev: unknown): number | undefined {
  if (typeof ev !== 'object' || ev === null) return undefined
  const c = (ev as { created_at?: unknown }).created_at
  return typeof c === 'number' && Number.isFinite(c) ? c : undefined
}
