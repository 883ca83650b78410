/**
 * client-message.ts replaced @nostr-relay/validator in the relay, so every case here runs through both and
 * asserts they agree: same accept/refuse, same message value when accepted, and (where the library names
 * one problem rather than its whole zod union) the same error text.
 */
import { describe, expect, it } from 'vitest'
import { Validator } from '@nostr-relay/validator'
import { frameText, parseClientMessage } from './client-message.ts'

const library = new Validator()
const h = (c: string, n = 64) => c.repeat(n)

const EV = {
  id: h('a'),
  pubkey: h('b'),
  created_at: 1700000000,
  kind: 23194,
  tags: [
    ['p', h('c')],
    ['e', h('d')],
    ['expiration', '1700000100'],
  ],
  content: 'x'.repeat(1000),
  sig: h('e', 128),
}
const withEv = (patch: Record<string, unknown>) => ['EVENT', { ...EV, ...patch }]
const without = (key: keyof typeof EV) => [
  'EVENT',
  Object.fromEntries(Object.entries(EV).filter(([k]) => k !== key)),
]
const req = (...filters: unknown[]) => ['REQ', 'sub', ...filters]

type Outcome = { ok: true; value: unknown } | { ok: false; message: string }

async function viaLibrary(raw: string): Promise<Outcome> {
  try {
    return { ok: true, value: await library.validateIncomingMessage(raw) }
  } catch (e) {
    return { ok: false, message: (e as Error).message }
  }
}

function viaOurs(raw: string | Buffer): Outcome {
  try {
    return { ok: true, value: parseClientMessage(JSON.parse(frameText(raw))) }
  } catch (e) {
    return { ok: false, message: (e as Error).message }
  }
}

/** Both agree; returns our outcome, and whether the error texts were compared too. */
async function agree(raw: string): Promise<Outcome & { sameText?: boolean }> {
  const [lib, ours] = [await viaLibrary(raw), viaOurs(raw)]
  expect({ raw: raw.slice(0, 200), ok: ours.ok }).toEqual({ raw: raw.slice(0, 200), ok: lib.ok })
  if (lib.ok && ours.ok) expect(ours.value).toEqual(lib.value)
  if (!lib.ok && !ours.ok) {
    expect(ours.message).toMatch(/^invalid: |JSON/)
    // The library's message for a failed union lists every branch (", or "); otherwise it names one issue.
    if (!lib.message.includes(', or ')) {
      expect(ours.message).toBe(lib.message)
      expect(viaOurs(Buffer.from(raw))).toEqual(ours)
      return { ...ours, sameText: true }
    }
  }
  expect(viaOurs(Buffer.from(raw))).toEqual(ours)
  return ours
}

const valid: [string, unknown][] = [
  ['EVENT (NWC request, ~1 KB content, 3 tags)', ['EVENT', EV]],
  ['EVENT with extra fields (dropped)', withEv({ extra: 1, seen_on: ['x'] })],
  ['EVENT with empty tags and content', withEv({ tags: [], content: '' })],
  ['EVENT with created_at 0 and kind 0', withEv({ created_at: 0, kind: 0 })],
  ['EVENT with a long multi-letter tag value', withEv({ tags: [['title', 'x'.repeat(5000)]] })],
  ['EVENT with a 1024-char single-letter tag value', withEv({ tags: [['d', 'x'.repeat(1024)]] })],
  ['EVENT with empty tag arrays', withEv({ tags: [[], ['e']] })],
  ['EVENT with 2000 tags', withEv({ tags: Array.from({ length: 2000 }, () => ['t', 'x']) })],
  ['EVENT with 100 KiB content', withEv({ content: 'x'.repeat(100 * 1024) })],
  ['EVENT with -0 created_at', withEv({ created_at: -0 })],
  ['REQ with 0 filters', ['REQ', 'sub']],
  ['REQ NWC reply', req({ kinds: [23195], '#e': [h('a')], authors: [h('b')] })],
  ['REQ with many filters', req(...Array.from({ length: 50 }, (_, i) => ({ kinds: [i] })))],
  ['REQ with an empty filter', req({})],
  [
    'REQ with every known key',
    req({
      ids: [h('1')],
      authors: [],
      kinds: [1],
      since: 0,
      until: 5,
      limit: 0,
      search: 'q',
      '#a': ['x'],
      '#Z': ['y'],
    }),
  ],
  [
    'REQ with unknown keys (dropped)',
    req({ foo: 1, '#ab': 2, '&a': ['x'], '#': ['x'], '#1': ['x'], '#e': ['x'] }),
  ],
  ['REQ #e with non-hex values', req({ '#e': ['not-hex', ''] })],
  ['REQ with 128-char subscription id', ['REQ', 'x'.repeat(128), {}]],
  [
    'REQ with 20 kinds and 256 tag values',
    req({
      kinds: Array.from({ length: 20 }, (_, i) => i),
      '#t': Array.from({ length: 256 }, () => 't'),
    }),
  ],
  ['REQ with 1000 ids', req({ ids: Array.from({ length: 1000 }, () => h('f')) })],
  ['CLOSE', ['CLOSE', 'sub']],
  ['AUTH', ['AUTH', { ...EV, kind: 22242 }]],
]

