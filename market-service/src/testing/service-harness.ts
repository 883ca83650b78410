/**
 * Test harness: a real market relay on 127.0.0.1, the service over real HTTP on port 0 with a SQLite
 * file in a temp dir, and helpers to sign NIP-98 requests and read events back from the relay.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { finalizeEvent, generateSecretKey, getPublicKey } from 'nostr-tools/pure'
import { SimplePool, useWebSocketImplementation } from 'nostr-tools/pool'
import type { Filter } from 'nostr-tools/filter'
import { pino } from 'pino'
import { startMarketRelay, type MarketRelay } from '@zapcade/relay'
import { configFrom, type Env } from '@zapcade/shared/config'
import { buildHttpAuth, httpAuthHeader, sha256Hex } from '@zapcade/shared/events/http-auth'
import type { NostrEvent, UnsignedEvent } from '@zapcade/shared/events/event'
import { SafeWebSocket } from '../adapters/nostr/relay-publisher.ts'
import { startService, type RunningService, type StartOptions } from '../server.ts'

useWebSocketImplementation(SafeWebSocket as unknown as typeof globalThis.WebSocket)

export interface Key {
  sk: Uint8Array
  pubkey: string
}

export function newKey(): Key {
  const sk = generateSecretKey()
  return { sk, pubkey: getPublicKey(sk) }
}

export function sign(key: Key, ev: UnsignedEvent): NostrEvent {
  const s = finalizeEvent({ ...ev }, key.sk)
  return {
    id: s.id,
    pubkey: s.pubkey,
    created_at: s.created_at,
    kind: s.kind,
    tags: s.tags,
    content: s.content,
    sig: s.sig,
  }
}

export interface Harness {
  svc: RunningService
  relay: MarketRelay
  dir: string
  admin: Key
  /** A fetch on the service, path relative to its URL. */
  call(path: string, init?: RequestInit & { auth?: Key | AuthTweak }): Promise<Response>
  /** Events on the relay matching `filter`. */
  query(filter: Filter): Promise<NostrEvent[]>
  stop(): Promise<void>
}

/** How to sign (or mis-sign) the NIP-98 event of a call. */
export interface AuthTweak {
  key: Key
  createdAtOffsetSec?: number
  url?: string
  method?: string
  /** Sign this body instead of the one sent. */
  signedBody?: string
  /** Base64 flavour of the header. */
  urlSafe?: boolean
}

export async function authHeader(
  t: AuthTweak,
  url: string,
  method: string,
  body: string | undefined,
): Promise<string> {
  const signedBody = t.signedBody ?? body
  const ev = sign(
    t.key,
    buildHttpAuth({
      url: t.url ?? url,
      method: t.method ?? method,
      createdAtSec: Math.floor(Date.now() / 1000) + (t.createdAtOffsetSec ?? 0),
      ...(signedBody !== undefined && signedBody.length > 0
        ? { payloadSha256: await sha256Hex(signedBody) }
        : {}),
    }),
  )
  const header = httpAuthHeader(ev)
  return t.urlSafe ? header.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '') : header
}

export interface HarnessOptions {
  env?: Env
  overrides?: StartOptions['overrides']
  /** Reuse a data dir (restart tests). */
  dir?: string
  relay?: MarketRelay
}

export async function startHarness(o: HarnessOptions = {}): Promise<Harness> {
  const dir = o.dir ?? (await mkdtemp(join(tmpdir(), 'zapcade-core-')))
  const relay = o.relay ?? (await startMarketRelay({ port: 0 }))
  const admin = newKey()
  const config = configFrom({
    ZAPCADE_DATA_DIR: dir,
    ZAPCADE_PORT: '0',
    ZAPCADE_RELAYS: relay.url,
    ZAPCADE_ADMIN_PUBKEYS: admin.pubkey,
    ...o.env,
  })
  const svc = await startService({
    config,
    overrides: { log: pino({ level: 'silent' }), outboxIntervalMs: 50, ...o.overrides },
  })
  const pool = new SimplePool()
  return {
    svc,
    relay,
    dir,
    admin,
    async call(path, init = {}) {
      const url = `${svc.config.publicUrl}${path}`
      const method = init.method ?? 'GET'
      const headers = new Headers(init.headers)
      const body = typeof init.body === 'string' ? init.body : undefined
      if (init.body !== undefined && !headers.has('content-type'))
        headers.set('content-type', 'application/json')
      if (init.auth)
        headers.set(
          'authorization',
          await authHeader('sk' in init.auth ? { key: init.auth } : init.auth, url, method, body),
        )
      const { auth: _a, ...rest } = init
      return fetch(`${svc.url}${path}`, { ...rest, method, headers })
    },
    async query(filter) {
      return (await pool.querySync([relay.url], filter, { maxWait: 2000 })) as NostrEvent[]
    },
    async stop() {
      pool.destroy()
      await svc.stop()
      if (!o.relay) await relay.stop()
      if (!o.dir) await rm(dir, { recursive: true, force: true })
    },
  }
}

/** Poll until `probe` answers a value (not undefined/false/empty); fails after `tries` × 50 ms. */
export async function eventually<T>(
  probe: () => Promise<T | undefined | false>,
  tries = 100,
): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await probe()
    if (v !== undefined && v !== false && !(Array.isArray(v) && v.length === 0)) return v
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error('condition not reached')
}
