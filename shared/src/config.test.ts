import { describe, expect, it } from 'vitest'
import { loadConfig, marketLud16 } from './config.ts'

const NPUB_HEX = '3bf0c63fcb93463407af97a5e5ee64fa883d107ef9e558472c4eb9aaaefa459d'
const NPUB = 'npub180cvv07tjdrrgpa0j7j7tmnyl2yr6yr7l8j4s3evf6u64th6gkwsyjh6w6'

describe('loadConfig', () => {
  it('gives the embedded defaults with an empty environment', () => {
    const r = loadConfig({})
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.value).toMatchObject({
      dataDir: './data',
      host: '127.0.0.1',
      port: 8787,
      publicUrl: 'http://127.0.0.1:8787',
      relays: ['ws://127.0.0.1:7777'],
      feeBps: 500,
      lud16Name: 'zapcade',
      s3: undefined,
      production: false,
    })
    expect(marketLud16(r.value)).toBe('zapcade@127.0.0.1:8787')
  })

  it('names every bad variable in one pass', () => {
    const r = loadConfig({
      ZAPCADE_PORT: 'eighty',
      ZAPCADE_FEE_BPS: '20000',
      ZAPCADE_RELAYS: 'https://relay.example',
      ZAPCADE_ADMIN_PUBKEYS: 'nope',
      ZAPCADE_MARKET_NSEC: 'nsec1xyz',
      ZAPCADE_PUBLIC_URL: 'ftp://x',
    })
    expect(r.ok).toBe(false)
    if (r.ok) return
    const named = r.errors.map((e) => e.split(':')[0])
    expect(named.sort()).toEqual([
      'ZAPCADE_ADMIN_PUBKEYS',
      'ZAPCADE_FEE_BPS',
      'ZAPCADE_MARKET_NSEC',
      'ZAPCADE_PORT',
      'ZAPCADE_PUBLIC_URL',
      'ZAPCADE_RELAYS',
    ])
    expect(r.errors.find((e) => e.startsWith('ZAPCADE_PORT'))).toContain('"eighty"')
  })

  it('reads ZAPCADE_FIAT_RATE as currency and price of 1 BTC, absent by default, refusing other shapes', () => {
    const ok = loadConfig({ ZAPCADE_FIAT_RATE: 'USD:95000' })
    expect(ok.ok && ok.value.fiatRate).toEqual({ currency: 'USD', perBtc: 95000 })
    expect(
      loadConfig({}).ok && (loadConfig({}) as { value: { fiatRate: unknown } }).value.fiatRate,
    ).toBeUndefined()
    for (const bad of ['95000', 'usd:95000', 'USD:0', 'USD:-1', 'USD:1e5', 'USD:95000.123']) {
      const r = loadConfig({ ZAPCADE_FIAT_RATE: bad })
      expect(r.ok ? 'accepted' : r.errors[0]!.split(':')[0], bad).toBe('ZAPCADE_FIAT_RATE')
    }
  })

  it('accepts admin pubkeys as hex or npub, and trims the public URL', () => {
    const r = loadConfig({
      ZAPCADE_ADMIN_PUBKEYS: `${NPUB}, ${'a'.repeat(64)}`,
      ZAPCADE_PUBLIC_URL: 'https://market.example/',
      ZAPCADE_RELAYS: 'wss://a.example, wss://b.example',
    })
    expect(r.ok && r.value.adminPubkeys).toEqual([NPUB_HEX, 'a'.repeat(64)])
    expect(r.ok && r.value.publicUrl).toBe('https://market.example')
    expect(r.ok && r.value.relays).toEqual(['wss://a.example', 'wss://b.example'])
  })

  it('requires the market key, wallet, secret and public URL in production', () => {
    const r = loadConfig({ NODE_ENV: 'production' })
    expect(r.ok ? [] : r.errors.map((e) => e.split(':')[0]).sort()).toEqual([
      'ZAPCADE_MARKET_NSEC',
      'ZAPCADE_NWC_URL',
      'ZAPCADE_PUBLIC_URL',
      'ZAPCADE_SECRET',
    ])
  })

  it('reads S3 settings and refuses one key without the other', () => {
    const r = loadConfig({
      ZAPCADE_S3_BUCKET: 'builds',
      ZAPCADE_S3_PATH_STYLE: 'true',
      ZAPCADE_S3_ENDPOINT: 'http://127.0.0.1:9000',
    })
    expect(r.ok && r.value.s3).toEqual({
      bucket: 'builds',
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9000',
      pathStyle: true,
      accessKeyId: undefined,
      secretAccessKey: undefined,
    })
    expect(
      loadConfig({ ZAPCADE_S3_BUCKET: 'bkt', ZAPCADE_S3_FORCE_PATH_STYLE: '1' }).ok &&
        (
          loadConfig({ ZAPCADE_S3_BUCKET: 'bkt', ZAPCADE_S3_FORCE_PATH_STYLE: '1' }) as {
            value: { s3: { pathStyle: boolean } }
          }
        ).value.s3.pathStyle,
    ).toBe(true)
    const bad = loadConfig({ ZAPCADE_S3_BUCKET: 'builds', ZAPCADE_S3_ACCESS_KEY_ID: 'k' })
    expect(bad.ok ? [] : bad.errors).toEqual([
      'ZAPCADE_S3_SECRET_ACCESS_KEY: set both S3 keys or neither',
    ])
  })

  it('reads the indexer sync interval (default 60 s) and refuses a zero, a word or more than a day', () => {
    expect(
      loadConfig({}).ok &&
        (loadConfig({}) as { value: { syncIntervalSec: number } }).value.syncIntervalSec,
    ).toBe(60)
    const r = loadConfig({ ZAPCADE_SYNC_INTERVAL_SEC: '5' })
    expect(r.ok && r.value.syncIntervalSec).toBe(5)
    for (const bad of ['0', 'soon', '86401', '1.5']) {
      const b = loadConfig({ ZAPCADE_SYNC_INTERVAL_SEC: bad })
      expect(b.ok ? [] : b.errors.map((e) => e.split(':')[0])).toEqual([
        'ZAPCADE_SYNC_INTERVAL_SEC',
      ])
    }
  })
})
