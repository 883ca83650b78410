/**
 * Per-relay resume points (`relay_cursors`). A cursor only moves from verified events that passed the
 * rules, never past now (reliability catalogue RLY-2/RLY-3: one forged future event must not blind
 * the resume point), and resuming subtracts an overlap so same-second events are not lost (RLY-4).
 * The cursor only shortens the backfill: events older than it that a relay holds (signed offline,
 * back-dated releases) are found by the sync rounds (pipeline/subscribe.ts), and live events are never
 * filtered by it.
 */
import type { Db } from './open.ts'

/** Seconds subtracted from a cursor when resubscribing; dedupe absorbs the repeats. */
export const RESUME_OVERLAP_SEC = 60

/** The stored cursor of `relayUrl`, or undefined when the relay was never read to EOSE. */
export function readCursor(db: Db, relayUrl: string): number | undefined {
  const row = db.prepare('SELECT since_sec FROM relay_cursors WHERE relay_url = ?').get(relayUrl) as
    | { since_sec: number }
    | undefined
  return row?.since_sec
}

/** The `since` to subscribe with: the cursor minus the overlap, or undefined for a full backfill. */
export function resumeSince(cursorSec: number | undefined): number | undefined {
  return cursorSec === undefined ? undefined : Math.max(0, cursorSec - RESUME_OVERLAP_SEC)
}

/** Move the cursor forward to `sinceSec`, clamped to `nowSec`; never backwards. */
export function advanceCursor(db: Db, relayUrl: string, sinceSec: number, nowSec: number): void {
  const sec = Math.max(0, Math.min(sinceSec, nowSec))
  db.prepare(
    `INSERT INTO relay_cursors (relay_url, since_sec, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (relay_url) DO UPDATE SET since_sec = max(since_sec, excluded.since_sec), updated_at = excluded.updated_at`,
  ).run(relayUrl, sec, nowSec)
}
