import { describe, expect, it } from 'vitest'
import { ResponseCache } from './response-cache.ts'

describe('ResponseCache', () => {
  it('serves a body only for the version it was stored under, and a new version empties it', () => {
    const c = new ResponseCache(10)
    expect(c.get('v1', 'a')).toBeUndefined()
    c.set('v1', 'a', 'A')
    expect(c.get('v1', 'a')).toBe('A')
    expect(c.get('v2', 'a')).toBeUndefined()
    expect(c.size).toBe(0)
  })

  it('refuses a body computed under a version that has since moved on', () => {
    const c = new ResponseCache(10)
    c.get('v1', 'a') // request 1 reads v1
    c.get('v2', 'b') // request 2 sees a commit: v2
    c.set('v1', 'a', 'stale') // request 1 finishes
    expect(c.get('v2', 'a')).toBeUndefined()
  })

  it('evicts the least recently used entry by count and by bytes', () => {
    const c = new ResponseCache(2)
    c.get('v', 'x')
    c.set('v', 'a', 'A')
    c.set('v', 'b', 'B')
    expect(c.get('v', 'a')).toBe('A') // a is now the most recent
    c.set('v', 'c', 'C')
    expect([c.get('v', 'a'), c.get('v', 'b'), c.get('v', 'c')]).toEqual(['A', undefined, 'C'])
    const small = new ResponseCache(100, 80)
    small.get('v', 'x')
    small.set('v', 'a', '0123456789')
    small.set('v', 'b', '0123456789')
    expect(small.get('v', 'a')).toBe('0123456789')
    for (let i = 0; i < 8; i++) small.set('v', `k${i}`, '0123456789')
    expect(small.size).toBeLessThanOrEqual(8)
    expect(small.get('v', 'b')).toBeUndefined()
  })

  it('keeps nothing when sized 0', () => {
    const c = new ResponseCache(0)
    c.get('v', 'a')
    c.set('v', 'a', 'A')
    expect(c.get('v', 'a')).toBeUndefined()
  })

  it('shares one asynchronous computation among concurrent misses of one key (single flight)', async () => {
    const c = new ResponseCache(10)
    let calls = 0
    let release: (b: string) => void = () => {}
    const make = () => {
      calls++
      return new Promise<string>((resolve) => {
        release = resolve
      })
    }
    const waiting = Array.from({ length: 50 }, () => c.compute('v1', 'q=the', make))
    expect(calls).toBe(1)
    release('PAGE')
    expect(await Promise.all(waiting)).toEqual(Array(50).fill('PAGE'))
    expect(c.compute('v1', 'q=the', make)).toBe('PAGE') // now a plain hit
    expect(calls).toBe(1)
    // Another key, or the same key under a new version, is its own computation.
    void c.compute('v1', 'q=other', make)
    void c.compute('v2', 'q=the', make)
    expect(calls).toBe(3)
  })

  it('does not keep a failed computation: the next miss computes again', async () => {
    const c = new ResponseCache(10)
    let calls = 0
    const failing = () => {
      calls++
      return Promise.reject(new Error('boom'))
    }
    const both = [c.compute('v', 'k', failing), c.compute('v', 'k', failing)]
    expect(calls).toBe(1)
    for (const p of both) await expect(p).rejects.toThrow('boom')
    expect(c.compute('v', 'k', () => 'ok')).toBe('ok')
    expect(c.get('v', 'k')).toBe('ok')
  })

  it('computes a synchronous body once and serves it to the next callers', () => {
    const c = new ResponseCache(10)
    let calls = 0
    const make = () => `body${++calls}`
    expect([
      c.compute('v', 'k', make),
      c.compute('v', 'k', make),
      c.compute('v', 'k', make),
    ]).toEqual(['body1', 'body1', 'body1'])
    expect(calls).toBe(1)
  })

  describe('stale while revalidate', () => {
    let now = 0
    let queued: (() => void)[] = []
    const runQueued = () => {
      const q = queued
      queued = []
      for (const fn of q) fn()
    }
    const cache = () =>
      new ResponseCache(10, undefined, {
        staleMs: 1000,
        now: () => now,
        defer: (fn) => {
          queued.push(fn)
        },
      })

    it('serves a list page across commits for at most staleMs, with one background recomputation at a time', () => {
      now = 0
      queued = []
      const c = cache()
      let calls = 0
      const make = () => `page@${now} #${++calls}`
      expect(c.compute('v1', 'l?q=the', make, true)).toBe('page@0 #1')
      // A commit: v2. Younger than a quarter of the window: served as is, nothing recomputed.
      now = 100
      expect(c.get('v2', 'l?q=the')).toBe('page@0 #1')
      expect(queued).toHaveLength(0)
      // Older than that: still served, and fifty requests start one recomputation.
      now = 300
      for (let i = 0; i < 50; i++) expect(c.get('v2', 'l?q=the')).toBe('page@0 #1')
      expect(queued).toHaveLength(1)
      runQueued()
      expect(calls).toBe(2)
      expect(c.get('v2', 'l?q=the')).toBe('page@300 #2')
      // Nobody asked for a second: past the window the old answer is never served.
      now = 1301
      expect(c.get('v3', 'l?q=the')).toBeUndefined()
      expect(queued).toHaveLength(0)
    })

    it('never serves an entry stored without staleOk (a game page) after a commit', () => {
      now = 0
      queued = []
      const c = cache()
      c.compute('v1', 'd/game', () => 'game', false)
      now = 10
      expect(c.get('v2', 'd/game')).toBeUndefined()
      expect(queued).toHaveLength(0)
    })

    it('drops the stale entry when its recomputation fails', () => {
      now = 0
      queued = []
      const c = cache()
      let fail = false
      c.compute(
        'v1',
        'k',
        () => {
          if (fail) throw new Error('gone')
          return 'A'
        },
        true,
      )
      fail = true
      now = 500
      expect(c.get('v2', 'k')).toBe('A')
      runQueued()
      expect(c.get('v2', 'k')).toBeUndefined()
    })
  })
})
