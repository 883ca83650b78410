/** `zapcade developer address` as a child process against the service over real HTTP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nip19 } from 'nostr-tools'
import { newKey, startHarness, type Harness } from '@zapcade/market-service/testing/service-harness'
import { jsonOf, runZapcade } from './testing/run-cli.ts'

let h: Harness
const dev = newKey()
const cli = (args: string[]) =>
  runZapcade(args, {
    env: { ZAPCADE_API: h.svc.config.publicUrl, ZAPCADE_NSEC: nip19.nsecEncode(dev.sk) },
  })

beforeAll(async () => {
  h = await startHarness()
}, 60_000)
afterAll(async () => {
  await h.stop()
})

describe('zapcade developer address', { timeout: 60_000 }, () => {
  it('shows <npub>@host, claims a short name, releases it; --json is the API answer', async () => {
    const host = new URL(h.svc.config.publicUrl).host
    const shown = await cli(['developer', 'address'])
    expect(shown.code).toBe(0)
    expect(shown.stdout).toContain(
      `Your Lightning address: ${nip19.npubEncode(dev.pubkey)}@${host}`,
    )
    expect(shown.stdout).toContain('zapcade payout set')

    const named = await cli(['developer', 'address', '--name', 'Night-Owl', '--json'])
    expect(named.code).toBe(0)
    expect(jsonOf(named)).toMatchObject({ name: 'night-owl', name_address: `night-owl@${host}` })

    const released = await cli(['developer', 'address', '--release'])
    expect(released.stdout).toContain(
      `Your Lightning address: ${nip19.npubEncode(dev.pubkey)}@${host}`,
    )
    const both = await cli(['developer', 'address', '--name', 'x', '--release'])
    expect(both.code).toBe(1)
    expect(both.stderr).toContain('--name and --release exclude each other')
  })
})
