/**
 * Run the background workers only while this process holds the leader lease (ports/leader-lease.ts).
 * Every `renewEveryMs` (default a third of the lease) the leader renews; a follower tries to take the
 * lease as often. When the lease is lost — renewal refused, or no successful renewal for half the lease
 * time (the database is unreachable) — the workers are stopped before the lease can have expired in
 * another process's eyes, and the process goes back to trying. When the leader is killed, another
 * process takes over at most `ttlMs + renewEveryMs` after its last renewal. `stop()` stops the workers
 * and releases the lease, so a clean shutdown hands over at once.
 */
import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import type { LeaderLease } from '../ports/leader-lease.ts'
import type { Worker } from './worker.ts'

/** What a worker may check before a write that must not happen under an old tenure. */
export interface Fence {
  readonly token: number
  /** True while this tenure still holds the lease (one read of the lease store). */
  isCurrent(): Promise<boolean>
}

export interface LeaderOptions {
  /** The lease's name; one per group of workers that must run once. Default `workers`. */
  name?: string
  /** This process's name in the lease row. Default `<host>:<pid>:<random>`. */
  holder?: string
  /** Lease time. Default 15 s. */
  ttlMs?: number
  /** Renewal and takeover attempts. Default ttlMs / 3. */
  renewEveryMs?: number
  /** Told each time this process becomes leader (with its token) or stops being one. */
  onChange?: (e: { leader: true; token: number } | { leader: false; reason: string }) => void
  onError?: (e: unknown) => void
  /** For tests: the local clock used to judge how long since the last successful renewal. */
  nowMs?: () => number
}

/** Also a Worker, so a composition root can put it where its workers went: kick() kicks the running ones. */
export interface LeaderHandle extends Worker {
  readonly holder: string
  isLeader(): boolean
  /** The current tenure's token while leader. */
  token(): number | undefined
  /** Stop the workers (if leading), release the lease, stop trying. */
  stop(): Promise<void>
}

export function runAsLeader(
  lease: LeaderLease,
  startWorkers: (fence: Fence) => Worker[] | Promise<Worker[]>,
  o: LeaderOptions = {},
): LeaderHandle {
  const name = o.name ?? 'workers'
  const holder = o.holder ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`
  const ttlMs = o.ttlMs ?? 15_000
  const every = o.renewEveryMs ?? Math.max(1, Math.floor(ttlMs / 3))
  if (every * 2 > ttlMs) throw new RangeError('renewEveryMs must be at most half of ttlMs')
  const now = o.nowMs ?? (() => performance.now())
  const onError = o.onError ?? (() => {})
  let token: number | undefined
  let workers: Worker[] = []
  let lastRenewOk = 0
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  let ticking: Promise<void> | undefined

  const stepDown = async (reason: string): Promise<void> => {
    const w = workers
    workers = []
    token = undefined
    for (const x of w) {
      try {
        await x.stop()
      } catch (e) {
        onError(e)
      }
    }
    o.onChange?.({ leader: false, reason })
  }

  const tick = async (): Promise<void> => {
    if (token === undefined) {
      let g
      try {
        g = await lease.acquire(name, holder, ttlMs)
      } catch (e) {
        onError(e)
        return
      }
      if (!g || stopped) {
        if (g && stopped) await lease.release(name, holder, g.token).catch(onError)
        return
      }
      token = g.token
      lastRenewOk = now()
      const mine = g.token
      const fence: Fence = { token: mine, isCurrent: () => lease.isCurrent(name, mine) }
      o.onChange?.({ leader: true, token: mine })
      try {
        workers = await startWorkers(fence)
      } catch (e) {
        onError(e)
        await stepDown('workers failed to start')
        await lease.release(name, holder, mine).catch(onError)
      }
      return
    }
    try {
      const g = await lease.renew(name, holder, token, ttlMs)
      if (g) lastRenewOk = now()
      else await stepDown('lease lost')
    } catch (e) {
      onError(e)
      // Stop well before the lease can have lapsed for the others.
      if (now() - lastRenewOk >= ttlMs / 2) await stepDown('lease not renewed')
    }
  }

  const loop = (): void => {
    if (stopped) return
    ticking = tick().finally(() => {
      ticking = undefined
      if (!stopped) {
        timer = setTimeout(loop, every)
        timer.unref?.()
      }
    })
  }
  loop()

  return {
    name: `leader:${name}`,
    kick() {
      for (const w of workers) w.kick()
    },
    holder,
    isLeader: () => token !== undefined,
    token: () => token,
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      await ticking
      const t = token
      if (t !== undefined) {
        await stepDown('stopped')
        await lease.release(name, holder, t).catch(onError)
      }
    },
  }
}
