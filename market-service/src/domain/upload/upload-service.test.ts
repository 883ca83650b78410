import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Hono } from 'hono'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { AppError } from '@zapcade/shared/errors'
import { FsBlobStore } from '../../adapters/fs-blob/fs-blob-store.ts'
import { addGame, addUser, freshDb, T0 } from '../../adapters/sqlite/testing/blob-seed.ts'
import { sqliteUploadRepo } from '../../adapters/sqlite/upload-repo.ts'
import { makeZip } from '../../adapters/zip/make-zip.ts'
import { zipDirectoryReader } from '../../adapters/zip/zip-directory.ts'
import { serveApp, withProblems } from '../../ports/testing/serve.ts'
import type { Served } from '../../ports/testing/serve.ts'
import { blobRoutes } from '../../routes/blobs.ts'
import { completeUpload, createUpload } from './upload-service.ts'
import type { UploadDeps } from './upload-service.ts'
import { defaultZipLimits } from './zip-policy.ts'

const DEV = 'd'.repeat(64),
  OTHER = 'f'.repeat(64)
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex')
const goodZip = makeZip([
  { name: 'game/', data: Buffer.alloc(0), unixMode: 0o040755 },
  { name: 'game/run.sh', data: Buffer.from('#!/bin/sh\necho hi\n'.repeat(50)), deflate: true },
])

