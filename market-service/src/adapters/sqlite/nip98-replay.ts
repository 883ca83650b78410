/**
 * NIP-98 replay cache in SQLite (table nip98_replay): each auth token is accepted once, and the record
 * outlives a restart. The key is the token's signature (column event_id keeps its first name): a client
 * that signs the same URL twice in one second gets the same event id with two different BIP-340
 * signatures, both legitimate; a replayed header repeats the signature. Rows are kept until the event
 * could no longer pass the time window anyway.
 */
import type Database from 'better-sqlite3'

export interface ReplayCache {
  /** True the first time `key` (the token's signature) is seen; false for a replay. */
  accept(key: string, expiresAtSec: number, nowSec: number): boolean
}

/** The SQLite replay cache; prunes expired rows every `pruneEvery` accepts. */
export function sqliteReplayCache(db: Database.Database, pruneEvery = 500): ReplayCache {
  const insert = db.prepare(
    'INSERT OR IGNORE INTO nip98_replay (event_id, expires_at) VALUES (?, ?)',
  )
  const prune = db.prepare('DELETE FROM nip98_replay WHERE expires_at < ?')
  let sincePrune = 0
  return {
    accept(key, expiresAtSec, nowSec) {
      if (++sincePrune >= pruneEvery) {
        sincePrune = 0
        prune.run(nowSec)
      }
      return insert.run(key, expiresAtSec).changes === 1
    },
  }
}