const invalid: [string, unknown][] = [
  ['EVENT with non-hex id', withEv({ id: h('g') })],
  ['EVENT with upper-case hex id', withEv({ id: h('A') })],
  ['EVENT with short id', withEv({ id: h('a', 63) })],
  ['EVENT with short sig', withEv({ sig: h('e', 126) })],
  ['EVENT with numeric pubkey', withEv({ pubkey: 1 })],
  ['EVENT with non-integer kind', withEv({ kind: 1.5 })],
  ['EVENT with negative kind', withEv({ kind: -1 })],
  ['EVENT with string kind', withEv({ kind: '1' })],
  ['EVENT with huge created_at (1e400 parses to Infinity)', null],
  ['EVENT with negative created_at', withEv({ created_at: -1 })],
  ['EVENT with tags not string arrays', withEv({ tags: [['e', 1]] })],
  ['EVENT with a tag that is a string', withEv({ tags: ['e'] })],
  ['EVENT with tags an object', withEv({ tags: {} })],
  ['EVENT with 2001 tags', withEv({ tags: Array.from({ length: 2001 }, () => ['t', 'x']) })],
  ['EVENT with a 1025-char single-letter tag value', withEv({ tags: [['d', 'x'.repeat(1025)]] })],
  ['EVENT with a 1025-char value of a tag named ""', withEv({ tags: [['', 'x'.repeat(1025)]] })],
  ['EVENT with content over 100 KiB', withEv({ content: 'x'.repeat(100 * 1024 + 1) })],
  ['EVENT with numeric content', withEv({ content: 5 })],
  ['EVENT without sig', without('sig')],
  ['EVENT without tags', without('tags')],
  ['EVENT with null event', ['EVENT', null]],
  ['EVENT with an array event', ['EVENT', []]],
  ['EVENT with a third item', ['EVENT', EV, 1]],
  ['EVENT alone', ['EVENT']],
  ['REQ with empty subscription id', ['REQ', '', {}]],
  ['REQ with 129-char subscription id', ['REQ', 'x'.repeat(129), {}]],
  ['REQ with numeric subscription id', ['REQ', 1, {}]],
  ['REQ with negative limit', req({ limit: -1 })],
  ['REQ with fractional limit', req({ limit: 1.5 })],
  ['REQ with string since', req({ since: '1' })],
  ['REQ with non-hex ids', req({ ids: ['zz'] })],
  ['REQ with short author', req({ authors: [h('a', 10)] })],
  ['REQ with 21 kinds', req({ kinds: Array.from({ length: 21 }, (_, i) => i) })],
  ['REQ with 1001 authors', req({ authors: Array.from({ length: 1001 }, () => h('b')) })],
  ['REQ with empty #e', req({ '#e': [] })],
  ['REQ with 257 #t values', req({ '#t': Array.from({ length: 257 }, () => 't') })],
  ['REQ with a 1025-char #d value', req({ '#d': ['x'.repeat(1025)] })],
  ['REQ with numeric #p value', req({ '#p': [1] })],
  ['REQ with #e a string', req({ '#e': h('a') })],
  ['REQ with a 257-char search', req({ search: 'x'.repeat(257) })],
  ['REQ with a filter that is an array', req([])],
  ['REQ with a null filter', req(null)],
  ['REQ whose second filter is bad', req({}, { kinds: ['1'] })],
  ['REQ alone', ['REQ']],
  ['CLOSE with a third item', ['CLOSE', 'sub', {}]],
  ['CLOSE with an empty id', ['CLOSE', '']],
  ['CLOSE with a numeric id', ['CLOSE', 1]],
  ['AUTH with an empty event', ['AUTH', {}]],
  ['unknown verb', ['COUNT', 'sub', {}]],
  ['lower-case verb', ['event', EV]],
  ['non-string verb', [1, 'x']],
  ['empty array', []],
  ['non-array JSON (object)', { kind: 1 }],
  ['non-array JSON (string)', 'EVENT'],
  ['non-array JSON (null)', null],
]

