/**
 * NIP-46 remote signer: the key stays in a bunker; requests travel as kind-24133 events (NIP-44
 * encrypted) over the bunker's relays. Built on nostr-tools' BunkerSigner. Browser-safe; in Node the
 * caller installs a WebSocket implementation first (nostr-tools/pool useWebSocketImplementation).
 */
import { BunkerSigner, parseBunkerInput } from 'nostr-tools/nip46'
import type { BunkerPointer } from 'nostr-tools/nip46'
import type { AbstractSimplePool } from 'nostr-tools/abstract-pool'
import { SimplePool } from 'nostr-tools/pool'
import { generateSecretKey, verifyEvent } from 'nostr-tools/pure'
import type { Signer } from './signer.ts'

export interface BunkerOptions {
  /** The local key that talks to the bunker (not the user's key); generated when absent. */
  clientSecretKey?: Uint8Array
  pool?: AbstractSimplePool
  /** The bunker asked the user to approve at this URL. */
  onAuthUrl?: (url: string) => void
  /** How long one request may wait for the bunker's answer. */
  timeoutMs?: number
}

/** Parse a `bunker://<pubkey>?relay=…&secret=…` URI (or a NIP-05 name that points to one). */
export async function parseBunkerUri(uri: string): Promise<BunkerPointer> {
  const bp = await parseBunkerInput(uri.trim())
  if (!bp) throw new Error('not a bunker:// URI (expected bunker://<hex pubkey>?relay=wss://…)')
  if (bp.relays.length === 0) throw new Error('the bunker URI names no relay')
  return bp
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new Error(`the bunker did not answer ${what} within ${Math.round(ms / 1000)} s`)),
      ms,
    )
  })
  return Promise.race([p, t]).finally(() => clearTimeout(timer))
}

// BunkerSigner rejects with the bunker's error string, not an Error.
const asError = (e: unknown): Error =>
  e instanceof Error ? e : new Error(`bunker refused: ${String(e)}`)

/** Connect to a bunker (sends `connect` with the URI's secret) and answer a Signer. */
export async function bunkerSigner(uri: string, opts: BunkerOptions = {}): Promise<Signer> {
  const bp = await parseBunkerUri(uri)
  const timeoutMs = opts.timeoutMs ?? 30_000
  // nostr-tools' nip46 bundle carries its own pool module, which ignores useWebSocketImplementation
  // set through 'nostr-tools/pool'; hand it a pool from that module so Node can supply `ws`.
  const ownPool = opts.pool === undefined
  const pool = opts.pool ?? new SimplePool()
  const params: { pool: AbstractSimplePool; onauth?: (url: string) => void } = { pool }
  if (opts.onAuthUrl) params.onauth = opts.onAuthUrl
  const b = BunkerSigner.fromBunker(opts.clientSecretKey ?? generateSecretKey(), bp, params)
  try {
    await withTimeout(b.connect(), timeoutMs, 'connect').catch((e: unknown) =>
      Promise.reject(asError(e)),
    )
  } catch (e) {
    await b.close()
    if (ownPool) pool.destroy()
    throw e
  }
  let pubkey: Promise<string> | undefined
  return {
    getPublicKey: () =>
      (pubkey ??= withTimeout(b.getPublicKey(), timeoutMs, 'get_public_key').catch((e: unknown) =>
        Promise.reject(asError(e)),
      )),
    signEvent: async (t) => {
      const ev = await withTimeout(
        b.signEvent({ kind: t.kind, created_at: t.created_at, tags: t.tags, content: t.content }),
        timeoutMs,
        'sign_event',
      ).catch((e: unknown) => Promise.reject(asError(e)))
      // nostr-tools checks this too; a bunker that signs as someone else must not slip through.
      if (!verifyEvent(ev) || ev.pubkey !== (await (pubkey ??= b.getPublicKey())))
        throw new Error('the bunker returned an invalid signature')
      return {
        id: ev.id,
        pubkey: ev.pubkey,
        created_at: ev.created_at,
        kind: ev.kind,
        tags: ev.tags,
        content: ev.content,
        sig: ev.sig,
      }
    },
    close: async () => {
      await b.close()
      if (ownPool) pool.destroy()
    },
  }
}
