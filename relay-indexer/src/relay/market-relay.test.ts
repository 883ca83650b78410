import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { Relay, useWebSocketImplementation } from 'nostr-tools/relay'
import type { Filter } from 'nostr-tools/filter'
import type { NostrEvent } from '@zapcade/shared/events/event'
import { deletion, game, makeDev, type Dev } from '../testing/fixtures.ts'
import { startMarketRelay, type MarketRelay } from './market-relay.ts'

useWebSocketImplementation(WebSocket)

const T = Math.floor(Date.now() / 1000) - 100

async function query(url: string, filters: Filter[]): Promise<string[]> {
  const r = await Relay.connect(url)
  const got: string[] = []
  await new Promise<void>((resolve) => {
    r.subscribe(filters, { onevent: (e) => got.push(e.id), oneose: resolve })
  })
  r.close()
  return got
}

/** Publish and answer the relay's OK reason (publish rejects with it on OK false). */
async function publish(url: string, ev: NostrEvent): Promise<{ ok: boolean; reason: string }> {
  const r = await Relay.connect(url)
  try {
    const reason = await r.publish(ev)
    return { ok: true, reason }
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e) }
  } finally {
    r.close()
  }
}

describe('market relay', () => {
  let relay: MarketRelay
  let dev: Dev
  beforeAll(async () => {
    relay = await startMarketRelay()
    dev = await makeDev()
  })
  afterAll(async () => {
    await relay.stop()
  })

  it('stores an event and serves it to a REQ by #d, then sends EOSE', async () => {
    const ev = game(dev, 'x', T)
    expect((await publish(relay.url, ev)).ok).toBe(true)
    expect(await query(relay.url, [{ kinds: [32267], '#d': ['x'] }])).toEqual([ev.id])
  })

  it('replaces an addressable event with a newer version and keeps the newer one', async () => {
    const v1 = game(dev, 'rep', T)
    const v2 = game(dev, 'rep', T + 1)
    await publish(relay.url, v1)
    await publish(relay.url, v2)
    await publish(relay.url, v1)
    expect(await query(relay.url, [{ kinds: [32267], authors: [dev.pubkey], '#d': ['rep'] }])).toEqual([v2.id])
  })

  it('refuses content over 64 KiB and more than 2,000 tags with OK false "invalid: …"', async () => {
    const big = dev.sign({ kind: 1, created_at: T, content: 'x'.repeat(64 * 1024 + 1), tags: [] })
    const many = dev.sign({ kind: 1, created_at: T, content: '', tags: Array.from({ length: 2001 }, (_, i) => ['t', `t${i}`]) })
    const a = await publish(relay.url, big)
    const b = await publish(relay.url, many)
    expect(a).toEqual({ ok: false, reason: 'invalid: content over 64 KiB' })
    expect(b).toEqual({ ok: false, reason: 'invalid: more than 2000 tags' })
    expect(await query(relay.url, [{ ids: [big.id, many.id] }])).toEqual([])
  })

  it('refuses a bad signature with OK false', async () => {
    const ev = game(dev, 'bad', T)
    const forged = { ...ev, sig: ev.sig.slice(0, -2) + (ev.sig.endsWith('00') ? '11' : '00') }
    const r = await publish(relay.url, forged)
    expect(r.ok).toBe(false)
    expect(r.reason).toMatch(/^invalid:/)
  })

  it('applies a NIP-09 deletion and also stores and serves the kind-5 request so indexers learn of it', async () => {
    const g = game(dev, 'del', T)
    await publish(relay.url, g)
    const del = deletion(dev, { e: [g.id] }, T + 1)
    expect((await publish(relay.url, del)).ok).toBe(true)
    expect(await query(relay.url, [{ ids: [g.id] }])).toEqual([])
    expect(await query(relay.url, [{ kinds: [5], authors: [dev.pubkey] }])).toEqual([del.id])
  })

  it('an a-deletion removes versions up to its created_at only, and refuses an older version republished', async () => {
    const v1 = game(dev, 'addr', T)
    await publish(relay.url, v1)
    const del = deletion(dev, { a: [`32267:${dev.pubkey}:addr`] }, T + 5)
    await publish(relay.url, del)
    expect(await query(relay.url, [{ kinds: [32267], authors: [dev.pubkey], '#d': ['addr'] }])).toEqual([])
    const old = await publish(relay.url, game(dev, 'addr', T + 1, { title: 'Old' }))
    expect(old.ok).toBe(false)
    expect(old.reason).toBe(`blocked: deleted by ${del.id}`)
    const v3 = game(dev, 'addr', T + 10)
    await publish(relay.url, v3)
    // A second deletion dated before v3 must not remove v3.
    await publish(relay.url, deletion(dev, { a: [`32267:${dev.pubkey}:addr`] }, T + 6))
    expect(await query(relay.url, [{ kinds: [32267], authors: [dev.pubkey], '#d': ['addr'] }])).toEqual([v3.id])
  })

  it('refuses a republished copy of an event deleted by e', async () => {
    const g = game(dev, 'gone', T)
    await publish(relay.url, g)
    const del = deletion(dev, { e: [g.id] }, T + 1)
    await publish(relay.url, del)
    expect(await publish(relay.url, g)).toEqual({ ok: false, reason: `blocked: deleted by ${del.id}` })
  })

  it('ignores a deletion by another author', async () => {
    const other = await makeDev()
    const g = game(dev, 'keep', T)
    await publish(relay.url, g)
    await publish(relay.url, deletion(other, { e: [g.id] }, T + 1))
    expect(await query(relay.url, [{ ids: [g.id] }])).toEqual([g.id])
  })
})
