/**
 * Replacement and deletion rules, table-driven in the style of strfry's test/tests/writeTest.js:
 * each case is an arrival order on one relay and the catalog it must leave behind (RPL-1..RPL-6).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { NostrEvent } from '@zapcade/shared/events/event'
import { asset, deletion, game, makeDev, release, type Dev } from '../testing/fixtures.ts'
import { indexInOrder } from '../testing/harness.ts'
import { createInlineVerifier, type Verifier } from './verify.ts'
import type { Db } from '../store/open.ts'

const T = 1_700_000_000
let verifier: Verifier
let a: Dev
let b: Dev
beforeAll(async () => {
  verifier = await createInlineVerifier()
  a = await makeDev()
  b = await makeDev()
})
afterAll(async () => verifier.close())

const gameRow = (db: Db, slug: string) =>
  db
    .prepare(
      'SELECT g.title, g.deleted_at, g.status, g.listing, g.event_id FROM games g WHERE slug = ?',
    )
    .get(slug) as
    | {
        title: string
        deleted_at: number | null
        status: string
        listing: string
        event_id: string
      }
    | undefined
const coord = (d: Dev, slug: string) => `32267:${d.pubkey}:${slug}`

interface Case {
  name: string
  events: () => NostrEvent[]
  check: (db: Db, evs: NostrEvent[]) => void
}

const cases: Case[] = [
  {
    name: 'an older version arriving after a newer one is ignored (RPL-1)',
    events: () => [game(a, 'g1', T + 10, { title: 'New' }), game(a, 'g1', T, { title: 'Old' })],
    check: (db) => expect(gameRow(db, 'g1')?.title).toBe('New'),
  },
  {
    name: 'on equal created_at the lowest id wins, whatever the arrival order (RPL-2)',
    events: () => {
      const x = game(a, 'g2', T, { title: 'X' })
      const y = game(a, 'g2', T, { title: 'Y' })
      return x.id < y.id ? [y, x] : [x, y]
    },
    check: (db, evs) =>
      expect(gameRow(db, 'g2')?.event_id).toBe(
        [...evs].sort((p, q) => (p.id < q.id ? -1 : 1))[0]!.id,
      ),
  },
  {
    name: 'on equal created_at the lowest id wins when it arrives first, too (RPL-2)',
    events: () => {
      const x = game(a, 'g2b', T, { title: 'X' })
      const y = game(a, 'g2b', T, { title: 'Y' })
      return x.id < y.id ? [x, y] : [y, x]
    },
    check: (db, evs) => expect(gameRow(db, 'g2b')?.event_id).toBe(evs[0]!.id),
  },
  {
    name: 'a deletion by e hides the game and a republished copy of that id stays deleted (RPL-3)',
    events: () => {
      const g = game(a, 'g3', T)
      return [g, deletion(a, { e: [g.id] }, T + 1), g]
    },
    check: (db, evs) => {
      expect(gameRow(db, 'g3')?.deleted_at).toBe(T + 1)
      expect(db.prepare('SELECT state FROM raw_events WHERE id = ?').pluck().get(evs[0]!.id)).toBe(
        'DELETED',
      )
    },
  },
  {
    name: 'a deletion by another author is ignored, by e and by a (RPL-4)',
    events: () => {
      const g = game(a, 'g4', T)
      return [g, deletion(b, { e: [g.id], a: [coord(a, 'g4')] }, T + 1)]
    },
    check: (db) => expect(gameRow(db, 'g4')?.deleted_at).toBeNull(),
  },
  {
    name: 'a deletion of a deletion does nothing (RPL-4)',
    events: () => {
      const g = game(a, 'g5', T)
      const del = deletion(a, { e: [g.id] }, T + 1)
      return [g, del, deletion(a, { e: [del.id] }, T + 2)]
    },
    check: (db) => expect(gameRow(db, 'g5')?.deleted_at).toBe(T + 1),
  },
  {
    name: 'a deletion of a deletion that arrives first does not cancel it (RPL-4)',
    events: () => {
      const g = game(a, 'g5b', T)
      const del = deletion(a, { e: [g.id] }, T + 1)
      return [deletion(a, { e: [del.id] }, T + 2), g, del]
    },
    check: (db) => expect(gameRow(db, 'g5b')?.deleted_at).toBe(T + 1),
  },
  {
    name: 'a deletion by a hides versions up to its created_at; an older one stays hidden (RPL-5)',
    events: () => [
      game(a, 'g6', T),
      deletion(a, { a: [coord(a, 'g6')] }, T + 5),
      game(a, 'g6', T - 5, { title: 'Older' }),
    ],
    check: (db) => {
      expect(gameRow(db, 'g6')?.deleted_at).toBe(T + 5)
      expect(gameRow(db, 'g6')?.title).toBe('Game g6')
    },
  },
  {
    name: 'after a deletion by a, a newer version shows again (RPL-5)',
    events: () => [
      game(a, 'g7', T),
      deletion(a, { a: [coord(a, 'g7')] }, T + 5),
      game(a, 'g7', T + 10, { title: 'Back' }),
    ],
    check: (db) => {
      expect(gameRow(db, 'g7')?.deleted_at).toBeNull()
      expect(gameRow(db, 'g7')?.title).toBe('Back')
    },
  },
  {
    name: 'a deletion that arrives before its game still applies (tombstone)',
    events: () => [deletion(a, { a: [coord(a, 'g8')] }, T + 5), game(a, 'g8', T)],
    check: (db) => expect(gameRow(db, 'g8')).toBeUndefined(),
  },
  {
    name: 'a release and its asset that arrive before their game are linked when it arrives',
    events: () => {
      const as = asset(a, 'g9', '1.0.0', T)
      return [release(a, 'g9', '1.0.0', as.id, T + 1, 'notes'), as, game(a, 'g9', T - 100)]
    },
    check: (db) => {
      const r = db
        .prepare(`SELECT r.version, r.release_notes, b.size_bytes FROM releases r JOIN build_assets b ON b.release_id = r.id
        JOIN games g ON g.id = r.game_id WHERE g.slug = 'g9'`)
        .all()
      expect(r).toEqual([{ version: '1.0.0', release_notes: 'notes', size_bytes: 1234 }])
      expect(
        db.prepare(`SELECT count(*) FROM raw_events WHERE state = 'PENDING'`).pluck().get(),
      ).toBe(0)
    },
  },
  {
    name: 'a release whose asset has not arrived stays PENDING',
    events: () => [game(a, 'g10', T), release(a, 'g10', '1.0.0', 'f'.repeat(64), T + 1)],
    check: (db) => {
      expect(db.prepare(`SELECT count(*) FROM releases`).pluck().get()).toBe(0)
      expect(db.prepare(`SELECT state FROM raw_events WHERE kind = 30063`).pluck().get()).toBe(
        'PENDING',
      )
    },
  },
  {
    name: 'an asset referenced by two releases gives one build_assets row per release',
    events: () => {
      const as = asset(a, 'g11', '1.0.0', T)
      return [
        game(a, 'g11', T),
        as,
        release(a, 'g11', '1.0.0', as.id, T + 1),
        release(a, 'g11', '1.0.1', as.id, T + 2),
      ]
    },
    check: (db, evs) => {
      const rows = db.prepare('SELECT event_id FROM build_assets ORDER BY release_id').pluck().all()
      expect(rows).toEqual([evs[1]!.id, evs[1]!.id])
    },
  },
  {
    name: 'a release of another author does not link to the game',
    events: () => {
      const as = asset(b, 'g12', '1.0.0', T)
      return [game(a, 'g12', T), as, release(b, 'g12', '1.0.0', as.id, T + 1)]
    },
    check: (db) => expect(db.prepare('SELECT count(*) FROM releases').pluck().get()).toBe(0),
  },
  {
    name: 'a draft game is never indexed',
    events: () => [game(a, 'g13', T, { listing: 'DRAFT' })],
    check: (db) => expect(gameRow(db, 'g13')).toBeUndefined(),
  },
  {
    name: 'an unlisted version replaces the listing, and tags and platforms follow the winner',
    events: () => [
      game(a, 'g14', T, { tags: ['rpg'] }),
      game(a, 'g14', T + 1, { listing: 'UNLISTED', tags: ['arcade'], platforms: ['wasm32'] }),
    ],
    check: (db) => {
      expect(gameRow(db, 'g14')).toMatchObject({ status: 'UNLISTED', listing: 'UNLISTED' })
      expect(db.prepare('SELECT tag FROM game_tags').pluck().all()).toEqual(['arcade'])
      expect(db.prepare('SELECT platform FROM game_platforms').pluck().all()).toEqual(['wasm32'])
    },
  },
]

describe('replacement and deletion rules', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const evs = c.events()
      const run = await indexInOrder(evs, verifier)
      try {
        c.check(run.db, evs)
      } finally {
        await run.close()
      }
    })
  }
})
