import { describe, expect, it } from 'vitest'
import { newKey, sign } from './testing/sign.ts'
import { buildProfile, parseProfile } from './profile.ts'

const dev = newKey()
const withContent = (content: string) =>
  sign({ kind: 0, created_at: 1_760_000_000, tags: [], content }, dev)

describe('profile (kind 0)', () => {
  it('a built market profile round-trips, lud16 with a host:port as the devnet has', () => {
    const ev = sign(
      buildProfile({
        name: 'zapcade',
        displayName: 'Zapcade',
        lud16: 'market@127.0.0.1:8787',
        nip05: '_@zapcade.example',
        about: 'Indie games',
        createdAtSec: 1,
      }),
      dev,
    )
    expect(parseProfile(ev)).toEqual({
      ok: true,
      value: {
        eventId: ev.id,
        pubkey: dev.pk,
        name: 'zapcade',
        displayName: 'Zapcade',
        picture: undefined,
        about: 'Indie games',
        lud16: 'market@127.0.0.1:8787',
        nip05: '_@zapcade.example',
        ignored: [],
        createdAtSec: 1,
      },
    })
  })

  it('falls back to the deprecated displayName key', () => {
    const r = parseProfile(withContent(JSON.stringify({ displayName: 'Old Client' })))
    expect(r.ok && r.value.displayName).toBe('Old Client')
  })

  const dropped: [string, Record<string, unknown>, string][] = [
    ['a lud16 without a domain', { lud16: 'satoshi' }, 'lud16: not name@domain'],
    ['a lud16 that is an LNURL', { lud16: 'lnurl1dp68gurn8ghj7um9' }, 'lud16: not name@domain'],
    ['a nip05 with spaces', { nip05: 'bob smith@example.com' }, 'nip05: not name@domain'],
    [
      'a picture that is not http(s)',
      { picture: 'javascript:alert(1)' },
      'picture: not an http(s) URL',
    ],
    ['a name that is a number', { name: 42 }, 'name: not a string'],
    ['an overlong about', { about: 'x'.repeat(5000) }, 'about: longer than 4096 characters'],
  ]
  it.each(dropped)('drops %s into ignored and keeps the rest', (_n, meta, why) => {
    const r = parseProfile(withContent(JSON.stringify({ display_name: 'Dev', ...meta })))
    expect(r.ok && r.value.displayName).toBe('Dev')
    expect(r.ok && r.value.ignored).toEqual([why])
  })

  it('treats blank and null fields as absent', () => {
    const r = parseProfile(withContent(JSON.stringify({ name: '  ', lud16: null, picture: '' })))
    expect(r.ok && [r.value.name, r.value.lud16, r.value.picture, r.value.ignored]).toEqual([
      undefined,
      undefined,
      undefined,
      [],
    ])
  })

  it.each([
    ['not JSON', '{name: "x"', 'content: not JSON'],
    ['a JSON array', '["x"]', 'content: not a JSON object'],
    ['JSON null', 'null', 'content: not a JSON object'],
    ['empty content', '', 'content: not JSON'],
  ])('refuses content that is %s with a reason', (_n, content, reason) => {
    expect(parseProfile(withContent(content))).toEqual({ ok: false, reason })
  })
})
