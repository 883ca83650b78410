/** The outbox on a real SQLite file: retries with injected clock and randomness, DONE on one OK. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { NostrEvent } from '@zapcade/shared/events/event'
import { freshDb } from '../../adapters/sqlite/testing/blob-seed.ts'
import { enqueueOutbox, sqliteOutboxRepo } from '../../adapters/sqlite/outbox-repo.ts'
import type { RelayAnswer, RelayPublisher } from '../../ports/relay-publisher.ts'
import { backoffDelaySec, defaultBackoff, processDueJobs, type OutboxDeps } from './outbox.ts'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})
function dbFile(): string {
  const d = mkdtempSync(join(tmpdir(), 'zapcade-outbox-'))
  dirs.push(d)
  return join(d, 'zapcade.db')
}

const EV = {
  id: 'e'.repeat(64),
  pubkey: 'p'.repeat(64),
  created_at: 1,
  kind: 1,
  tags: [],
  content: '',
  sig: 's'.repeat(128),
} as NostrEvent

/** A publisher whose answers per call are scripted; records the relays it was asked to use. */
function scripted(script: RelayAnswer[][]): RelayPublisher & { calls: string[][] } {
  const calls: string[][] = []
  return {
    calls,
    async publish(_ev, relays) {
      calls.push([...(relays ?? [])])
      return script.shift() ?? []
    },
    async close() {},
  }
}

const fail = (relay: string): RelayAnswer => ({ relay, ok: false, reason: 'blocked: nope' })
const okAt = (relay: string): RelayAnswer => ({ relay, ok: true, reason: '' })

function deps(
  file: string,
  publisher: RelayPublisher,
  clock: { now: number },
  random = 0.5,
): OutboxDeps {
  return {
    repo: sqliteOutboxRepo(freshDb(file)),
    publisher,
    configuredRelays: ['wss://conf.example'],
    nowSec: () => clock.now,
    random: () => random,
    handlers: { PUBLISH_EVENT: async () => EV },
  }
}

describe('outbox', () => {
  it('backoff doubles per attempt with jitter in [half, full] and is capped', () => {
    expect(backoffDelaySec(1, () => 0)).toBe(3)
    expect(backoffDelaySec(1, () => 0.999999)).toBe(5)
    expect(backoffDelaySec(4, () => 0)).toBe(20)
    expect(backoffDelaySec(4, () => 1)).toBe(40)
    expect(backoffDelaySec(40, () => 1)).toBe(defaultBackoff.capSec)
  })

  it("enqueue is idempotent per key and joins the caller's transaction", () => {
    const db = freshDb(dbFile())
    expect(
      enqueueOutbox(db, { type: 'PUBLISH_EVENT', payload: EV, idempotencyKey: 'k', nowSec: 10 }),
    ).toBe(true)
    expect(
      enqueueOutbox(db, { type: 'PUBLISH_EVENT', payload: EV, idempotencyKey: 'k', nowSec: 11 }),
    ).toBe(false)
    expect(() =>
      db.transaction(() => {
        enqueueOutbox(db, {
          type: 'PUBLISH_EVENT',
          payload: EV,
          idempotencyKey: 'rolled-back',
          nowSec: 10,
        })
        throw new Error('abort')
      })(),
    ).toThrow('abort')
    expect(db.prepare('SELECT idempotency_key FROM outbox_jobs').all()).toEqual([
      { idempotency_key: 'k' },
    ])
  })

  it('retries with backoff until a relay says OK, to job relays ∪ configured relays, and state survives a reopen', async () => {
    const file = dbFile()
    const db = freshDb(file)
    enqueueOutbox(db, {
      type: 'PUBLISH_EVENT',
      payload: EV,
      relays: ['wss://job.example'],
      idempotencyKey: 'j',
      nowSec: 100,
    })
    const clock = { now: 100 }
    const pub = scripted([
      [fail('wss://job.example'), fail('wss://conf.example')],
      [fail('wss://job.example'), okAt('wss://conf.example')],
    ])
    const first = await processDueJobs(deps(file, pub, clock, 0))
    expect(first).toMatchObject([
      {
        status: 'RETRY',
        error: 'wss://job.example: blocked: nope; wss://conf.example: blocked: nope',
      },
    ])
    expect(pub.calls[0]).toEqual(['wss://job.example', 'wss://conf.example'])
    const row = () =>
      db.prepare('SELECT status, attempts, next_attempt_at, last_error FROM outbox_jobs').get() as {
        status: string
        attempts: number
        next_attempt_at: number
      }
    expect(row()).toMatchObject({ status: 'PENDING', attempts: 1, next_attempt_at: 103 })
    // Not due yet: nothing is claimed.
    clock.now = 102
    expect(await processDueJobs(deps(file, pub, clock))).toEqual([])
    // Due: a fresh connection on the same file (a restart) finds the job and delivers it.
    clock.now = 103
    expect(await processDueJobs(deps(file, pub, clock))).toMatchObject([{ status: 'DONE' }])
    expect(row()).toMatchObject({ status: 'DONE', attempts: 2, last_error: null })
  })

  it('a job claimed by a pass that crashed is retried after its lease', async () => {
    const file = dbFile()
    const db = freshDb(file)
    enqueueOutbox(db, { type: 'PUBLISH_EVENT', payload: EV, idempotencyKey: 'j', nowSec: 100 })
    const repo = sqliteOutboxRepo(db)
    expect(repo.claimDue(100, 220, 10)).toHaveLength(1)
    // The process died here. Before the lease ends nothing is due; after it the job comes back.
    expect(repo.claimDue(219, 339, 10)).toEqual([])
    expect(repo.claimDue(220, 340, 10)).toHaveLength(1)
  })

  it('marks FAILED after the attempt limit, and a missing handler counts as a failed attempt', async () => {
    const file = dbFile()
    const db = freshDb(file)
    enqueueOutbox(db, { type: 'PUBLISH_PROFILE', payload: {}, idempotencyKey: 'p', nowSec: 0 })
    const clock = { now: 0 }
    const d = {
      ...deps(file, scripted([]), clock),
      backoff: { baseSec: 1, capSec: 1, maxAttempts: 3 },
    }
    for (let i = 0; i < 3; i++) {
      await processDueJobs(d)
      clock.now += 10
    }
    expect(db.prepare('SELECT status, attempts, last_error FROM outbox_jobs').get()).toEqual({
      status: 'FAILED',
      attempts: 3,
      last_error: 'no handler registered for PUBLISH_PROFILE',
    })
  })
})
