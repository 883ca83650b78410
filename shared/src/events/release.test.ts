import { describe, expect, it } from 'vitest'
import { adding, newKey, replacing, sign, signTags, withTags, without } from './testing/sign.ts'
import type { UnsignedEvent } from './event.ts'
import { verifyEvent } from 'nostr-tools/pure'
import { buildRelease, parseRelease } from './release.ts'
import {
  ZAPSTORE_LEGACY_ASSET,
  ZAPSTORE_LEGACY_RELEASE,
  zspRelease,
} from './testing/nip82-fixtures.ts'

const dev = newKey()
const other = newKey()
const assetId = 'ab'.repeat(32)

const base = (): UnsignedEvent =>
  buildRelease({
    pubkey: dev.pk,
    slug: 'star-miner',
    version: '1.2.0',
    assetEventId: assetId,
    notes: '- faster mining',
    publishedAtSec: 1_760_000_000,
  })

describe('parseRelease (kind 30063)', () => {
  it('a built release round-trips: published_at = created_at, notes = content, channel main', () => {
    const ev = sign(base(), dev)
    expect(parseRelease(ev)).toEqual({
      ok: true,
      value: {
        eventId: ev.id,
        pubkey: dev.pk,
        d: 'star-miner@1.2.0',
        slug: 'star-miner',
        version: '1.2.0',
        channel: 'main',
        gameCoordinate: `32267:${dev.pk}:star-miner`,
        assets: [{ id: assetId, relay: undefined }],
        notes: '- faster mining',
        publishedAtSec: 1_760_000_000,
      },
    })
  })

  it('a Zapstore-style release (zsp order, relay hint, no a, extra url/r/zap/alt/h tags) still parses', () => {
    const ev = signTags(
      30063,
      [
        ['i', 'star-miner'],
        ['version', '2.0.0-beta.1'],
        ['d', 'star-miner@2.0.0-beta.1'],
        ['c', 'beta'],
        ['e', assetId, 'wss://relay.zapstore.dev'],
        ['url', 'https://github.com/dev/star-miner/releases/tag/v2.0.0-beta.1'],
        ['r', 'https://github.com/dev/star-miner'],
        ['zap', dev.pk, 'wss://relay.zapstore.dev', '1'],
        ['alt', 'Release of star-miner 2.0.0-beta.1'],
        ['h', 'zapstore'],
      ],
      dev,
      'changelog',
    )
    const r = parseRelease(ev)
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.value).toMatchObject({
      version: '2.0.0-beta.1',
      channel: 'beta',
      assets: [{ id: assetId, relay: 'wss://relay.zapstore.dev' }],
      gameCoordinate: `32267:${dev.pk}:star-miner`,
    })
  })

  it('a release without c is on the main channel', () => {
    const r = parseRelease(sign(withTags(base(), without('c')), dev))
    expect(r.ok && r.value.channel).toBe('main')
  })

  const invalid: [string, (t: string[][]) => string[][], string][] = [
    ['no d', without('d'), 'd: missing'],
    ['d not <slug>@<version>', replacing(['d', 'star-miner']), 'd: must be <slug>@<version>'],
    [
      'd naming another version',
      replacing(['d', 'star-miner@1.1.0']),
      'd: must be <slug>@<version>',
    ],
    ['two d tags', adding(['d', 'star-miner@1.2.0']), 'd: duplicate tag'],
    ['no i and no a', (t) => without('a')(without('i')(t)), 'i: missing'],
    [
      'an i that is not a slug',
      replacing(['i', 'Star Miner']),
      'i: slug must match [A-Za-z0-9][A-Za-z0-9._-]{0,63}',
    ],
    ['two i tags', adding(['i', 'star-miner']), 'i: duplicate tag'],
    [
      'no version and a d that does not carry one',
      (t) => replacing(['d', 'star-miner'])(without('version')(t)),
      'version: missing',
    ],
    [
      'a version that is no version',
      (t) => replacing(['d', 'star-miner@latest'])(replacing(['version', 'latest'])(t)),
      'version: not a version (SemVer such as 1.2.3, or 1.0, v1.2.3), at most 64 characters',
    ],
    ['two version tags', adding(['version', '1.2.0']), 'version: duplicate tag'],
    ['two c tags', adding(['c', 'beta']), 'c: duplicate tag'],
    [
      'a channel with spaces',
      replacing(['c', 'my channel']),
      'c: channel must match [a-z0-9][a-z0-9._-]{0,31}',
    ],
    [
      'an a naming another developer',
      replacing(['a', `32267:${other.pk}:star-miner`]),
      "a: game pubkey must be the release's pubkey",
    ],
    [
      'an a naming another game',
      replacing(['a', `32267:${dev.pk}:moon-miner`]),
      'a: game slug must equal i',
    ],
    [
      'an a of another kind',
      replacing(['a', `30023:${dev.pk}:star-miner`]),
      'a: must be 32267:<pubkey>:<slug>',
    ],
    ['two a tags', adding(['a', `32267:${dev.pk}:star-miner`]), 'a: duplicate tag'],
    ['no e', without('e'), 'e: at least one asset required'],
    [
      'an e that is not hex',
      replacing(['e', 'AB'.repeat(32)]),
      'e: asset id must be 64 lowercase hex',
    ],
    ['a second e that is not hex', adding(['e', 'xyz']), 'e: asset id must be 64 lowercase hex'],
    [
      'more than 32 assets',
      adding(...Array.from({ length: 32 }, (_, i) => ['e', i.toString(16).padStart(64, 'c')])),
      'e: more than 32 assets',
    ],
  ]
  it.each(invalid)('rejects %s', (_name, edit, reason) => {
    expect(parseRelease(sign(withTags(base(), edit), dev))).toEqual({ ok: false, reason })
  })

  it('rejects another kind', () => {
    expect(parseRelease(sign({ ...base(), kind: 30064 }, dev))).toEqual({
      ok: false,
      reason: 'kind: expected 30063, got 30064',
    })
  })

  it('rejects a tag value over the 1 KiB limit', () => {
    const r = parseRelease(sign(withTags(base(), adding(['alt', 'x'.repeat(1025)])), dev))
    expect(r).toEqual({ ok: false, reason: 'alt: tag value over 1 KiB' })
  })
})

