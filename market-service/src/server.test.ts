/** startService lifecycle: graceful stop with a request in flight; outbox jobs survive a restart. */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Hono } from 'hono'
import { afterEach, describe, expect, it } from 'vitest'
import { startMarketRelay } from '@zapcade/relay'
import { addGame, addUser } from './adapters/sqlite/testing/blob-seed.ts'
import { systemClock } from './ports/clock.ts'
import { eventually, newKey, startHarness, type Harness } from './testing/service-harness.ts'

let h: Harness | undefined
afterEach(async () => {
  await h?.stop()
  h = undefined
})

describe('startService', () => {
  it('stops accepting, lets the in-flight request finish, then closes the database', async () => {
    let entered!: () => void
    const inHandler = new Promise<void>((r) => {
      entered = r
    })
    let release!: () => void
    const gate = new Promise<void>((r) => {
      release = r
    })
    const slow = () =>
      new Hono().get('/api/v1/slow', async (c) => {
        entered()
        await gate
        return c.json({ done: true })
      })
    h = await startHarness({ overrides: { features: [slow] } })
    const inflight = h.call('/api/v1/slow')
    await inHandler
    const stopped = h.svc.stop()
    let stopResolved = false
    void stopped.then(() => {
      stopResolved = true
    })
    // New connections are refused while the old request is still running.
    await expect(
      fetch(`${h.svc.url}/healthz`, { headers: { connection: 'close' } }),
    ).rejects.toThrow()
    expect(stopResolved).toBe(false)
    expect(h.svc.db.open).toBe(true)
    release()
    const res = await inflight
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ done: true })
    await stopped
    expect(h.svc.db.open).toBe(false)
  })

  it('writes money with synchronous=FULL and the replay ids through a separate NORMAL connection (DB-2)', async () => {
    h = await startHarness()
    expect(h.svc.db.pragma('synchronous', { simple: true })).toBe(2)
    expect(h.svc.db.pragma('journal_mode', { simple: true })).toBe('wal')
    const dev = newKey()
    expect((await h.call('/api/v1/developer/games', { auth: dev })).status).toBe(200)
    expect(h.svc.db.prepare('SELECT count(*) AS n FROM nip98_replay').get()).toEqual({ n: 1 })
  })

  it('keeps an unpublished outbox job across a restart and delivers it once a relay answers', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zapcade-restart-'))
    // The restarted service's clock runs 2 h ahead and dates its events so: the relay must not refuse them.
    const relay = await startMarketRelay({ port: 0, limits: { createdAtUpperLimit: 3 * 3600 } })
    try {
      const down = await startHarness({ dir, relay, env: { ZAPCADE_RELAYS: 'ws://127.0.0.1:9' } })
      const dev = newKey()
      addGame(down.svc.db, addUser(down.svc.db, dev.pubkey), 'alpha')
      const res = await down.call(`/api/v1/admin/games/${dev.pubkey}/alpha/status`, {
        method: 'POST',
        body: '{"status":"FEATURED"}',
        auth: down.admin,
      })
      expect(res.status).toBe(200)
      const job = () =>
        down.svc.db
          .prepare(
            "SELECT status, attempts, last_error FROM outbox_jobs WHERE type = 'PUBLISH_FEATURED_LIST'",
          )
          .get() as { status: string; attempts: number; last_error: string | null }
      await eventually(async () => job().attempts >= 1)
      expect(job()).toMatchObject({
        status: 'PENDING',
        last_error: expect.stringContaining('ws://127.0.0.1:9'),
      })
      const market = (await (await down.call('/api/v1/info')).json()).market_pubkey as string
      await down.svc.stop()

      // Same data dir (same db, same market key), a relay that answers, and a clock past the backoff.
      const later = {
        nowMs: () => systemClock.nowMs() + 7_200_000,
        nowSec: () => systemClock.nowSec() + 7200,
      }
      h = await startHarness({ dir, relay, overrides: { clock: later } })
      const lists = await eventually(() => h!.query({ kinds: [30267], authors: [market] }))
      expect(lists[0]!.tags).toContainEqual(['a', `32267:${dev.pubkey}:alpha`])
      await eventually(
        async () =>
          (
            h!.svc.db
              .prepare("SELECT status FROM outbox_jobs WHERE type = 'PUBLISH_FEATURED_LIST'")
              .get() as { status: string }
          ).status === 'DONE',
      )
    } finally {
      await h?.stop()
      h = undefined
      await relay.stop()
      await rm(dir, { recursive: true, force: true })
    }
  })
})
