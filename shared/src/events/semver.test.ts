import { describe, expect, it } from 'vitest'
import { coerceVersion, compareSemver, isSemver, isVersion, parseSemver } from './semver.ts'

describe('isSemver (SemVer 2.0.0 grammar)', () => {
  it.each([
    '0.0.0',
    '1.2.3',
    '10.20.30',
    '1.0.0-alpha',
    '1.0.0-alpha.1',
    '1.0.0-0.3.7',
    '1.0.0-x.7.z.92',
    '1.0.0+20130313144700',
    '1.0.0-beta+exp.sha.5114f85',
    '1.0.0-rc.1+build.1',
    '99999999999999999999.0.0',
  ])('accepts %s', (v) => expect(isSemver(v)).toBe(true))
  it.each([
    '1',
    '1.2',
    'v1.2.3',
    '01.2.3',
    '1.02.3',
    '1.2.03',
    '1.2.3-',
    '1.2.3-01',
    '1.2.3+',
    '1.2.3-alpha..1',
    ' 1.2.3',
    '1.2.3 ',
    '1.2.3.4',
    '1.2.3-ä',
    '',
    `1.0.0-${'a'.repeat(60)}`,
  ])('rejects %j', (v) => expect(isSemver(v)).toBe(false))
  it('parses big numbers exactly as bigint', () => {
    expect(parseSemver('99999999999999999999.0.1-rc.1+b')).toEqual({
      major: 99999999999999999999n,
      minor: 0n,
      patch: 1n,
      prerelease: ['rc', '1'],
      build: ['b'],
    })
  })
})

describe('compareSemver (SemVer 2.0.0 section 11 precedence)', () => {
  it('orders the spec example 1.0.0-alpha < … < 1.0.0', () => {
    const ordered = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
    ]
    const shuffled = [...ordered].reverse()
    expect(shuffled.sort(compareSemver)).toEqual(ordered)
  })
  it('compares numeric parts as numbers, not strings', () => {
    expect(compareSemver('1.10.0', '1.9.0')).toBeGreaterThan(0)
    expect(compareSemver('2.0.0', '10.0.0')).toBeLessThan(0)
    expect(compareSemver('1.0.0-2', '1.0.0-10')).toBeLessThan(0)
  })
  it('ignores build metadata', () => {
    expect(compareSemver('1.0.0+a', '1.0.0+b')).toBe(0)
  })
  it('sorts newest first with (a, b) => compareSemver(b, a), non-SemVer last', () => {
    const vs = ['1.0.0', 'junk', '1.1.0-beta', '0.9.9', '1.1.0']
    expect(vs.sort((a, b) => compareSemver(b, a))).toEqual([
      '1.1.0',
      '1.1.0-beta',
      '1.0.0',
      '0.9.9',
      'junk',
    ])
  })
})

describe('loose versions (NIP-82 App. D: SemVer where possible)', () => {
  it.each([
    ['1.0', '1.0.0', []],
    ['v1.2.3', '1.2.3', []],
    ['V2', '2.0.0', []],
    ['1.2.3.4', '1.2.3', [4n]],
    ['2024.01.15', '2024.1.15', []],
    ['1.0rc1', '1.0.0', []],
    ['1.2.3-beta01', '1.2.3', []],
    ['1.2.3_beta', '1.2.3', []],
    ['01.2.3', '1.2.3', []],
  ] as const)('%s coerces to %s', (v, core, extra) => {
    const c = coerceVersion(v)
    expect(c && `${c.major}.${c.minor}.${c.patch}`).toBe(core)
    expect(c?.extra).toEqual(extra)
    expect(isVersion(v)).toBe(true)
  })
  it.each([
    'latest',
    'beta',
    '',
    'v',
    '1.2.3-',
    '1..2',
    '1.2 ',
    'ver1.0',
    '1.0@2',
    `1.${'0'.repeat(70)}`,
  ])('%j is no version', (v) => {
    expect(isVersion(v)).toBe(false)
  })
  it('strict SemVer keeps its exact fields (build metadata and all)', () => {
    expect(coerceVersion('1.0.0-rc.1+b')).toEqual({
      major: 1n,
      minor: 0n,
      patch: 0n,
      extra: [],
      prerelease: ['rc', '1'],
      build: ['b'],
    })
  })
  it('orders loose and strict versions together by their coercion', () => {
    const vs = [
      '1.0',
      'v1.2.3',
      '1.2.3.4',
      '1.10',
      '1.2',
      '0.9.9',
      'latest',
      '1.2.3-beta01',
      '2.0.0-rc.1',
    ]
    expect(vs.sort((a, b) => compareSemver(b, a))).toEqual([
      '2.0.0-rc.1',
      '1.10',
      '1.2.3.4',
      'v1.2.3',
      '1.2.3-beta01',
      '1.2',
      '1.0',
      '0.9.9',
      'latest',
    ])
  })
  it('equal coercions compare equal (1.0 = 1.0.0 = v1.0.0)', () => {
    expect(compareSemver('1.0', '1.0.0')).toBe(0)
    expect(compareSemver('v1.0.0', '1.0')).toBe(0)
  })
})
