import { describe, expect, it } from 'vitest'
import { adding, newKey, replacing, sign, withTags, without } from './testing/sign.ts'
import type { UnsignedEvent } from './event.ts'
import { verifyEvent } from 'nostr-tools/pure'
import { buildBuildAsset, parseAsset, parseBuildAsset } from './build-asset.ts'
import { ZAPSTORE_LEGACY_ASSET, zspAsset } from './testing/nip82-fixtures.ts'

const dev = newKey()
const sha = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

const base = (): UnsignedEvent =>
  buildBuildAsset({
    slug: 'star-miner',
    version: '1.2.0',
    sha256: sha,
    sizeBytes: 52_428_800,
    platforms: ['linux-x86_64', 'windows-x86_64'],
    url: 'https://market.example/api/v1/games/x/star-miner/download?version=1.2.0',
    createdAtSec: 1_760_000_000,
  })

describe('parseBuildAsset (kind 3063)', () => {
  it('a built asset round-trips', () => {
    const ev = sign(base(), dev)
    expect(parseBuildAsset(ev)).toEqual({
      ok: true,
      value: {
        eventId: ev.id,
        pubkey: dev.pk,
        slug: 'star-miner',
        version: '1.2.0',
        sha256: sha,
        kind: 3063,
        sizeBytes: 52_428_800,
        mime: 'application/zip',
        platforms: ['linux-x86_64', 'windows-x86_64'],
        url: 'https://market.example/api/v1/games/x/star-miner/download?version=1.2.0',
        urls: ['https://market.example/api/v1/games/x/star-miner/download?version=1.2.0'],
        variant: undefined,
        createdAtSec: 1_760_000_000,
      },
    })
  })

  const valid: [string, (t: string[][]) => string[][]][] = [
    ['no url (NIP-82: found by hash)', without('url')],
    ['no f tags', without('f')],
    [
      'NIP-82 extras such as variant, commit and supported_nip',
      adding(['variant', 'steam'], ['commit', 'abc123'], ['supported_nip', '57']),
    ],
    ['a loose version (1.2)', replacing(['version', '1.2'])],
    ['a v-prefixed version', replacing(['version', 'v1.2.0'])],
    [
      'an upper-case zip mime (MIME types are case-insensitive)',
      replacing(['m', 'Application/Zip']),
    ],
    ['an i with capitals', replacing(['i', 'com.Star.Miner'])],
    [
      'two url tags (zsp lists the original and a Blossom mirror)',
      adding(['url', 'https://cdn.example/x.zip']),
    ],
    [
      'an h community tag',
      adding(['h', 'acfeaea6e51420e8068fac446ca9d17d7a9ef6a5d20d93894e50fee3d4902a84']),
    ],
  ]
  it.each(valid)('accepts %s', (_name, edit) => {
    expect(parseBuildAsset(sign(withTags(base(), edit), dev)).ok).toBe(true)
  })

  const invalid: [string, (t: string[][]) => string[][], string][] = [
    ['no i', without('i'), 'i: missing'],
    [
      'an i that is not a slug',
      replacing(['i', '-star']),
      'i: slug must match [A-Za-z0-9][A-Za-z0-9._-]{0,63}',
    ],
    ['no version', without('version'), 'version: missing'],
    [
      'a version that is no version',
      replacing(['version', 'latest']),
      'version: not a version (SemVer such as 1.2.3, or 1.0, v1.2.3), at most 64 characters',
    ],
    ['no x', without('x'), 'x: missing'],
    ['an upper-case x', replacing(['x', sha.toUpperCase()]), 'x: sha256 must be 64 lowercase hex'],
    ['a short x', replacing(['x', sha.slice(2)]), 'x: sha256 must be 64 lowercase hex'],
    ['two x tags', adding(['x', sha]), 'x: duplicate tag'],
    ['no size', without('size'), 'size: missing'],
    ['a zero size', replacing(['size', '0']), 'size: must be a positive integer number of bytes'],
    [
      'a fractional size',
      replacing(['size', '10.5']),
      'size: must be a positive integer number of bytes',
    ],
    [
      'a size with a leading zero',
      replacing(['size', '0100']),
      'size: must be a positive integer number of bytes',
    ],
    [
      'a size over the cap',
      replacing(['size', String(65 * 2 ** 30)]),
      `size: above ${64 * 2 ** 30} bytes`,
    ],
    ['no m', without('m'), 'm: missing'],
    [
      'an apk mime (NIP-82 default, not ours)',
      replacing(['m', 'application/vnd.android.package-archive']),
      'm: must be application/zip',
    ],
    ['an m that is no MIME type', replacing(['m', 'zip']), 'm: not a MIME type'],
    [
      'a platform with spaces',
      adding(['f', 'Linux x86']),
      'f: platform id must match [a-z0-9][a-z0-9_-]{0,31}',
    ],
    ['a non-http url', replacing(['url', 'ftp://files.example/x.zip']), 'url: not an http(s) URL'],
    [
      'a second url that is not http(s)',
      adding(['url', 'magnet:?xt=urn:btih:abc']),
      'url: not an http(s) URL',
    ],
  ]
  it.each(invalid)('rejects %s', (_name, edit, reason) => {
    expect(parseBuildAsset(sign(withTags(base(), edit), dev))).toEqual({ ok: false, reason })
  })

  it('reads a legacy 1063 like a 3063 (same tags)', () => {
    const r = parseBuildAsset(sign({ ...base(), kind: 1063 }, dev))
    expect(r.ok && r.value).toMatchObject({
      kind: 1063,
      slug: 'star-miner',
      version: '1.2.0',
      sha256: sha,
    })
  })

  it('rejects another kind', () => {
    expect(parseBuildAsset(sign({ ...base(), kind: 1064 }, dev))).toEqual({
      ok: false,
      reason: 'kind: expected 3063 or 1063, got 1064',
    })
  })
})

