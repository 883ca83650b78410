/**
 * The indexer parses with the shared event profile (@zapcade/shared/events/*): profile rules hold
 * end to end through the real pipeline, and each refusal is counted as rejected:parse:<field>.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { asset, game, makeDev, profile, release, type Dev } from '../testing/fixtures.ts'
import { indexInOrder } from '../testing/harness.ts'
import { createInlineVerifier, type Verifier } from './verify.ts'
import { parseCounterName, parseIndexed } from './parse.ts'

const T = 1_700_000_000
let verifier: Verifier
let dev: Dev
let other: Dev
beforeAll(async () => {
  verifier = await createInlineVerifier()
  dev = await makeDev()
  other = await makeDev()
})
afterAll(async () => verifier.close())

describe('parseIndexed with the shared profile', () => {
  it.each([
    ['price: not a non-negative integer', 'rejected:parse:price'],
    ['d: must be <slug>@<version>', 'rejected:parse:d'],
    ["a: game pubkey must be the release's pubkey", 'rejected:parse:a'],
    ['weird reason without colon', 'rejected:parse:weirdreasonwithoutcolon'],
  ])('reason %j is counted as %s', (reason, counter) => {
    expect(parseCounterName(reason)).toBe(counter)
  })

  it('maps each indexed kind to its shape', () => {
    const as = asset(dev, 'g', '1.0.0', T)
    const kinds = [
      game(dev, 'g', T),
      as,
      release(dev, 'g', '1.0.0', as.id, T),
      profile(dev, { name: 'Dev' }, T),
    ].map((ev) => {
      const r = parseIndexed(ev)
      return r.ok ? r.value.kind : r.reason
    })
    expect(kinds).toEqual(['game', 'asset', 'release', 'profile'])
  })

  it('a profile shows display_name, else name, and drops a malformed lud16', () => {
    const r = parseIndexed(profile(dev, { name: 'dev', lud16: 'not-an-address' }, T))
    expect(r.ok && r.value.kind === 'profile' && r.value.profile).toEqual({
      displayName: 'dev',
      picture: undefined,
      lud16: undefined,
      nip05: undefined,
    })
  })
})

describe('indexing through the shared parsers', () => {
  it('a release naming another developer’s game or a string that is no version is refused and counted by field', async () => {
    const as = asset(dev, 'g1', '1.0.0', T + 1)
    const stolen = dev.sign({
      kind: 30063,
      created_at: T + 2,
      content: '',
      tags: [
        ['d', 'g1@1.0.0'],
        ['i', 'g1'],
        ['version', '1.0.0'],
        ['a', `32267:${other.pubkey}:g1`],
        ['e', as.id],
      ],
    })
    const loose = dev.sign({
      kind: 30063,
      created_at: T + 2,
      content: '',
      tags: [
        ['d', 'g1@latest'],
        ['i', 'g1'],
        ['version', 'latest'],
        ['e', as.id],
      ],
    })
    const r = await indexInOrder([game(dev, 'g1', T), as, stolen, loose], verifier)
    expect(r.indexer.counters()).toMatchObject({
      'rejected:parse:a': 1,
      'rejected:parse:version': 1,
    })
    expect(r.db.prepare('SELECT count(*) FROM releases').pluck().get()).toBe(0)
    await r.close()
  })

  it('a Zapstore-style release (no a, relay hint, extra tags) links to its game and build', async () => {
    const as = asset(dev, 'g2', '2.0.0-beta.1', T + 1)
    const zsp = dev.sign({
      kind: 30063,
      created_at: T + 2,
      content: 'changelog',
      tags: [
        ['i', 'g2'],
        ['version', '2.0.0-beta.1'],
        ['d', 'g2@2.0.0-beta.1'],
        ['c', 'beta'],
        ['e', as.id, 'wss://relay.example'],
        ['url', 'https://example.com/r'],
        ['r', 'https://example.com'],
        ['alt', 'release'],
        ['h', 'zapstore'],
      ],
    })
    const r = await indexInOrder([game(dev, 'g2', T), as, zsp], verifier)
    expect(r.db.prepare('SELECT version, channel, release_notes FROM releases').get()).toEqual({
      version: '2.0.0-beta.1',
      channel: 'beta',
      release_notes: 'changelog',
    })
    expect(r.db.prepare('SELECT content_type FROM build_assets').pluck().get()).toBe(
      'application/zip',
    )
    await r.close()
  })

  it('an asset that is not a zip is kept, but a release whose only asset it is has no build and is refused', async () => {
    const apk = dev.sign({
      kind: 3063,
      created_at: T + 1,
      content: '',
      tags: [
        ['i', 'g3'],
        ['version', '1.0.0'],
        ['x', 'ab'.repeat(32)],
        ['size', '10'],
        ['m', 'application/vnd.android.package-archive'],
      ],
    })
    const rel = release(dev, 'g3', '1.0.0', apk.id, T + 2)
    const r = await indexInOrder([game(dev, 'g3', T), apk, rel], verifier)
    expect(r.indexer.counters()).toMatchObject({ 'rejected:release-assets': 1 })
    expect(r.db.prepare('SELECT count(*) FROM releases').pluck().get()).toBe(0)
    expect(
      r.db.prepare('SELECT state, reason FROM developer_events WHERE event_id = ?').get(rel.id),
    ).toEqual({
      state: 'REFUSED',
      reason: 'e: a release needs exactly one application/zip asset (its build), found 0 among 1',
    })
    await r.close()
  })
})
