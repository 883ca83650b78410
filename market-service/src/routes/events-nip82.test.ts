/**
 * POST /api/v1/events with NIP-82 assets as publishers send them (testing/nip82-fixtures.ts): a release's
 * other assets (an APK with two urls, a legacy 1063) are forwarded without an upload, because the market
 * never serves them; a zip is still the build and must name a verified upload with its size.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { ZAPSTORE_LEGACY_ASSET, zspAsset } from '@zapcade/shared/events/testing/nip82-fixtures'
import { newKey, sign, startHarness, type Harness } from '../testing/service-harness.ts'

let h: Harness | undefined
afterEach(async () => {
  await h?.stop()
  h = undefined
})

const post = (hh: Harness, body: unknown) =>
  hh.call('/api/v1/events', { method: 'POST', body: JSON.stringify(body) })
const now = () => Math.floor(Date.now() / 1000)
const sha = 'c'.repeat(64)

describe('POST /api/v1/events: NIP-82 assets', () => {
  it('forwards a zsp APK asset (two urls) and the real legacy 1063 without an upload; a zip still needs one', async () => {
    h = await startHarness()
    const dev = newKey()
    const apk = sign(
      dev,
      zspAsset({
        identifier: 'com.example.game',
        version: 'v1.2',
        sha256: sha,
        sizeBytes: 10,
        urls: ['https://a.example/x.apk', 'https://b.example/x.apk'],
        createdAtSec: now(),
      }),
    )
    expect(await (await post(h, apk)).json()).toMatchObject({ status: 'FORWARDED' })
    expect(await (await post(h, ZAPSTORE_LEGACY_ASSET)).json()).toMatchObject({
      status: 'FORWARDED',
      kind: 1063,
    })
    expect(
      (await h.query({ ids: [apk.id, ZAPSTORE_LEGACY_ASSET.id] })).map((e) => e.id).sort(),
    ).toEqual([apk.id, ZAPSTORE_LEGACY_ASSET.id].sort())

    const zip = sign(
      dev,
      zspAsset({
        identifier: 'com.example.game',
        version: 'v1.2',
        sha256: sha,
        sizeBytes: 10,
        mime: 'application/zip',
        urls: [],
        createdAtSec: now(),
      }),
    )
    const refused = await post(h, zip)
    expect(refused.status).toBe(422)
    expect(await refused.json()).toMatchObject({ code: 'UPLOAD_INVALID' })
    const sizeless = sign(
      dev,
      zspAsset({
        identifier: 'com.example.game',
        version: 'v1.2',
        sha256: sha,
        mime: 'application/zip',
        urls: [],
        createdAtSec: now(),
      }),
    )
    const bad = await post(h, sizeless)
    expect(bad.headers.get('content-type')).toContain('application/problem+json')
    expect(await bad.json()).toMatchObject({ code: 'INVALID_EVENT', detail: 'size: missing' })
  })
})
