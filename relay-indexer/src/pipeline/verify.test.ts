import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getEventHash } from 'nostr-tools/pure'
import { forgeSig, game, makeDev, type Dev } from '../testing/fixtures.ts'
import {
  computeEventId,
  createInlineVerifier,
  createWorkerVerifier,
  type Verifier,
} from './verify.ts'
import { backoffMs } from './subscribe.ts'

let dev: Dev
let pool: Verifier
beforeAll(async () => {
  dev = await makeDev()
  pool = await createWorkerVerifier(2)
})
afterAll(async () => pool.close())

describe('verify', () => {
  it('computes the NIP-01 id exactly as nostr-tools does, unicode and escapes included', () => {
    const ev = dev.sign({
      kind: 32267,
      created_at: 1,
      tags: [['d', 'é\n"\\']],
      content: 'ünïcødé 🎮 \t\r\b\f\u0001',
    })
    expect(computeEventId(ev)).toBe(getEventHash(ev))
    expect(computeEventId(ev)).toBe(ev.id)
  })

  it('the worker pool answers one boolean per event, in input order, false for forged signatures', async () => {
    const evs = Array.from({ length: 200 }, (_, i) => game(dev, `v${i}`, 1000 + i))
    const mixed = evs.map((e, i) => (i % 7 === 0 ? forgeSig(e) : e))
    const ok = await pool.verify(mixed)
    expect(ok).toEqual(mixed.map((_, i) => i % 7 !== 0))
    expect(pool.calls()).toBe(200)
  })

  it('the inline verifier agrees with the pool', async () => {
    const inline = await createInlineVerifier()
    const evs = [game(dev, 'a', 1), forgeSig(game(dev, 'b', 2))]
    expect(await inline.verify(evs)).toEqual(await pool.verify(evs))
    await inline.close()
  })
})

describe('reconnect backoff', () => {
  it('grows exponentially, is capped, and jitters within [half, full] of the step', () => {
    expect(backoffMs(0, 1000, 60_000, () => 0)).toBe(500)
    expect(backoffMs(0, 1000, 60_000, () => 0.999999)).toBe(1000)
    expect(backoffMs(3, 1000, 60_000, () => 0)).toBe(4000)
    expect(backoffMs(20, 1000, 60_000, () => 0.5)).toBe(45_000)
    expect(backoffMs(1000, 1000, 60_000, () => 0)).toBe(30_000)
  })
})
