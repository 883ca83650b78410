import { describe, expect, it } from 'vitest'
import { safeNext } from './safe-next.ts'

describe('sign-in next', () => {
  it.each(['/', '/library', '/game/abc/slug?x=1#top', '/signin?next=%2Flibrary'])(
    'keeps the same-origin path %j',
    (p) => {
      expect(safeNext(p)).toBe(p)
    },
  )
  it.each([
    'javascript:alert(1)',
    'https://elsewhere.example/',
    '//elsewhere.example/x',
    '/\\elsewhere.example',
    '\\\\elsewhere.example',
    '/\t/elsewhere.example',
    'data:text/html,hi',
    'library',
    '',
    null,
    undefined,
    ' /library',
    'JAVASCRIPT:alert(1)',
  ])('refuses %j (falls back to /)', (p) => {
    expect(safeNext(p)).toBe('/')
  })
})
