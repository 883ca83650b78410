/**
 * A Bloom filter of the event ids stored in raw_events, so the receiver's dedupe check answers "not
 * stored" for a new event without a query (each autocommit SELECT opens and closes a read transaction;
 * on a backfill nearly every event is new). "Maybe stored" still asks SQLite, so a false positive costs
 * one lookup and a stale filter (rows written by another process) only lets the insert find the
 * duplicate. Event ids are sha256 hashes, so slices of the id are the filter's hash functions.
 */
import type { Db } from './open.ts'

/** Hash functions per id: 7 slices of 8 hex digits (the id has 64). */
const K = 7
/** Bits per expected id: ~1% false positives with 7 hashes. */
const BITS_PER_ID = 10

export class IdFilter {
  private bits: Uint32Array
  private size: number
  private count = 0

  private constructor(expected: number) {
    this.size = Math.max(1 << 20, expected * BITS_PER_ID * 2)
    this.bits = new Uint32Array(Math.ceil(this.size / 32))
  }

  /** A filter holding every id stored in `db`, with room to double. */
  static load(db: Db): IdFilter {
    const n = db.prepare('SELECT count(*) FROM raw_events').pluck().get() as number
    const f = new IdFilter(n)
    for (const id of db.prepare('SELECT id FROM raw_events').pluck().iterate()) f.set(id as string)
    return f
  }

  /** False: certainly not stored. True: maybe (ask the database). */
  mightHave(id: string): boolean {
    for (let i = 0; i < K; i++) {
      const bit = Number.parseInt(id.slice(i * 8, i * 8 + 8), 16) % this.size
      if ((this.bits[bit >>> 5]! & (1 << (bit & 31))) === 0) return false
    }
    return true
  }

  /** Remember `id`; answers false once the filter is too full to stay useful (reload it then). */
  add(id: string): boolean {
    this.set(id)
    return this.count * BITS_PER_ID <= this.size
  }

  private set(id: string): void {
    for (let i = 0; i < K; i++) {
      const bit = Number.parseInt(id.slice(i * 8, i * 8 + 8), 16) % this.size
      this.bits[bit >>> 5]! |= 1 << (bit & 31)
    }
    this.count++
  }
}
