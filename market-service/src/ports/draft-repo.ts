/** Drafts port: a developer's DRAFT game events, kept by the service only. SQLite: adapters/sqlite/draft-repo.ts. */
import type { NostrEvent } from '@zapcade/shared/events/event'

export interface DraftRow {
  pubkey: string
  slug: string
  event: NostrEvent
  updatedAtSec: number
}

export interface DraftRepo {
  /** Keep the draft unless a newer one (by created_at) is already kept; answers whether it was stored. */
  put(pubkey: string, slug: string, event: NostrEvent, nowSec: number): boolean
  /** Drop the draft once a public version at least as new was accepted. */
  dropIfNotNewer(pubkey: string, slug: string, createdAtSec: number): void
  listByPubkey(pubkey: string): DraftRow[]
}
