/**
 * Reliability catalogue RLY-6 at its own scale: a relay holding 1,000,000 events, the indexer missing 100
 * of them. nostr-tools' NIP-77 initiator (what the indexer runs) against our responder (what the embedded
 * relay runs) must find exactly those 100 in at most 3 round trips and under 1 MB on the wire, with the
 * 60 KB frames both sides use (strfry's order). Counted, not timed.
 */
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { nip77 } from 'nostr-tools'
import { FRAME_SIZE_LIMIT, NegentropyResponder, storageOf } from './negentropy.ts'

const N = 1_000_000
const MISSING = 100

describe('negentropy catch-up at scale (RLY-6)', () => {
  it('1M events on the relay, 100 missing locally: exactly those 100 found, ≤ 3 round trips, < 1 MB', {
    timeout: 300_000,
  }, () => {
    const bytes = randomBytes(32 * N)
    const server = Array.from({ length: N }, (_, i) => ({
      id: bytes.subarray(32 * i, 32 * i + 32).toString('hex'),
      created_at: 1_700_000_000 + (bytes.readUInt32BE(32 * i) % 10_000_000),
    }))
    // Every 10,000th event is one the indexer lacks (spread over the whole set, as after an outage).
    const lacking = new Set(server.filter((_, i) => i % (N / MISSING) === 7).map((e) => e.id))
    const client = server.filter((e) => !lacking.has(e.id))

    const responder = new NegentropyResponder(storageOf(server), FRAME_SIZE_LIMIT)
    const initiator = new nip77.Negentropy(storageOf(client), FRAME_SIZE_LIMIT)
    const need: string[] = []
    const have: string[] = []
    let wireBytes = 0
    let roundTrips = 0
    let q: string | null = initiator.initiate()
    while (q !== null) {
      const answer = responder.respond(q)
      wireBytes += (q.length + answer.length) / 2
      roundTrips++
      q = initiator.reconcile(
        answer,
        (id) => have.push(id),
        (id) => need.push(id),
      )
      expect(roundTrips).toBeLessThan(20)
    }
    expect(have).toEqual([])
    expect(need.sort()).toEqual([...lacking].sort())
    expect(roundTrips).toBeLessThanOrEqual(3)
    expect(wireBytes).toBeLessThan(1_000_000)
  })
})
