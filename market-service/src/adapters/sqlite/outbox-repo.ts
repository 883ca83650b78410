/**
 * The outbox in SQLite (table outbox_jobs). `enqueueOutbox` is a plain INSERT OR IGNORE on the
 * idempotency key, so it can run inside any caller's transaction (settlement, admin status changes).
 */
import type Database from 'better-sqlite3'
import type { OutboxJob, OutboxRepo, OutboxType } from '../../domain/outbox/outbox.ts'
import type { EnqueueInput } from '../../ports/outbox-queue.ts'

export type { EnqueueInput }

/** Enqueue a job; answers true when it is new. Safe inside an open transaction. */
export function enqueueOutbox(db: Database.Database, j: EnqueueInput): boolean {
  const r = db
    .prepare(`INSERT OR IGNORE INTO outbox_jobs (type, payload_json, relays_json, status, attempts, next_attempt_at, idempotency_key, created_at, updated_at)
    VALUES (?, ?, ?, 'PENDING', 0, ?, ?, ?, ?)`)
    .run(
      j.type,
      JSON.stringify(j.payload),
      JSON.stringify(j.relays ?? []),
      j.nowSec,
      j.idempotencyKey,
      j.nowSec,
      j.nowSec,
    )
  return r.changes === 1
}

interface Row {
  id: number
  type: OutboxType
  payload_json: string
  relays_json: string
  attempts: number
}

export function sqliteOutboxRepo(db: Database.Database): OutboxRepo {
  const due = db.prepare(`SELECT id, type, payload_json, relays_json, attempts FROM outbox_jobs
    WHERE status = 'PENDING' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`)
  const lease = db.prepare(
    "UPDATE outbox_jobs SET next_attempt_at = ?, updated_at = ? WHERE id = ? AND status = 'PENDING'",
  )
  const claim = db.transaction((nowSec: number, leaseUntil: number, limit: number): OutboxJob[] => {
    const rows = due.all(nowSec, limit) as Row[]
    for (const r of rows) lease.run(leaseUntil, nowSec, r.id)
    return rows.map((r) => ({
      id: r.id,
      type: r.type,
      payload: JSON.parse(r.payload_json) as unknown,
      relays: JSON.parse(r.relays_json) as string[],
      attempts: r.attempts,
    }))
  })
  const done = db.prepare(
    "UPDATE outbox_jobs SET status = 'DONE', attempts = ?, last_error = NULL, updated_at = ? WHERE id = ?",
  )
  const retry = db.prepare(
    'UPDATE outbox_jobs SET attempts = ?, next_attempt_at = ?, last_error = ?, updated_at = ? WHERE id = ?',
  )
  const failed = db.prepare(
    "UPDATE outbox_jobs SET status = 'FAILED', attempts = ?, last_error = ?, updated_at = ? WHERE id = ?",
  )
  return {
    claimDue: (nowSec, leaseUntilSec, limit) => claim.immediate(nowSec, leaseUntilSec, limit),
    markDone: (id, attempts, nowSec) => {
      done.run(attempts, nowSec, id)
    },
    markRetry: (id, attempts, nextAt, error, nowSec) => {
      retry.run(attempts, nextAt, error.slice(0, 1000), nowSec, id)
    },
    markFailed: (id, attempts, error, nowSec) => {
      failed.run(attempts, error.slice(0, 1000), nowSec, id)
    },
  }
}
