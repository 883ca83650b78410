/**
 * One contract suite for every BlobStore adapter: the local store behind its own
 * HTTP routes and the S3 store against a real S3-compatible server on 127.0.0.1. Everything goes
 * through real HTTP with plain `fetch`, as a developer's CLI and a buyer's browser would.
 */
import { createHash, randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BlobStore } from '../blob-store.ts'
import { buildObjectKey } from '../blob-store.ts'

export interface ContractEnv {
  store: BlobStore
  /** Move the store's clock (unix seconds). */
  setNow(sec: number): void
  stop(): Promise<void>
}

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

/** Upload through the presigned PUT exactly as a client would. */
export async function putVia(
  store: BlobStore,
  key: string,
  bytes: Uint8Array<ArrayBuffer>,
  expiresAtSec: number,
): Promise<Response> {
  const p = await store.presignPut(key, {
    sizeBytes: bytes.length,
    sha256: sha(bytes),
    contentType: 'application/zip',
    expiresAtSec,
  })
  const headers = { ...p.headers }
  delete headers['content-length'] // fetch sets it from the body
  return fetch(p.url, { method: p.method, headers, body: bytes })
}

/** Run the contract against an adapter; `start` is called once. */
export function blobStoreContract(
  name: string,
  start: () => Promise<ContractEnv>,
  t0: number,
): void {
  describe(`BlobStore contract: ${name}`, () => {
    let env: ContractEnv
    beforeAll(async () => {
      env = await start()
    })
    afterAll(async () => {
      await env.stop()
    })

    const bytes = new Uint8Array(300_000).map((_, i) => (i * 31 + 7) & 0xff)
    const key = buildObjectKey(42, randomUUID())

    it('a presigned PUT stores the exact bytes, and stat/digest report their size and sha256', async () => {
      env.setNow(t0)
      const r = await putVia(env.store, key, bytes, t0 + 300)
      expect(r.status).toBe(200)
      expect(await env.store.stat(key)).toEqual({ sizeBytes: bytes.length })
      expect(await env.store.digest(key)).toEqual({ sizeBytes: bytes.length, sha256: sha(bytes) })
    })

    it('openRead streams the whole object or an inclusive byte range', async () => {
      const chunks: Buffer[] = []
      for await (const c of await env.store.openRead(key, { start: 1000, end: 1999 }))
        chunks.push(c as Buffer)
      expect(Buffer.concat(chunks)).toEqual(Buffer.from(bytes.subarray(1000, 2000)))
    })

    it('a presigned GET fetched with plain fetch returns the exact bytes as an attachment', async () => {
      env.setNow(t0)
      const url = await env.store.presignGet(key, {
        filename: 'space-game-1.0.0.zip',
        sha256: sha(bytes),
        expiresAtSec: t0 + 600,
      })
      const r = await fetch(url)
      expect(r.status).toBe(200)
      expect(r.headers.get('content-disposition')).toMatch(
        /^attachment; filename="space-game-1.0.0.zip"/,
      )
      expect(Buffer.from(await r.arrayBuffer())).toEqual(Buffer.from(bytes))
    })

    it('a presigned GET fails once it has expired', async () => {
      env.setNow(t0 - 3600) // signed an hour ago, valid for one minute
      const url = await env.store.presignGet(key, {
        filename: 'x.zip',
        sha256: sha(bytes),
        expiresAtSec: t0 - 3540,
      })
      env.setNow(t0)
      const r = await fetch(url)
      expect(r.status).toBeGreaterThanOrEqual(400)
      expect(r.status).toBeLessThan(500)
    })

    it('an expired upload URL stores nothing', async () => {
      const k2 = buildObjectKey(42, randomUUID())
      env.setNow(t0 - 3600)
      const p = await env.store.presignPut(k2, {
        sizeBytes: bytes.length,
        sha256: sha(bytes),
        contentType: 'application/zip',
        expiresAtSec: t0 - 3540,
      })
      env.setNow(t0)
      const headers = { ...p.headers }
      delete headers['content-length']
      const r = await fetch(p.url, { method: 'PUT', headers, body: bytes })
      expect(r.status).toBeGreaterThanOrEqual(400)
      expect(await env.store.stat(k2)).toBeUndefined()
    })

    it('a missing object has no stat and no digest; delete is idempotent', async () => {
      const k3 = buildObjectKey(7, randomUUID())
      expect(await env.store.stat(k3)).toBeUndefined()
      expect(await env.store.digest(k3)).toBeUndefined()
      await env.store.delete(key)
      await env.store.delete(key)
      expect(await env.store.stat(key)).toBeUndefined()
    })

    it('keys the service did not generate are refused before any I/O', async () => {
      for (const bad of [
        '../etc/passwd',
        'builds/1/../../x.zip',
        '/builds/1/a.zip',
        'builds\\1\\a.zip',
        'builds/1/%2e%2e/a.zip',
      ]) {
        await expect(env.store.stat(bad)).rejects.toThrow(/unsafe object key/)
        await expect(
          env.store.presignGet(bad, {
            filename: 'a.zip',
            sha256: sha(bytes),
            expiresAtSec: t0 + 60,
          }),
        ).rejects.toThrow(/unsafe object key/)
      }
    })
  })
}