const rawOf = (name: string, msg: unknown) =>
  name.includes('1e400')
    ? JSON.stringify(['EVENT', { ...EV, created_at: 0 }]).replace(
        '"created_at":0',
        '"created_at":1e400',
      )
    : JSON.stringify(msg)

describe('parseClientMessage agrees with @nostr-relay/validator', () => {
  it.each(valid)('accepts %s', async (name, msg) => {
    expect((await agree(rawOf(name, msg))).ok).toBe(true)
  })

  it.each(invalid)('refuses %s', async (name, msg) => {
    expect((await agree(rawOf(name, msg))).ok).toBe(false)
  })

  it.each(['', '{', '[1,', 'undefined', '["EVENT",{}]x'])(
    'refuses invalid JSON %j',
    async (raw) => {
      expect((await agree(raw)).ok).toBe(false)
    },
  )

  it('returns fresh objects without unknown keys, in the library order', () => {
    const out = viaOurs(
      JSON.stringify(['EVENT', { extra: 1, ...Object.fromEntries(Object.entries(EV).reverse()) }]),
    )
    expect(out.ok && Object.keys((out.value as unknown[])[1] as object)).toEqual([
      'id',
      'pubkey',
      'created_at',
      'kind',
      'tags',
      'content',
      'sig',
    ])
  })

  it('agrees on 3,000 random mutations of valid messages', async () => {
    // mulberry32: small, seeded, and its low bits are as random as its high ones.
    let seed = 42
    const rand = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
      return Math.floor((((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * n)
    }
    const pool: unknown[] = [
      '',
      'zz',
      h('a'),
      h('A'),
      h('a', 63),
      h('e', 128),
      'x'.repeat(1025),
      'x'.repeat(129),
      'x',
      0,
      -0,
      -1,
      1.5,
      23195,
      2 ** 53,
      null,
      true,
      [],
      {},
      ['x'],
      [h('a')],
      [1],
      [[]],
      [['e', h('a')]],
    ]
    const bases: unknown[] = [
      ['EVENT', EV],
      ['AUTH', EV],
      ['CLOSE', 'sub'],
      req({ kinds: [23195], '#e': [h('a')], authors: [h('b')] }),
      req(
        { ids: [h('a')], since: 1, until: 2, limit: 10, search: 's', '#t': ['a', 'b'] },
        { kinds: [1] },
      ),
    ]
    const keys = [
      'id',
      'pubkey',
      'created_at',
      'kind',
      'tags',
      'content',
      'sig',
      'extra',
      'ids',
      'authors',
      'kinds',
      'since',
      'until',
      'limit',
      'search',
      '#e',
      '#t',
      '#ab',
      '&e',
    ]
    const mutate = (v: unknown, depth: number): unknown => {
      if (depth > 0 && rand(4) === 0) return pool[rand(pool.length)]
      if (Array.isArray(v)) {
        const copy = v.map((x) => (rand(3) === 0 ? mutate(x, depth + 1) : x))
        const r = rand(10)
        if (r === 0) copy.push(pool[rand(pool.length)])
        if (r === 1) copy.pop()
        return copy
      }
      if (v && typeof v === 'object') {
        const copy: Record<string, unknown> = { ...(v as Record<string, unknown>) }
        for (const k of Object.keys(copy)) if (rand(4) === 0) copy[k] = mutate(copy[k], depth + 1)
        const r = rand(6)
        if (r === 0) delete copy[Object.keys(copy)[0] ?? '']
        if (r === 1) copy[keys[rand(keys.length)]!] = pool[rand(pool.length)]
        return copy
      }
      return rand(2) === 0 ? pool[rand(pool.length)] : v
    }
    let accepted = 0
    let sameMessage = 0
    for (let i = 0; i < 3000; i++) {
      const msg = mutate(bases[i % bases.length], 0)
      const out = await agree(JSON.stringify(msg))
      if (out.ok) accepted += 1
      if (out.sameText) sameMessage += 1
    }
    // Both outcomes are well represented, so the agreement is not all refusals.
    expect(accepted).toBeGreaterThan(300)
    expect(accepted).toBeLessThan(2700)
    expect(sameMessage).toBeGreaterThan(300)
  })
})
