import { describe, expect, it } from 'vitest'
import { freshDb } from './testing/blob-seed.ts'
import { sqliteReplayCache } from './nip98-replay.ts'

describe('NIP-98 replay cache', () => {
  it('accepts each id once and prunes rows whose window has passed', () => {
    const db = freshDb()
    const cache = sqliteReplayCache(db, 1)
    expect(cache.accept('a'.repeat(64), 160, 100)).toBe(true)
    expect(cache.accept('a'.repeat(64), 160, 101)).toBe(false)
    expect(cache.accept('b'.repeat(64), 300, 161)).toBe(true)
    expect(db.prepare('SELECT event_id FROM nip98_replay').all()).toEqual([
      { event_id: 'b'.repeat(64) },
    ])
  })
})
