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
})
