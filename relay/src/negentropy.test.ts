/**
 * NIP-77 negentropy: our responder and nostr-tools' initiator against the reference implementation of
 * the protocol (hoytech/negentropy js/Negentropy.js, kept in testing/negentropy-reference.cjs), on the
 * vectors of its protocol-version test and on random sets of every size class (id lists, fingerprints,
 * frames cut by the size limit).
 */
import { createHash } from 'node:crypto'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { nip77 } from 'nostr-tools'
import { NegentropyResponder, storageOf } from './negentropy.ts'

interface RefStorage {
  insert(ts: number, id: string): void
  seal(): void
}
interface RefNegentropy {
  initiate(): Promise<string>
  reconcile(q: string): Promise<[string | null, string[], string[]]>
}
const ref = createRequire(import.meta.url)('./testing/negentropy-reference.cjs') as {
  Negentropy: new (s: RefStorage, frameSizeLimit?: number) => RefNegentropy
  NegentropyStorageVector: new () => RefStorage
}

type Item = { created_at: number; id: string }
const refStorage = (items: Item[]): RefStorage => {
  const s = new ref.NegentropyStorageVector()
  for (const it of items) s.insert(it.created_at, it.id)
  s.seal()
  return s
}

/** A deterministic pseudo-random item set. */
function items(seed: string, n: number, t0 = 1_700_000_000, spread = 10_000): Item[] {
  return Array.from({ length: n }, (_, i) => {
    const id = createHash('sha256').update(`${seed}:${i}`).digest('hex')
    return { id, created_at: t0 + (parseInt(id.slice(0, 8), 16) % spread) }
  })
}

/** Client set, server set, and the differences the sync must find. */
function sets(shared: number, clientOnly: number, serverOnly: number, seed: string) {
  const common = items(`${seed}:c`, shared)
  const client = [...common, ...items(`${seed}:a`, clientOnly)]
  const server = [...common, ...items(`${seed}:b`, serverOnly)]
  const ids = (xs: Item[]) => xs.map((x) => x.id).sort()
  return { client, server, have: ids(client.slice(shared)), need: ids(server.slice(shared)) }
}

describe('negentropy responder', () => {
  it('answers the reference protocol-version vectors (full-range empty IdList; an unknown version)', () => {
    // hoytech/negentropy test/protoversion.pl: one item (12345, ee…ee), query 6100000200.
    const r = new NegentropyResponder(storageOf([{ created_at: 12345, id: 'ee'.repeat(32) }]))
    expect(r.respond('6100000200')).toBe(`6100000201${'ee'.repeat(32)}`)
    // A newer protocol version: answer our version alone, then accept version 1.
    expect(r.respond('62aabbccddeeff')).toBe('61')
    expect(r.respond('6100000200')).toBe(`6100000201${'ee'.repeat(32)}`)
    expect(() => r.respond('5f')).toThrow(/invalid/)
    expect(() => r.respond('61zz')).toThrow(/invalid/)
  })

  const cases: [string, number, number, number, number][] = [
    ['both empty', 0, 0, 0, 60_000],
    ['id lists only', 10, 3, 4, 60_000],
    ['server only', 0, 0, 500, 60_000],
    ['client only', 0, 700, 0, 60_000],
    ['fingerprints over 5,000 items', 5000, 40, 60, 60_000],
    ['frames cut at 4 KiB', 3000, 300, 500, 4096],
  ]
  for (const [name, shared, clientOnly, serverOnly, frame] of cases) {
    it(`gives byte-identical answers to the reference and finds every difference: ${name}`, async () => {
      const s = sets(shared, clientOnly, serverOnly, name)
      const ours = new NegentropyResponder(storageOf(s.server), frame)
      const theirs = new ref.Negentropy(refStorage(s.server), frame)
      const client = new ref.Negentropy(refStorage(s.client), frame)
      const have: string[] = []
      const need: string[] = []
      let q: string | null = await client.initiate()
      let rounds = 0
      while (q !== null) {
        const answer = ours.respond(q)
        const [expected] = await theirs.reconcile(q)
        expect(answer).toBe(expected)
        const [next, h, n] = await client.reconcile(answer)
        have.push(...h)
        need.push(...n)
        q = next
        expect(++rounds).toBeLessThan(50)
      }
      expect(have.sort()).toEqual(s.have)
      expect(need.sort()).toEqual(s.need)
    })

    it(`nostr-tools' initiator against our responder finds every difference: ${name}`, () => {
      const s = sets(shared, clientOnly, serverOnly, `nt:${name}`)
      const ours = new NegentropyResponder(storageOf(s.server), frame)
      const client = new nip77.Negentropy(storageOf(s.client), Math.max(frame, 4096))
      const have: string[] = []
      const need: string[] = []
      let q: string | null = client.initiate()
      let rounds = 0
      while (q !== null) {
        q = client.reconcile(
          ours.respond(q),
          (id) => have.push(id),
          (id) => need.push(id),
        )
        expect(++rounds).toBeLessThan(50)
      }
      expect(have.sort()).toEqual(s.have)
      expect(need.sort()).toEqual(s.need)
    })
  }
})
