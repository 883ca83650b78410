/** The one users row per pubkey (seed model: a User is a Nostr pubkey), shared by the repositories that create them. */
import type Database from 'better-sqlite3'

/** A function answering the users.id of a pubkey, inserting the row on first sight (statements prepared once). */
export function userIdOf(db: Database.Database): (pubkey: string, nowSec: number) => number {
  const find = db.prepare<[string], { id: number }>('SELECT id FROM users WHERE pubkey = ?')
  const insert = db.prepare(
    'INSERT INTO users (pubkey, created_at) VALUES (?, ?) ON CONFLICT (pubkey) DO NOTHING',
  )
  return (pubkey, nowSec) => {
    const found = find.get(pubkey)
    if (found) return found.id
    insert.run(pubkey, nowSec)
    return find.get(pubkey)!.id
  }
}
