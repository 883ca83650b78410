/**
 * `zapcade events` run as a child process against the service over real HTTP, with the indexer on the
 * service's database and events published to the market relay: the developer reads their refused and
 * waiting events and why, and can narrow to one state; errors stay one line.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { Relay, useWebSocketImplementation } from 'nostr-tools/relay'
import { nip19 } from 'nostr-tools'
import { buildGame } from '@zapcade/shared/events/game'
import { buildRelease } from '@zapcade/shared/events/release'
import type { NostrEvent } from '@zapcade/shared/events/event'
import { startIndexer, type Indexer } from '@zapcade/relay-indexer/indexer'
import { openCatalog, type Db } from '@zapcade/relay-indexer/store/open'
import { createInlineVerifier, type Verifier } from '@zapcade/relay-indexer/pipeline/verify'
import {
  newKey,
  sign,
  startHarness,
  type Harness,
} from '@zapcade/market-service/testing/service-harness'
import { jsonOf, runZapcade } from './testing/run-cli.ts'

useWebSocketImplementation(WebSocket)

let h: Harness
let db: Db
let indexer: Indexer
let verifier: Verifier
const dev = newKey()
const t = Math.floor(Date.now() / 1000) - 100
const waitingFor = 'cd'.repeat(32)
let refused: NostrEvent
let waiting: NostrEvent

const cli = (args: string[]) =>
  runZapcade(args, {
    env: { ZAPCADE_API: h.svc.config.publicUrl, ZAPCADE_NSEC: nip19.nsecEncode(dev.sk) },
  })

beforeAll(async () => {
  h = await startHarness()
  db = openCatalog(join(h.dir, 'zapcade.db'))
  verifier = await createInlineVerifier()
  indexer = await startIndexer({ db, relays: [h.relay.url], verifier, log: () => {} })
  await indexer.whenCaughtUp()
  refused = sign(dev, {
    kind: 32267,
    created_at: t + 3,
    content: '',
    tags: [
      ['d', 'tool'],
      ['name', 'A tool'],
    ],
  })
  waiting = sign(
    dev,
    buildRelease({
      pubkey: dev.pubkey,
      slug: 'lantern',
      version: '1.0',
      assetEventId: waitingFor,
      publishedAtSec: t + 2,
    }),
  )
  const r = await Relay.connect(h.relay.url)
  for (const ev of [
    sign(dev, buildGame({ slug: 'lantern', title: 'Lantern', createdAtSec: t })),
    waiting,
    refused,
  ])
    await r.publish(ev)
  r.close()
  const end = Date.now() + 20_000
  while (
    (db.prepare('SELECT count(*) FROM developer_events').pluck().get() as number) < 2 &&
    Date.now() < end
  )
    await new Promise((f) => setTimeout(f, 50))
}, 60_000)
afterAll(async () => {
  await indexer.stop()
  db.close()
  await verifier.close()
  await h.stop()
})

describe('zapcade events', { timeout: 60_000 }, () => {
  it('prints each refused or waiting event with its reason; --json gives the items', async () => {
    const text = await cli(['events'])
    expect(text.code).toBe(0)
    expect(text.stdout).toContain(
      `kind 32267  REFUSED   ${refused.id}\n    t: a game must carry ["t","game"]`,
    )
    expect(text.stdout).toContain(
      `kind 30063  PENDING   ${waiting.id}\n    waiting for asset ${waitingFor}`,
    )
    const json = jsonOf<{ items: { event_id: string; state: string }[] }>(
      await cli(['events', '--json']),
    )
    expect(json.items.map((e) => [e.event_id, e.state])).toEqual([
      [refused.id, 'REFUSED'],
      [waiting.id, 'PENDING'],
    ])
  })

  it('--pending and --refused narrow the list; both at once is a usage error (exit 1, one line)', async () => {
    expect(
      jsonOf<{ items: { event_id: string }[] }>(
        await cli(['events', '--pending', '--json']),
      ).items.map((e) => e.event_id),
    ).toEqual([waiting.id])
    expect(
      jsonOf<{ items: { event_id: string }[] }>(
        await cli(['events', '--refused', '--json']),
      ).items.map((e) => e.event_id),
    ).toEqual([refused.id])
    const both = await cli(['events', '--pending', '--refused'])
    expect(both.code).toBe(1)
    expect(both.stderr.split('\n').filter((l) => l.startsWith('zapcade: '))).toHaveLength(1)
  })
})
