/**
 * Developers' short Lightning-address names (table ln_names): one per developer, unique, first come;
 * claiming a new one replaces the old, null releases it. `<npub>@host` needs no row.
 */
import type Database from 'better-sqlite3'
import type { ClaimOutcome, LnNameRepo } from '../../ports/developer-repo.ts'
import { userIdOf } from './users.ts'

export type { ClaimOutcome, LnNameRepo }

export function sqliteLnNameRepo(db: Database.Database): LnNameRepo {
  const ensureUser = userIdOf(db)
  const q = {
    nameOf: db.prepare<[string], { name: string }>(
      'SELECT n.name FROM ln_names n JOIN users u ON u.id = n.user_id WHERE u.pubkey = ?',
    ),
    owner: db.prepare<[string], { pubkey: string; user_id: number }>(
      'SELECT u.pubkey, n.user_id FROM ln_names n JOIN users u ON u.id = n.user_id WHERE n.name = ?',
    ),
    release: db.prepare('DELETE FROM ln_names WHERE user_id = ?'),
    insert: db.prepare(
      'INSERT INTO ln_names (name, user_id, created_at, updated_at) VALUES (?, ?, ?, ?)',
    ),
  }
  return {
    nameOf: (pubkey) => q.nameOf.get(pubkey)?.name ?? null,
    ownerOf: (name) => q.owner.get(name)?.pubkey,
    claim: (pubkey, name, nowSec) =>
      db
        .transaction((): ClaimOutcome => {
          const userId = ensureUser(pubkey, nowSec)
          if (name === null) return q.release.run(userId).changes > 0 ? 'RELEASED' : 'UNCHANGED'
          const held = q.owner.get(name)
          if (held) return held.user_id === userId ? 'UNCHANGED' : 'TAKEN'
          q.release.run(userId)
          q.insert.run(name, userId, nowSec, nowSec)
          return 'CLAIMED'
        })
        .immediate(),
  }
}
