import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { Relay, useWebSocketImplementation } from 'nostr-tools/relay'
import type { Filter } from 'nostr-tools/filter'
import type { NostrEvent } from '@zapcade/shared/events/event'
import { deletion, game, makeDev, type Dev } from './testing/fixtures.ts'
import { relaySignatureChecks } from './event-checks.ts'
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
    expect(
      await query(relay.url, [{ kinds: [32267], authors: [dev.pubkey], '#d': ['rep'] }]),
    ).toEqual([v2.id])
  })

  it('refuses content over 64 KiB and more than 2,000 tags with OK false "invalid: …"', async () => {
    const big = dev.sign({ kind: 1, created_at: T, content: 'x'.repeat(64 * 1024 + 1), tags: [] })
    const many = dev.sign({
      kind: 1,
      created_at: T,
      content: '',
      tags: Array.from({ length: 2001 }, (_, i) => ['t', `t${i}`]),
    })
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
    expect(
      await query(relay.url, [{ kinds: [32267], authors: [dev.pubkey], '#d': ['addr'] }]),
    ).toEqual([])
    const old = await publish(relay.url, game(dev, 'addr', T + 1, { title: 'Old' }))
    expect(old.ok).toBe(false)
    expect(old.reason).toBe(`blocked: deleted by ${del.id}`)
    const v3 = game(dev, 'addr', T + 10)
    await publish(relay.url, v3)
    // A second deletion dated before v3 must not remove v3.
    await publish(relay.url, deletion(dev, { a: [`32267:${dev.pubkey}:addr`] }, T + 6))
    expect(
      await query(relay.url, [{ kinds: [32267], authors: [dev.pubkey], '#d': ['addr'] }]),
    ).toEqual([v3.id])
  })

  it('refuses a republished copy of an event deleted by e', async () => {
    const g = game(dev, 'gone', T)
    await publish(relay.url, g)
    const del = deletion(dev, { e: [g.id] }, T + 1)
    await publish(relay.url, del)
    expect(await publish(relay.url, g)).toEqual({
      ok: false,
      reason: `blocked: deleted by ${del.id}`,
    })
  })

  it('ignores a deletion by another author', async () => {
    const other = await makeDev()
    const g = game(dev, 'keep', T)
    await publish(relay.url, g)
    await publish(relay.url, deletion(other, { e: [g.id] }, T + 1))
    expect(await query(relay.url, [{ ids: [g.id] }])).toEqual([g.id])
  })

  it('checks the signature of each new event once, and not again for a stored duplicate', async () => {
    const ev = game(dev, 'once', T)
    const before = relaySignatureChecks()
    expect((await publish(relay.url, ev)).ok).toBe(true)
    expect(relaySignatureChecks() - before).toBe(1)
    expect((await publish(relay.url, ev)).reason).toMatch(/^duplicate:/)
    expect(relaySignatureChecks() - before).toBe(1)
  })

  it('sends a live event only to subscriptions whose tag filters it matches (NIP-01 #e, #p)', async () => {
    const [x, y] = ['a'.repeat(64), 'b'.repeat(64)]
    const evX = dev.sign({
      kind: 23195,
      created_at: T,
      content: 'x',
      tags: [
        ['e', x],
        ['p', dev.pubkey],
      ],
    })
    const evY = dev.sign({ kind: 23195, created_at: T, content: 'y', tags: [['e', y]] })
    const ws = new WebSocket(relay.url)
    await new Promise((r) => ws.once('open', r))
    const got: Record<string, string[]> = { byE: [], byP: [], all: [] }
    let eose!: () => void
    const subscribed = new Promise<void>((r) => (eose = r))
    let eoses = 0
    const allSeen = new Promise<void>((resolve) => {
      ws.on('message', (data) => {
        const m = JSON.parse(String(data)) as [string, string, { id: string }]
        if (m[0] === 'EOSE' && ++eoses === 3) eose()
        if (m[0] !== 'EVENT') return
        got[m[1]]!.push(m[2].id)
        if (m[1] === 'all' && got['all']!.length === 2) resolve()
      })
    })
    // One socket: the relay sends in subscription order, so by the time `all` has both, the others are done.
    ws.send(JSON.stringify(['REQ', 'byE', { kinds: [23195], '#e': [x] }]))
    ws.send(JSON.stringify(['REQ', 'byP', { kinds: [23195], '#p': [dev.pubkey] }]))
    ws.send(JSON.stringify(['REQ', 'all', { kinds: [23195] }]))
    await subscribed
    await publish(relay.url, evY)
    await publish(relay.url, evX)
    await allSeen
    ws.close()
    expect(got).toEqual({ byE: [evX.id], byP: [evX.id], all: [evY.id, evX.id] })
  })

  it('a REQ naming stored kinds next to ephemeral ones still gets the stored events', async () => {
    const note = dev.sign({
      kind: 1,
      created_at: T,
      content: 'stored',
      tags: [['t', 'mixed-kinds']],
    })
    expect((await publish(relay.url, note)).ok).toBe(true)
    expect(await query(relay.url, [{ kinds: [1, 23195], '#t': ['mixed-kinds'] }])).toEqual([
      note.id,
    ])
    expect(await query(relay.url, [{ kinds: [23195], '#t': ['mixed-kinds'] }])).toEqual([])
  })
})
