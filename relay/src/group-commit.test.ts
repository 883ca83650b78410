/**
 * Group commit (event-store.ts): events arriving together are written in one transaction, and an OK true
 * is sent only once the event is committed, i.e. readable by another connection to the relay's file.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import Database from 'better-sqlite3'
import WebSocket from 'ws'
import type { NostrEvent } from '@zapcade/shared/events/event'
import { game, makeDev, type Dev } from './testing/fixtures.ts'
import { startMarketRelay, type MarketRelay } from './market-relay.ts'

const T = Math.floor(Date.now() / 1000) - 100

type Ok = [string, string, boolean, string]

/** Send every frame at once on one connection; answer the OKs in arrival order, each checked by `onOk`. */
async function sendAll(
  url: string,
  events: NostrEvent[],
  onOk: (ok: Ok) => void = () => {},
): Promise<Ok[]> {
  const ws = new WebSocket(url)
  await new Promise((r, j) => ws.once('open', r).once('error', j))
  const oks: Ok[] = []
  await new Promise<void>((resolve) => {
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as Ok
      if (m[0] !== 'OK') return
      onOk(m)
      oks.push(m)
      if (oks.length === events.length) resolve()
    })
    for (const ev of events) ws.send(JSON.stringify(['EVENT', ev]))
  })
  ws.close()
  return oks
}

describe('relay group commit', () => {
  let dir: string
  let relay: MarketRelay
  let reader: Database.Database
  let dev: Dev
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'zapcade-relay-gc-'))
    relay = await startMarketRelay({ file: join(dir, 'relay.db'), rateLimit: false })
    reader = new Database(join(dir, 'relay.db'), { readonly: true })
    dev = await makeDev()
  })
  afterAll(async () => {
    reader.close()
    await relay.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('answers OK true only for events another connection can already read, from 4 connections at once', async () => {
    const stored = reader.prepare('SELECT 1 FROM events WHERE id = ?')
    const seenAtOk: boolean[] = []
    const batches = [0, 1, 2, 3].map((c) =>
      Array.from({ length: 150 }, (_, i) => game(dev, `gc-${c}-${i}`, T)),
    )
    const oks = await Promise.all(
      batches.map((evs) =>
        sendAll(relay.url, evs, (ok) => seenAtOk.push(ok[2] && stored.get(ok[1]) !== undefined)),
      ),
    )
    expect(oks.flat().every((ok) => ok[2] === true && ok[3] === '')).toBe(true)
    expect(seenAtOk).toHaveLength(600)
    expect(seenAtOk.every(Boolean)).toBe(true)
    const n = reader.prepare(
      "SELECT count(*) AS n FROM events WHERE kind = 32267 AND d_tag_value LIKE 'gc-%'",
    )
    expect((n.get() as { n: number }).n).toBe(600)
    // Fewer transactions than events: they were grouped.
    const { batches: commits, events } = relay.storeStats()
    expect(events).toBeGreaterThanOrEqual(600)
    expect(commits).toBeLessThan(events)
  })

  it('in one batch: a repeated event is a duplicate, and an address keeps its newest version', async () => {
    const ev = game(dev, 'twice', T)
    const v1 = game(dev, 'addr', T)
    const v2 = game(dev, 'addr', T + 1)
    const oks = await sendAll(relay.url, [ev, ev, v2, v1])
    // OKs name their event (NIP-01), in whatever order their batches and broadcasts finish.
    const answers = oks.map((o) => `${o[1]} ${o[2]} ${o[3].split(':')[0]}`).sort()
    expect(answers).toEqual(
      [
        `${ev.id} true `,
        `${ev.id} true duplicate`,
        `${v2.id} true `,
        `${v1.id} true duplicate`,
      ].sort(),
    )
    const kept = reader
      .prepare("SELECT id FROM events WHERE kind = 32267 AND d_tag_value = 'addr'")
      .all() as { id: string }[]
    expect(kept).toEqual([{ id: v2.id }])
    // Its tags are the kept version's, for the library's REQ queries.
    const tags = reader
      .prepare("SELECT count(*) AS n FROM generic_tags WHERE event_id = ? AND tag = 'd:addr'")
      .get(v2.id) as { n: number }
    expect(tags.n).toBe(1)
  })

  it('refuses a bad signature in a batch and stores the rest of it', async () => {
    const good = game(dev, 'good', T)
    const bad = game(dev, 'bad', T)
    const forged = {
      ...bad,
      sig: bad.sig.slice(0, 10) + (bad.sig[10] === '0' ? '1' : '0') + bad.sig.slice(11),
    }
    const oks = await sendAll(relay.url, [forged, good])
    expect(oks.map((o) => [o[1], o[2]])).toEqual([
      [forged.id, false],
      [good.id, true],
    ])
    expect(oks[0]![3]).toMatch(/^invalid: /)
    expect(reader.prepare('SELECT 1 FROM events WHERE id = ?').get(forged.id)).toBeUndefined()
  })
})
