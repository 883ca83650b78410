/**
 * GET /api/v1/developer/events over real HTTP, as production runs it: the market relay, the indexer on
 * the service's database file (two processes sharing one SQLite file), events published to the relay.
 * A developer reads, signed with NIP-98, which of their events were refused and which wait, and why.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { Relay, useWebSocketImplementation } from 'nostr-tools/relay'
import { DeveloperEventsResponse } from '@zapcade/shared/api/developer'
import { buildBuildAsset } from '@zapcade/shared/events/build-asset'
import { buildGame } from '@zapcade/shared/events/game'
import { buildRelease } from '@zapcade/shared/events/release'
import type { NostrEvent } from '@zapcade/shared/events/event'
import { startIndexer, type Indexer } from '@zapcade/relay-indexer/indexer'
import { openCatalog, type Db } from '@zapcade/relay-indexer/store/open'
import { createInlineVerifier, type Verifier } from '@zapcade/relay-indexer/pipeline/verify'
import {
  eventually,
  newKey,
  sign,
  startHarness,
  type Harness,
  type Key,
} from '../testing/service-harness.ts'

useWebSocketImplementation(WebSocket)

const now = () => Math.floor(Date.now() / 1000)
let h: Harness
let db: Db
let indexer: Indexer
let verifier: Verifier
const dev = newKey()

/** Publish as any Nostr client would, straight to the relay. */
async function publish(...evs: NostrEvent[]): Promise<void> {
  const r = await Relay.connect(h.relay.url)
  for (const ev of evs) await r.publish(ev)
  r.close()
}
const list = async (key: Key) => {
  const res = await h.call('/api/v1/developer/events', { auth: key })
  expect(res.status).toBe(200)
  return DeveloperEventsResponse.parse(await res.json()).items
}

beforeAll(async () => {
  h = await startHarness()
  db = openCatalog(join(h.dir, 'zapcade.db'))
  verifier = await createInlineVerifier()
  indexer = await startIndexer({ db, relays: [h.relay.url], verifier, log: () => {} })
  await indexer.whenCaughtUp()
})
afterAll(async () => {
  await indexer.stop()
  db.close()
  await verifier.close()
  await h.stop()
})

describe('GET /api/v1/developer/events', () => {
  it("lists the caller's refused and pending events with their reason, newest first; nobody else's", async () => {
    const t = now() - 100
    const listed = sign(
      dev,
      buildGame({ slug: 'lantern', title: 'Lantern', tags: ['puzzle'], createdAtSec: t }),
    )
    await publish(listed)
    await eventually(
      async () =>
        db.prepare(`SELECT 1 FROM games WHERE slug = 'lantern'`).get() as object | undefined,
    )
    // The release names an asset that was never published: it waits for it.
    const zip = sign(
      dev,
      buildBuildAsset({
        slug: 'lantern',
        version: '1.0.0',
        sha256: 'ab'.repeat(32),
        sizeBytes: 10,
        createdAtSec: t + 1,
      }),
    )
    const waiting = sign(
      dev,
      buildRelease({
        pubkey: dev.pubkey,
        slug: 'lantern',
        version: '1.0.0',
        assetEventId: zip.id,
        publishedAtSec: t + 2,
      }),
    )
    await publish(waiting)
    // A listing that is not a game (no ["t","game"]) is refused by the indexer.
    const notAGame = sign(dev, {
      kind: 32267,
      created_at: t + 3,
      content: '',
      tags: [
        ['d', 'tool'],
        ['name', 'A tool'],
      ],
    })
    await publish(notAGame)
    const items = await eventually(async () => {
      const got = await list(dev)
      return got.length === 2 ? got : undefined
    })
    expect(items).toEqual([
      {
        event_id: notAGame.id,
        kind: 32267,
        state: 'REFUSED',
        reason: 't: a game must carry ["t","game"]',
        created_at: t + 3,
        seen_at: expect.any(Number),
      },
      {
        event_id: waiting.id,
        kind: 30063,
        state: 'PENDING',
        reason: `waiting for asset ${zip.id}`,
        created_at: t + 2,
        seen_at: expect.any(Number),
      },
    ])
    expect(await list(newKey())).toEqual([])
  })

  it('refuses an unsigned call with a problem and a stable code', async () => {
    const res = await h.call('/api/v1/developer/events')
    expect(res.status).toBe(401)
    expect(res.headers.get('content-type')).toContain('application/problem+json')
    expect(((await res.json()) as { code: string }).code).toMatch(/^[A-Z_]+$/)
  })
})
