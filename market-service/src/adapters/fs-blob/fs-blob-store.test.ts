import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildObjectKey } from '../../ports/blob-store.ts'
import { blobStoreContract, putVia } from '../../ports/testing/blob-store-contract.ts'
import { serveApp, withProblems } from '../../ports/testing/serve.ts'
import type { Served } from '../../ports/testing/serve.ts'
import { blobRoutes } from '../../routes/blobs.ts'
import { FsBlobStore } from './fs-blob-store.ts'

const T0 = 1_800_000_000

async function startLocal(): Promise<{
  store: FsBlobStore
  served: Served
  dir: string
  setNow(s: number): void
}> {
  const dir = await mkdtemp(join(tmpdir(), 'zapcade-fsblob-'))
  let now = T0
  let store!: FsBlobStore
  const served = await serveApp((url) => {
    store = new FsBlobStore({
      rootDir: join(dir, 'blobs'),
      publicUrl: url,
      secret: randomBytes(32),
      nowSec: () => now,
    })
    return withProblems(new Hono().route('/', blobRoutes({ store, onStored: async () => ({}) })))
  })
  return {
    store,
    served,
    dir,
    setNow: (s) => {
      now = s
    },
  }
}

blobStoreContract(
  'local filesystem',
  async () => {
    const l = await startLocal()
    return {
      store: l.store,
      setNow: l.setNow,
      stop: async () => {
        await l.served.close()
        await rm(l.dir, { recursive: true, force: true })
      },
    }
  },
  T0,
)

describe('local store signed URLs', () => {
  let l: Awaited<ReturnType<typeof startLocal>>
  beforeAll(async () => {
    l = await startLocal()
  })
  afterAll(async () => {
    await l.served.close()
    await rm(l.dir, { recursive: true, force: true })
  })
  const bytes = randomBytes(100_000)
  const sha256 = createHash('sha256').update(bytes).digest('hex')

  it('an upload with more bytes than declared is refused and leaves nothing behind', async () => {
    const key = buildObjectKey(1, randomUUID())
    const p = await l.store.presignPut(key, {
      sizeBytes: 1000,
      sha256,
      contentType: 'application/zip',
      expiresAtSec: T0 + 60,
    })
    const r = await fetch(p.url, { method: 'PUT', headers: p.headers, body: bytes })
    expect(r.status).toBe(413)
    expect(await l.store.stat(key)).toBeUndefined()
    expect(await readdir(join(l.dir, 'blobs', '.incoming'))).toEqual([])
  })

  it('an upload with fewer bytes than declared, or other bytes than the hash, is refused', async () => {
    const key = buildObjectKey(1, randomUUID())
    const short = await l.store.presignPut(key, {
      sizeBytes: bytes.length + 1,
      sha256,
      contentType: 'application/zip',
      expiresAtSec: T0 + 60,
    })
    const r1 = await fetch(short.url, { method: 'PUT', headers: short.headers, body: bytes })
    expect(r1.status).toBe(422)
    expect((await r1.json()).code).toBe('UPLOAD_INVALID')
    const other = await l.store.presignPut(key, {
      sizeBytes: bytes.length,
      sha256: 'ab'.repeat(32),
      contentType: 'application/zip',
      expiresAtSec: T0 + 60,
    })
    const r2 = await fetch(other.url, { method: 'PUT', headers: other.headers, body: bytes })
    expect(r2.status).toBe(422)
    expect(await l.store.stat(key)).toBeUndefined()
  })

  it('a tampered token is refused with 403 URL_INVALID, and a download token cannot upload', async () => {
    const key = buildObjectKey(1, randomUUID())
    expect((await putVia(l.store, key, bytes, T0 + 60)).status).toBe(200)
    const url = await l.store.presignGet(key, { filename: 'a.zip', sha256, expiresAtSec: T0 + 60 })
    const token = url.split('/blobs/get/')[1]!
    const [body, mac] = token.split('.') as [string, string]
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString())
    const longer = Buffer.from(JSON.stringify({ ...claims, exp: T0 + 86_400 })).toString(
      'base64url',
    )
    for (const bad of [
      `${longer}.${mac}`,
      `${body}.${mac.slice(0, -2)}AA`,
      `${body}.`,
      'garbage',
    ]) {
      const r = await fetch(`${l.served.url}/blobs/get/${bad}`)
      expect(r.status).toBe(403)
      expect(r.headers.get('content-type')).toContain('application/problem+json')
    }
    const asPut = await fetch(`${l.served.url}/blobs/upload/${token}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/zip' },
      body: bytes,
    })
    expect(asPut.status).toBe(403)
  })

  it('an expired download URL answers 410 URL_EXPIRED (injected clock)', async () => {
    const key = buildObjectKey(1, randomUUID())
    expect((await putVia(l.store, key, bytes, T0 + 60)).status).toBe(200)
    const url = await l.store.presignGet(key, { filename: 'a.zip', sha256, expiresAtSec: T0 + 900 })
    l.setNow(T0 + 900)
    const r = await fetch(url)
    l.setNow(T0)
    expect(r.status).toBe(410)
    expect((await r.json()).code).toBe('URL_EXPIRED')
  })

  it('serves Range requests with 206, Content-Range and Content-Length; ETag is the sha256', async () => {
    const key = buildObjectKey(1, randomUUID())
    expect((await putVia(l.store, key, bytes, T0 + 60)).status).toBe(200)
    const url = await l.store.presignGet(key, { filename: 'a.zip', sha256, expiresAtSec: T0 + 60 })
    const full = await fetch(url)
    expect(full.headers.get('etag')).toBe(`"${sha256}"`)
    expect(full.headers.get('content-length')).toBe(String(bytes.length))
    expect(full.headers.get('accept-ranges')).toBe('bytes')
    await full.arrayBuffer()
    const part = await fetch(url, { headers: { range: 'bytes=100-199' } })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${bytes.length}`)
    expect(part.headers.get('content-length')).toBe('100')
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(100, 200))
    const tail = await fetch(url, { headers: { range: 'bytes=-10' } })
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(bytes.subarray(bytes.length - 10))
    const open = await fetch(url, { headers: { range: `bytes=${bytes.length - 5}-` } })
    expect(open.headers.get('content-range')).toBe(
      `bytes ${bytes.length - 5}-${bytes.length - 1}/${bytes.length}`,
    )
    await open.arrayBuffer()
    const bad = await fetch(url, { headers: { range: `bytes=${bytes.length}-` } })
    expect(bad.status).toBe(416)
    expect(bad.headers.get('content-range')).toBe(`bytes */${bytes.length}`)
    const stale = await fetch(url, { headers: { range: 'bytes=0-9', 'if-range': '"other"' } })
    expect(stale.status).toBe(200)
    await stale.arrayBuffer()
  })
})