describe('parseAsset: assets as publishers send them (testing/nip82-fixtures.ts)', () => {
  it('the real Zapstore legacy 1063 (no i; <id>@<version> in content): an APK asset, not a build zip', () => {
    expect(verifyEvent({ ...ZAPSTORE_LEGACY_ASSET })).toBe(true)
    const r = parseAsset(ZAPSTORE_LEGACY_ASSET)
    expect(r).toEqual({
      ok: true,
      value: {
        eventId: ZAPSTORE_LEGACY_ASSET.id,
        pubkey: ZAPSTORE_LEGACY_ASSET.pubkey,
        kind: 1063,
        slug: 'dev.zapstore.app',
        version: '0.1.6',
        sha256: '356b8022bd1366cf1a16b80a043a26e0f939d3301bba646b3b7732674ccb181a',
        sizeBytes: 11035057,
        mime: 'application/vnd.android.package-archive',
        platforms: ['android-arm64-v8a'],
        urls: ['https://github.com/zapstore/zapstore/releases/download/0.1.6/zapstore-0.1.6.apk'],
        variant: undefined,
        createdAtSec: 1732315685,
      },
    })
    expect(parseBuildAsset(ZAPSTORE_LEGACY_ASSET)).toEqual({
      ok: false,
      reason: 'm: must be application/zip',
    })
  })

  const zsp = (extra: Partial<Parameters<typeof zspAsset>[0]> = {}) =>
    zspAsset({
      identifier: 'com.example.app',
      version: '1.2.3',
      sha256: sha,
      sizeBytes: 11_035_057,
      certFingerprint: 'cd'.repeat(32),
      filename: 'app.apk',
      urls: [
        'https://github.com/example/app/releases/download/v1.2.3/app.apk',
        `https://cdn.zapstore.dev/${sha}`,
      ],
      platforms: ['android-arm64-v8a'],
      createdAtSec: 1_760_000_000,
      ...extra,
    })
  const shapes: [string, UnsignedEvent, Record<string, unknown>, boolean][] = [
    [
      'zsp APK asset with two urls (all kept)',
      zsp(),
      {
        mime: 'application/vnd.android.package-archive',
        urls: [expect.any(String), `https://cdn.zapstore.dev/${sha}`],
      },
      false,
    ],
    [
      'zsp asset without size (zsp omits an unknown size)',
      zsp({ sizeBytes: 0 }),
      { sizeBytes: undefined },
      false,
    ],
    [
      'zsp-shaped zip build (a game)',
      zsp({ mime: 'application/zip', filename: 'game.zip' }),
      { mime: 'application/zip', sizeBytes: 11_035_057 },
      true,
    ],
    [
      'zsp-shaped zip with a loose version',
      zsp({ mime: 'application/zip', version: 'v2.1' }),
      { version: 'v2.1' },
      true,
    ],
    [
      'zsp-shaped zip with a variant',
      zsp({ mime: 'application/zip', variant: 'steam' }),
      { variant: 'steam' },
      true,
    ],
  ]
  it.each(shapes)('accepts %s', (_name, u, expected, isBuild) => {
    const ev = sign(u, dev)
    const r = parseAsset(ev)
    expect(r.ok && r.value).toMatchObject({ slug: 'com.example.app', sha256: sha, ...expected })
    expect(parseBuildAsset(ev).ok).toBe(isBuild)
  })

  it('a zip without size cannot be the primary build (the download checks it)', () => {
    expect(parseBuildAsset(sign(zsp({ mime: 'application/zip', sizeBytes: 0 }), dev))).toEqual({
      ok: false,
      reason: 'size: missing',
    })
  })

  it('a 1063 with neither i nor <id>@<version> in content is an asset without address', () => {
    const r = parseAsset(
      sign(
        withTags({ ...base(), kind: 1063 }, (t) =>
          t.filter((x) => x[0] !== 'i' && x[0] !== 'version'),
        ),
        dev,
      ),
    )
    expect(r.ok && r.value).toMatchObject({ slug: undefined, version: undefined })
  })
})
