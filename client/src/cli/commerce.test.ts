/** `zapcade keys|sale|code|gift` as child processes against the service over real HTTP. */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nip19 } from 'nostr-tools'
import { seedGame } from '@zapcade/market-service/testing/payments-harness'
import {
  newKey,
  startHarness,
  type Harness,
  type Key,
} from '@zapcade/market-service/testing/service-harness'
import { runZapcade } from './testing/run-cli.ts'

let h: Harness, dir: string
const dev = newKey(),
  fan = newKey(),
  friend = newKey()
const cli = (key: Key | undefined, args: string[]) =>
  runZapcade(args, {
    cwd: dir,
    env: {
      ZAPCADE_API: h.svc.config.publicUrl,
      ...(key ? { ZAPCADE_NSEC: nip19.nsecEncode(key.sk) } : {}),
    },
  })

beforeAll(async () => {
  h = await startHarness()
  dir = await mkdtemp(join(tmpdir(), 'zapcade-commerce-'))
  seedGame(h.svc.db, dev, 'tower', { priceMsat: 21_000, marketPubkey: 'f'.repeat(64) })
}, 60_000)
afterAll(async () => {
  await h.stop()
  await rm(dir, { recursive: true, force: true })
})

describe('zapcade keys, sale, code, gift', { timeout: 60_000 }, () => {
  it('mints keys to a CSV, redeems one into a key and one as a guest, revokes one', async () => {
    const m = await cli(dev, ['keys', 'mint', 'tower', '--count', '3', '--csv', 'keys.csv'])
    expect(m.stderr).toBe('')
    expect(m.code).toBe(0)
    const keys = (await readFile(join(dir, 'keys.csv'), 'utf8')).trim().split('\n').slice(1)
    expect(keys).toHaveLength(3)
    const r = await cli(fan, ['keys', 'redeem', keys[0]!])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('Redeemed: ')
    const again = await cli(friend, ['keys', 'redeem', keys[0]!])
    expect(again.code).toBe(2)
    expect(again.stderr).toContain('already redeemed')
    const g = await cli(undefined, ['keys', 'redeem', keys[1]!, '--guest'])
    expect(g.code).toBe(0)
    const code = /Receipt code: (ZC-[0-9A-Z-]+)/.exec(g.stdout + g.stderr)?.[1]
    expect(code).toBeDefined()
    const c = await cli(friend, ['keys', 'claim', code!])
    expect(c.code).toBe(0)
    expect((await cli(dev, ['keys', 'revoke', keys[2]!])).code).toBe(0)
    expect((await cli(fan, ['keys', 'redeem', keys[2]!])).stderr).toContain('revoked')
  })

  it('schedules a sale and creates a code: the price answers both', async () => {
    const s = await cli(dev, [
      'sale',
      'create',
      'tower',
      '--percent',
      '50',
      '--until',
      `${Math.floor(Date.now() / 1000) + 3600}`,
    ])
    expect(s.stderr).toBe('')
    expect(s.stdout).toContain('50% off')
    const c = await cli(dev, [
      'code',
      'create',
      'tower',
      'half',
      '--off-sats',
      '1',
      '--max-uses',
      '5',
    ])
    expect(c.code).toBe(0)
    expect(c.stdout).toContain('Code HALF: 1 sats off, 5 uses.')
    const price = (await (
      await h.call(`/api/v1/games/${dev.pubkey}/tower/price?code=half`)
    ).json()) as {
      final_price_msat: number
    }
    expect(price.final_price_msat).toBe(21_000 - 10_500 - 1_000)
  })
})
