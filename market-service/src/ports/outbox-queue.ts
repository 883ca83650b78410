/** The outbox as the HTTP side sees it: enqueue a publication (idempotent on its key). SQLite: adapters/sqlite/outbox-repo.ts. */
import type { OutboxType } from '../domain/outbox/outbox.ts'

export interface EnqueueInput {
  type: OutboxType
  payload: unknown
  /** Extra relays for this job (the configured relays are always added at publish time). */
  relays?: readonly string[]
  /** Same key → same job (a second enqueue is a no-op). */
  idempotencyKey: string
  nowSec: number
}

export interface OutboxQueue {
  /** Enqueue a job; answers true when it is new. */
  enqueue(job: EnqueueInput): boolean
}
