/**
 * Stage 2: verify. The id is recomputed with node:crypto (NIP-01: sha256 of the compact JSON
 * serialization) before any signature work, then the BIP-340 signature is checked with libsecp256k1
 * (native, else WASM; shared/src/crypto/event-sig.ts), inline or in a worker_threads pool (A1).
 * Everything sits behind one `VerifyBatch` function so the pipeline and the benchmark use the same code.
 */
import { Worker } from 'node:worker_threads'
import { verifyEventSignature } from '@zapcade/shared/crypto/event-sig'
import type { NostrEvent } from '@zapcade/shared/events/event'

export { computeEventId } from '@zapcade/shared/crypto/event-sig'

/** Verify the signatures of events whose ids were already recomputed; answers one boolean per event. */
export type VerifyBatch = (events: NostrEvent[]) => Promise<boolean[]>

export interface Verifier {
  verify: VerifyBatch
  /** Number of signature checks run so far (tests assert one verify per distinct event). */
  calls(): number
  close(): Promise<void>
}

/** Signatures checked on the calling thread. */
export function createInlineVerifier(): Promise<Verifier> {
  let calls = 0
  return Promise.resolve({
    verify(events) {
      calls += events.length
      return Promise.resolve(events.map((ev) => verifyEventSignature(ev)))
    },
    calls: () => calls,
    async close() {},
  })
}

interface PoolWorker {
  worker: Worker
  pending: Map<number, (ok: boolean[]) => void>
  load: number
}

/**
 * A pool of `size` worker threads checking signatures (verify-worker.mjs). A batch is split evenly
 * across workers; the answer keeps the input order. Rejects pending calls if a worker dies (the caller counts them as failed).
 */
export async function createWorkerVerifier(size = 2): Promise<Verifier> {
  const url = new URL('./verify-worker.mjs', import.meta.url)
  let seq = 0
  let calls = 0
  const workers: PoolWorker[] = await Promise.all(
    Array.from({ length: Math.max(1, size) }, async () => {
      const worker = new Worker(url)
      const w: PoolWorker = { worker, pending: new Map(), load: 0 }
      await new Promise<void>((resolve, reject) => {
        worker.once('error', reject)
        worker.on('message', (m: { ready?: true; seq?: number; ok?: boolean[] }) => {
          if (m.ready) return resolve()
          const done = m.seq === undefined ? undefined : w.pending.get(m.seq)
          if (done && m.seq !== undefined && m.ok) {
            w.pending.delete(m.seq)
            w.load -= m.ok.length
            done(m.ok)
          }
        })
      })
      worker.on('error', () => {
        for (const done of w.pending.values()) done([])
        w.pending.clear()
      })
      worker.unref()
      return w
    }),
  )
  const send = (w: PoolWorker, events: NostrEvent[]): Promise<boolean[]> =>
    new Promise((resolve) => {
      const id = ++seq
      w.pending.set(id, (ok) => resolve(events.map((_, i) => ok[i] === true)))
      w.load += events.length
      w.worker.postMessage({ seq: id, json: JSON.stringify(events) })
    })
  return {
    async verify(events) {
      calls += events.length
      if (events.length === 0) return []
      // Small batches go whole to the least-loaded worker; big ones are split across all of them.
      const sorted = [...workers].sort((a, b) => a.load - b.load)
      const parts = events.length < 64 ? 1 : workers.length
      const chunk = Math.ceil(events.length / parts)
      const answers = await Promise.all(
        sorted.slice(0, parts).map((w, i) => send(w, events.slice(i * chunk, (i + 1) * chunk))),
      )
      return answers.flat()
    },
    calls: () => calls,
    async close() {
      await Promise.all(workers.map((w) => w.worker.terminate()))
    },
  }
}
