/**
 * The developer_events table the indexer writes (why a developer's event was refused or waits, newest
 * kept per developer): read here for GET /api/v1/developer/events.
 */
import type Database from 'better-sqlite3'
import type { DeveloperEvent } from '@zapcade/shared/api/developer'
import type { DeveloperEventsReader } from '../../ports/developer-repo.ts'

export function sqliteDeveloperEvents(db: Database.Database): DeveloperEventsReader {
  const list = db.prepare<
    [string],
    DeveloperEvent
  >(`SELECT event_id, kind, state, reason, created_at, seen_at FROM developer_events
    WHERE pubkey = ? ORDER BY id DESC`)
  return {
    /** Newest first (at most what the indexer keeps per developer). */
    of: (pubkey: string): DeveloperEvent[] => list.all(pubkey),
  }
}
