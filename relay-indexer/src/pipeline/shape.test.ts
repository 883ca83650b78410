import { describe, expect, it } from 'vitest'
import { parseEventShape } from '@zapcade/shared/events/event'
import { checkEventShape } from './shape.ts'

const good = {
  id: 'a'.repeat(64),
  pubkey: 'b'.repeat(64),
  created_at: 1,
  kind: 32267,
  tags: [['d', 'x']],
  content: 'hi',
  sig: 'c'.repeat(128),
}
const cases: [string, unknown][] = [
  ['a well-formed event', good],
  ['an event with extra fields (stripped)', { ...good, extra: 1, seen_on: ['x'] }],
  ['null', null],
  ['an array', [good]],
  ['a number', 42],
  ['an uppercase id', { ...good, id: 'A'.repeat(64) }],
  ['a short pubkey', { ...good, pubkey: 'b'.repeat(63) }],
  ['a fractional created_at', { ...good, created_at: 1.5 }],
  ['a negative created_at', { ...good, created_at: -1 }],
  ['a string kind', { ...good, kind: '1' }],
  ['kind 65536', { ...good, kind: 65536 }],
  ['tags not arrays', { ...good, tags: ['d'] }],
  ['a numeric tag value', { ...good, tags: [['d', 1]] }],
  ['an empty tag', { ...good, tags: [[]] }],
  ['a 17-value tag', { ...good, tags: [Array.from({ length: 17 }, () => 'v')] }],
  ['a 1,025-char tag value', { ...good, tags: [['d', 'x'.repeat(1025)]] }],
  ['2,001 tags', { ...good, tags: Array.from({ length: 2001 }, () => ['t', 'x']) }],
  ['65,537 bytes of content', { ...good, content: 'x'.repeat(65537) }],
  ['64 KiB of multi-byte content', { ...good, content: 'é'.repeat(32 * 1024 + 1) }],
  ['a missing sig', { ...good, sig: undefined }],
]

describe('checkEventShape agrees with shared parseEventShape', () => {
  for (const [name, input] of cases) {
    it(`on ${name}`, () => {
      const fast = checkEventShape(input)
      const ref = parseEventShape(input)
      expect(fast.ok).toBe(ref.ok)
      if (fast.ok && ref.ok) expect(fast.value).toEqual(ref.value)
      if (!fast.ok && !ref.ok && /more than|over|too many|empty/.test(ref.reason))
        expect(fast.reason).toBe(ref.reason)
    })
  }
})