describe('parseRelease: releases as publishers send them (testing/nip82-fixtures.ts)', () => {
  it('the real Zapstore legacy release (a + d, no i/version, e to a 1063): game from a, version from d', () => {
    expect(verifyEvent({ ...ZAPSTORE_LEGACY_RELEASE })).toBe(true)
    const r = parseRelease(ZAPSTORE_LEGACY_RELEASE)
    expect(r.ok && r.value).toMatchObject({
      slug: 'dev.zapstore.app',
      version: '0.1.6',
      d: 'dev.zapstore.app@0.1.6',
      channel: 'main',
      assets: [{ id: ZAPSTORE_LEGACY_ASSET.id, relay: undefined }],
      publishedAtSec: 1732315685,
    })
  })

  const zsp = (extra: Partial<Parameters<typeof zspRelease>[0]> = {}) =>
    zspRelease({
      packageId: 'com.example.app',
      version: '1.2.3',
      changelog: 'Bug fixes and improvements',
      channel: 'beta',
      assetEventIds: [assetId, 'cd'.repeat(32)],
      assetRelayHint: 'wss://relay.example.com',
      platforms: ['android-arm64-v8a', 'android-armeabi-v7a'],
      createdAtSec: 1_760_000_000,
      ...extra,
    })
  const shapes: [string, UnsignedEvent, Record<string, unknown>][] = [
    [
      'zsp release with two assets (relay hints kept)',
      zsp(),
      {
        assets: [
          { id: assetId, relay: 'wss://relay.example.com' },
          { id: 'cd'.repeat(32), relay: 'wss://relay.example.com' },
        ],
        channel: 'beta',
      },
    ],
    ['a loose version 1.0', zsp({ version: '1.0' }), { version: '1.0', d: 'com.example.app@1.0' }],
    ['a v-prefixed version', zsp({ version: 'v1.2.3' }), { version: 'v1.2.3' }],
    ['a four-part Android version', zsp({ version: '2024.01.15.3' }), { version: '2024.01.15.3' }],
    [
      'an app id with capitals',
      zsp({ packageId: 'com.Example.App' }),
      { slug: 'com.Example.App', gameCoordinate: `32267:${dev.pk}:com.Example.App` },
    ],
    [
      'one asset listed twice',
      zsp({ assetEventIds: [assetId, assetId] }),
      { assets: [{ id: assetId, relay: 'wss://relay.example.com' }] },
    ],
    [
      'no relay hint',
      zsp({ assetRelayHint: '' }),
      {
        assets: [
          { id: assetId, relay: undefined },
          { id: 'cd'.repeat(32), relay: undefined },
        ],
      },
    ],
  ]
  it.each(shapes)('accepts %s', (_name, u, expected) => {
    const r = parseRelease(sign(withTags(u, adding(['h', 'community'])), dev))
    expect(r.ok && r.value).toMatchObject({
      slug: 'com.example.app',
      notes: 'Bug fixes and improvements',
      ...expected,
    })
  })

  it('an i that differs from d in case is refused (addresses are case-sensitive)', () => {
    const u = withTags(zsp(), replacing(['d', 'com.Example.app@1.2.3']))
    expect(parseRelease(sign(u, dev))).toEqual({ ok: false, reason: 'd: must be <slug>@<version>' })
  })
})

describe('buildRelease', () => {
  it('emits d, i, version, c, a and e (with relay hint) in the profile shape', () => {
    const u = buildRelease({
      pubkey: dev.pk,
      slug: 'g',
      version: '0.1.0',
      channel: 'beta',
      assetEventId: assetId,
      assetRelay: 'wss://r.example',
      publishedAtSec: 5,
    })
    expect(u).toEqual({
      kind: 30063,
      created_at: 5,
      content: '',
      tags: [
        ['d', 'g@0.1.0'],
        ['i', 'g'],
        ['version', '0.1.0'],
        ['c', 'beta'],
        ['a', `32267:${dev.pk}:g`],
        ['e', assetId, 'wss://r.example'],
      ],
    })
  })
})
