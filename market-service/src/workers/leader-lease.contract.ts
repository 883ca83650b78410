/**
 * The leader-lease contract (ports/leader-lease.ts) and runAsLeader's behaviour on top of it, run
 * against every adapter (SQLite and PostgreSQL: leader-lease.test.ts). `open` must answer a lease store
 * on a NEW connection to the same database each call, so races go through the database, not one
 * connection's queue. The clock follows real time plus an offset the tests move forward.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { Clock } from '../ports/clock.ts'
import type { LeaderLease } from '../ports/leader-lease.ts'
import { type LeaderHandle, runAsLeader } from './leader-lease.ts'
import type { Worker } from './worker.ts'

/** Real time plus an offset: `advance` jumps it forward (a lease expires without waiting). */
export class SteppingClock implements Clock {
  private offset = 0
  nowMs(): number {
    return Date.now() + this.offset
  }
  nowSec(): number {
    return Math.floor(this.nowMs() / 1000)
  }
  advance(ms: number): void {
    this.offset += ms
  }
}

export interface LeaseFixture {
  clock: SteppingClock
  open(): Promise<LeaderLease>
  /** Release every connection opened. */
  close(): Promise<void>
}

const until = async (f: () => boolean | Promise<boolean>, what: string): Promise<void> => {
  const start = Date.now()
  while (!(await f())) {
    if (Date.now() - start > 20_000) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

export function leaderLeaseContract(name: string, make: () => Promise<LeaseFixture>): void {
  describe(`leader lease contract: ${name}`, () => {
    let fx: LeaseFixture | undefined
    const handles: LeaderHandle[] = []
    const fixture = async () => (fx = await make())
    afterEach(async () => {
      for (const h of handles.splice(0)) await h.stop()
      await fx?.close()
      fx = undefined
    })

    it('one holder at a time; the holder renews with the same token', async () => {
      const f = await fixture()
      const a = await f.open()
      const b = await f.open()
      const g1 = await a.acquire('w', 'A', 60_000)
      expect(g1?.token).toBe(1)
      expect(await b.acquire('w', 'B', 60_000)).toBeNull()
      f.clock.advance(30_000)
      const g2 = await a.acquire('w', 'A', 60_000)
      expect(g2?.token).toBe(1)
      expect(g2!.expiresAtMs).toBeGreaterThan(g1!.expiresAtMs)
      const g3 = await a.renew('w', 'A', 1, 60_000)
      expect(g3?.token).toBe(1)
      expect(await b.isCurrent('w', 1)).toBe(true)
      // Another lease name is independent.
      expect((await b.acquire('other', 'B', 1000))?.token).toBe(1)
    })

    it('an expired lease is taken by another with a greater token; the old tenure is fenced off', async () => {
      const f = await fixture()
      const a = await f.open()
      const b = await f.open()
      // The clock follows real time too: margins are seconds wide, so a slow machine cannot cross them.
      const ga = await a.acquire('w', 'A', 60_000)
      f.clock.advance(50_000)
      expect(await b.acquire('w', 'B', 1000)).toBeNull()
      f.clock.advance(10_000)
      const gb = await b.acquire('w', 'B', 60_000)
      expect(gb?.token).toBe(ga!.token + 1)
      expect(await a.renew('w', 'A', ga!.token, 60_000)).toBeNull()
      expect(await a.isCurrent('w', ga!.token)).toBe(false)
      expect(await a.isCurrent('w', gb!.token)).toBe(true)
      expect(await a.acquire('w', 'A', 60_000)).toBeNull()
      // A release with the old token does not free B's tenure.
      await a.release('w', 'A', ga!.token)
      await a.release('w', 'B', ga!.token)
      expect(await a.isCurrent('w', gb!.token)).toBe(true)
    })

    it('a lapsed holder cannot renew, even when nobody took over; acquiring again starts a new tenure', async () => {
      const f = await fixture()
      const a = await f.open()
      const g = await a.acquire('w', 'A', 1000)
      f.clock.advance(1000)
      expect(await a.renew('w', 'A', g!.token, 1000)).toBeNull()
      expect(await a.isCurrent('w', g!.token)).toBe(false)
      expect((await a.acquire('w', 'A', 1000))?.token).toBe(g!.token + 1)
    })

    it('release hands over at once, and tokens keep growing', async () => {
      const f = await fixture()
      const a = await f.open()
      const b = await f.open()
      const ga = await a.acquire('w', 'A', 60_000)
      await a.release('w', 'A', ga!.token)
      expect(await a.isCurrent('w', ga!.token)).toBe(false)
      const gb = await b.acquire('w', 'B', 60_000)
      expect(gb?.token).toBe(ga!.token + 1)
      await b.release('w', 'B', gb!.token)
      expect((await a.acquire('w', 'A', 60_000))?.token).toBe(gb!.token + 1)
    })

    it('many holders racing on separate connections: exactly one wins', async () => {
      const f = await fixture()
      const stores = await Promise.all(Array.from({ length: 6 }, () => f.open()))
      for (let round = 0; round < 5; round++) {
        const grants = await Promise.all(
          stores.map((s, i) => s.acquire(`race${round}`, `H${i}`, 60_000)),
        )
        expect(grants.filter((g) => g !== null)).toEqual([
          { token: 1, expiresAtMs: expect.any(Number) },
        ])
      }
    })

    it('refuses a lease time that is not a positive integer', async () => {
      const f = await fixture()
      const a = await f.open()
      await expect(a.acquire('w', 'A', 0)).rejects.toThrow(RangeError)
      await expect(a.acquire('w', 'A', 1.5)).rejects.toThrow(RangeError)
    })

    describe('runAsLeader', () => {
      /** Workers that record when they run and stop, in one shared timeline. */
      const timeline: string[] = []
      const kicks: string[] = []
      const fakeWorkers = (who: string) => (fence: { token: number }) => {
        timeline.push(`${who} start ${fence.token}`)
        const w: Worker = {
          name: `${who}-worker`,
          kick() {
            kicks.push(who)
          },
          async stop() {
            timeline.push(`${who} stop ${fence.token}`)
          },
        }
        return [w]
      }

      it('of two processes exactly one runs the workers; stopping it hands over to the other', async () => {
        timeline.length = 0
        const f = await fixture()
        const a = runAsLeader(await f.open(), fakeWorkers('A'), {
          holder: 'A',
          ttlMs: 60_000,
          renewEveryMs: 20,
        })
        handles.push(a)
        await until(() => a.isLeader(), 'A to lead')
        const b = runAsLeader(await f.open(), fakeWorkers('B'), {
          holder: 'B',
          ttlMs: 60_000,
          renewEveryMs: 20,
        })
        handles.push(b)
        await new Promise((r) => setTimeout(r, 200)) // B tries ~10 times meanwhile
        expect(b.isLeader()).toBe(false)
        expect(timeline).toEqual([`A start ${a.token()}`])
        // The handle is the composition root's Worker: kick reaches the running workers only.
        a.kick()
        b.kick()
        expect(kicks).toEqual(['A'])
        const ta = a.token()!
        await a.stop()
        await until(() => b.isLeader(), 'B to take over after A released')
        expect(b.token()).toBe(ta + 1)
        expect(timeline).toEqual([`A start ${ta}`, `A stop ${ta}`, `B start ${ta + 1}`])
      })

      it('a leader whose lease was taken stops its workers; the fence tells a stale token', async () => {
        timeline.length = 0
        const f = await fixture()
        const fences: { token: number; isCurrent(): Promise<boolean> }[] = []
        const changes: string[] = []
        // A may take the lease once only (else, lease lost, it could win it back before B asks).
        const store = await f.open()
        let takes = 0
        const once: LeaderLease = {
          ...store,
          acquire: (...x) => (takes++ === 0 ? store.acquire(...x) : Promise.resolve(null)),
        }
        const a = runAsLeader(once, (fence) => (fences.push(fence), fakeWorkers('A')(fence)), {
          holder: 'A',
          ttlMs: 1000,
          renewEveryMs: 50,
          onChange: (e) => changes.push(e.leader ? `lead ${e.token}` : e.reason),
        })
        handles.push(a)
        await until(() => a.isLeader(), 'A to lead')
        expect(await fences[0]!.isCurrent()).toBe(true)
        // Another process takes the lease once A's has expired (here A's clock jumps past it).
        f.clock.advance(5000)
        const other = await f.open()
        const g = await other.acquire('workers', 'B', 60_000)
        expect(g?.token).toBe(fences[0]!.token + 1)
        expect(await fences[0]!.isCurrent()).toBe(false)
        await until(() => changes.includes('lease lost'), 'A to step down')
        expect(a.isLeader()).toBe(false)
        expect(timeline).toEqual([`A start ${g!.token - 1}`, `A stop ${g!.token - 1}`])
      })

      it('a leader that cannot reach the lease store stops its workers within half the lease', async () => {
        timeline.length = 0
        const f = await fixture()
        const real = await f.open()
        let down = false
        const flaky: LeaderLease = {
          acquire: (...a) => (down ? Promise.reject(new Error('db down')) : real.acquire(...a)),
          renew: (...a) => (down ? Promise.reject(new Error('db down')) : real.renew(...a)),
          release: (...a) => (down ? Promise.reject(new Error('db down')) : real.release(...a)),
          isCurrent: (...a) => real.isCurrent(...a),
        }
        let localMs = 0
        const errors: unknown[] = []
        const a = runAsLeader(flaky, fakeWorkers('A'), {
          holder: 'A',
          ttlMs: 1000,
          renewEveryMs: 20,
          nowMs: () => localMs,
          onError: (e) => errors.push(e),
        })
        handles.push(a)
        await until(() => a.isLeader(), 'A to lead')
        down = true
        localMs = 499
        await until(() => errors.length >= 2, 'renewals to fail')
        expect(a.isLeader()).toBe(true)
        localMs = 500
        await until(() => !a.isLeader(), 'A to step down')
        expect(timeline.at(-1)).toMatch(/^A stop /)
      })
    })
  })
}