describe('uploads: declared size and hash, verified bytes, safe zips', () => {
  let dir: string,
    served: Served,
    deps: UploadDeps,
    now = T0
  const db = freshDb()
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zapcade-upload-'))
    const dev = addUser(db, DEV),
      other = addUser(db, OTHER)
    addGame(db, dev, 'space-game')
    addGame(db, other, 'their-game')
    served = await serveApp((url) => {
      const store = new FsBlobStore({
        rootDir: join(dir, 'blobs'),
        publicUrl: url,
        secret: randomBytes(32),
        nowSec: () => now,
      })
      deps = {
        repo: sqliteUploadRepo(db),
        store,
        zip: zipDirectoryReader(store),
        nowSec: () => now,
        uuid: randomUUID,
        maxUploadBytes: 10_000_000,
        uploadTtlSec: 600,
        zipLimits: defaultZipLimits,
      }
      // The bytes are stored by the signed PUT; verification is the explicit complete step here.
      return withProblems(new Hono().route('/', blobRoutes({ store, onStored: async () => ({}) })))
    })
  })
  afterAll(async () => {
    await served.close()
    await rm(dir, { recursive: true, force: true })
  })
  beforeEach(() => {
    now = T0
  })

  async function upload(
    bytes: Buffer,
    declared: { sizeBytes?: number; sha256?: string } = {},
  ): Promise<{ id: string; put: Response }> {
    const t = await createUpload(deps, {
      callerPubkey: DEV,
      gamePubkey: DEV,
      slug: 'space-game',
      version: '1.0.0',
      sha256: declared.sha256 ?? sha(bytes),
      sizeBytes: declared.sizeBytes ?? bytes.length,
      contentType: 'application/zip',
    })
    const put = await fetch(t.put.url, {
      method: t.put.method,
      headers: t.put.headers,
      body: new Uint8Array(bytes),
    })
    return { id: t.id, put }
  }

  it('a readable zip with the declared size and sha256 is VERIFIED and can back an asset', async () => {
    const { id, put } = await upload(goodZip)
    expect(put.status).toBe(200)
    expect(await completeUpload(deps, id, DEV)).toEqual({ id, status: 'VERIFIED' })
    const rec = deps.repo.get(id)!
    expect(rec.objectKey).toMatch(/^builds\/1\/[0-9a-f-]{36}\.zip$/)
    expect(deps.repo.verifiedKeyFor(rec.gameId, sha(goodZip))).toBe(rec.objectKey)
    expect(await completeUpload(deps, id, DEV)).toEqual({ id, status: 'VERIFIED' })
  })

  it('wrong size or wrong hash: the PUT is refused and the upload cannot be completed', async () => {
    for (const declared of [
      { sizeBytes: goodZip.length + 1 },
      { sha256: sha(Buffer.from('other')) },
    ]) {
      const { id, put } = await upload(goodZip, declared)
      expect(put.status).toBe(422)
      await expect(completeUpload(deps, id, DEV)).rejects.toMatchObject({ code: 'CONFLICT' })
      expect(deps.repo.get(id)!.status).toBe('PENDING')
    }
  })

  const rejected: [string, Buffer, RegExp][] = [
    ['a non-zip', randomBytes(5000), /not a readable zip/],
    [
      'a zip with ../ entries',
      makeZip([
        { name: 'ok.txt', data: Buffer.from('x') },
        { name: 'game/../../etc/cron.d/x', data: Buffer.from('x') },
      ]),
      /path traversal/,
    ],
    [
      'a zip with an absolute path',
      makeZip([{ name: '/etc/passwd', data: Buffer.from('x') }]),
      /absolute entry path/,
    ],
    [
      'a zip with a backslash path',
      makeZip([{ name: '..\\..\\win.ini', data: Buffer.from('x') }]),
      /backslash/,
    ],
    [
      'a zip with a symlink',
      makeZip([{ name: 'link', data: Buffer.from('/etc/passwd'), unixMode: 0o120777 }]),
      /symlink/,
    ],
    [
      'a zip bomb header (1 KiB claiming 4 GB)',
      makeZip([
        {
          name: 'bomb.bin',
          data: Buffer.alloc(1000),
          deflate: true,
          claimUncompressed: 4_000_000_000,
        },
      ]),
      /expansion ratio|uncompressed size exceeds/,
    ],
    [
      'an encrypted entry',
      makeZip([{ name: 'secret.bin', data: Buffer.from('xyz'), deflate: true, encrypted: true }]),
      /encrypted/,
    ],
    ['an empty zip', makeZip([]), /empty zip/],
  ]
  it.each(rejected)(
    '%s is REJECTED with a reason and its object deleted',
    async (_name, bytes, reason) => {
      const { id, put } = await upload(bytes)
      expect(put.status).toBe(200)
      const out = await completeUpload(deps, id, DEV)
      expect(out.status).toBe('REJECTED')
      expect(out.reason).toMatch(reason)
      const rec = deps.repo.get(id)!
      expect(rec.status).toBe('REJECTED')
      expect(await deps.store.stat(rec.objectKey)).toBeUndefined()
      expect(deps.repo.verifiedKeyFor(rec.gameId, sha(bytes))).toBeUndefined()
      // The URL is still valid: sending the same bytes again leaves nothing behind either.
      expect(
        (
          await fetch(put.url, {
            method: 'PUT',
            headers: { 'content-type': 'application/zip' },
            body: new Uint8Array(bytes),
          })
        ).status,
      ).toBe(200)
      expect(await completeUpload(deps, id, DEV)).toMatchObject({ status: 'REJECTED' })
      expect(await deps.store.stat(rec.objectKey)).toBeUndefined()
    },
  )

  it('an expired upload URL stores nothing and the upload answers 410 UPLOAD_EXPIRED', async () => {
    const t = await createUpload(deps, {
      callerPubkey: DEV,
      gamePubkey: DEV,
      slug: 'space-game',
      version: '1.0.1',
      sha256: sha(goodZip),
      sizeBytes: goodZip.length,
      contentType: 'application/zip',
    })
    now = T0 + 600
    const put = await fetch(t.put.url, {
      method: 'PUT',
      headers: t.put.headers,
      body: new Uint8Array(goodZip),
    })
    expect(put.status).toBe(410)
    await expect(completeUpload(deps, t.id, DEV)).rejects.toMatchObject({
      code: 'UPLOAD_EXPIRED',
      status: 410,
    })
    expect(deps.repo.get(t.id)!.status).toBe('REJECTED')
  })

  it("another developer's game: 403, no upload row, no URL", async () => {
    const before = db.prepare('SELECT count(*) AS n FROM uploads').get() as { n: number }
    await expect(
      createUpload(deps, {
        callerPubkey: DEV,
        gamePubkey: OTHER,
        slug: 'their-game',
        version: '1',
        sha256: sha(goodZip),
        sizeBytes: goodZip.length,
        contentType: 'application/zip',
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN', status: 403 })
    expect(db.prepare('SELECT count(*) AS n FROM uploads').get()).toEqual(before)
    const { id } = await upload(goodZip)
    await expect(completeUpload(deps, id, OTHER)).rejects.toMatchObject({ code: 'FORBIDDEN' })
  })

  it('declared sizes over the cap, bad hashes and other content types are refused before any URL', async () => {
    const base = {
      callerPubkey: DEV,
      gamePubkey: DEV,
      slug: 'space-game',
      version: '1',
      sha256: sha(goodZip),
      sizeBytes: 100,
      contentType: 'application/zip',
    }
    const cases: [Partial<typeof base>, string][] = [
      [{ sizeBytes: 10_000_001 }, 'BODY_TOO_LARGE'],
      [{ sizeBytes: 0 }, 'VALIDATION_FAILED'],
      [{ sha256: 'XYZ' }, 'VALIDATION_FAILED'],
      [{ contentType: 'application/x-msdownload' }, 'UNSUPPORTED_MEDIA_TYPE'],
      [{ slug: 'nope' }, 'GAME_NOT_FOUND'],
    ]
    for (const [change, code] of cases) {
      const err = await createUpload(deps, { ...base, ...change }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(AppError)
      expect((err as AppError).code).toBe(code)
    }
  })
})
