import { describe, expect, it } from 'vitest'
import { adding, newKey, replacing, sign, withTags, without } from './testing/sign.ts'
import type { UnsignedEvent } from './event.ts'
import { buildBuildAsset, parseBuildAsset } from './build-asset.ts'

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
        sizeBytes: 52_428_800,
        mime: 'application/zip',
        platforms: ['linux-x86_64', 'windows-x86_64'],
        url: 'https://market.example/api/v1/games/x/star-miner/download?version=1.2.0',
        createdAtSec: 1_760_000_000,
      },
    })
  })

  const valid: [string, (t: string[][]) => string[][]][] = [
    ['no url (NIP-82: found by hash)', without('url')],
    ['no f tags', without('f')],
    ['NIP-82 extras such as variant, commit and supported_nip', adding(['variant', 'steam'], ['commit', 'abc123'], ['supported_nip', '57'])],
  ]
  it.each(valid)('accepts %s', (_name, edit) => {
    expect(parseBuildAsset(sign(withTags(base(), edit), dev)).ok).toBe(true)
  })

  const invalid: [string, (t: string[][]) => string[][], string][] = [
    ['no i', without('i'), 'i: missing'],
    ['an i that is not a slug', replacing(['i', '-star']), 'i: slug must match [a-z0-9][a-z0-9._-]{0,63}'],
    ['no version', without('version'), 'version: missing'],
    ['a non-SemVer version', replacing(['version', '1.2']), 'version: must be SemVer 2.0.0 (e.g. 1.2.3), at most 64 characters'],
    ['no x', without('x'), 'x: missing'],
    ['an upper-case x', replacing(['x', sha.toUpperCase()]), 'x: sha256 must be 64 lowercase hex'],
    ['a short x', replacing(['x', sha.slice(2)]), 'x: sha256 must be 64 lowercase hex'],
    ['two x tags', adding(['x', sha]), 'x: duplicate tag'],
    ['no size', without('size'), 'size: missing'],
    ['a zero size', replacing(['size', '0']), 'size: must be a positive integer number of bytes'],
    ['a fractional size', replacing(['size', '10.5']), 'size: must be a positive integer number of bytes'],
    ['a size with a leading zero', replacing(['size', '0100']), 'size: must be a positive integer number of bytes'],
    ['a size over the cap', replacing(['size', String(65 * 2 ** 30)]), `size: above ${64 * 2 ** 30} bytes`],
    ['no m', without('m'), 'm: missing'],
    ['an apk mime (NIP-82 default, not ours)', replacing(['m', 'application/vnd.android.package-archive']), 'm: must be application/zip'],
    ['an upper-case zip mime', replacing(['m', 'Application/Zip']), 'm: must be application/zip'],
    ['a platform with spaces', adding(['f', 'Linux x86']), 'f: platform id must match [a-z0-9][a-z0-9_-]{0,31}'],
    ['a non-http url', replacing(['url', 'ftp://files.example/x.zip']), 'url: not an http(s) URL'],
    ['two url tags (zsp lists mirrors)', adding(['url', 'https://cdn.example/x.zip']), 'url: duplicate tag'],
  ]
  it.each(invalid)('rejects %s', (_name, edit, reason) => {
    expect(parseBuildAsset(sign(withTags(base(), edit), dev))).toEqual({ ok: false, reason })
  })

  it('rejects another kind (a NIP-94 1063)', () => {
    expect(parseBuildAsset(sign({ ...base(), kind: 1063 }, dev))).toEqual({ ok: false, reason: 'kind: expected 3063, got 1063' })
  })
})
