/**
 * The same upload verification against the S3 adapter on a real S3-compatible server: whatever the
 * store accepted (s3rver checks neither signatures nor checksums), the service re-reads the object and
 * decides. The zip directory is read through ranged GETs.
 */
import { createHash, randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import S3rver from 's3rver'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeS3Client, S3BlobStore } from '../../adapters/s3/s3-blob-store.ts'
import { addGame, addUser, freshDb } from '../../adapters/sqlite/testing/blob-seed.ts'
import { sqliteUploadRepo } from '../../adapters/sqlite/upload-repo.ts'
import { makeZip } from '../../adapters/zip/make-zip.ts'
import { zipDirectoryReader } from '../../adapters/zip/zip-directory.ts'
import { completeUpload, createUpload } from './upload-service.ts'
import type { UploadDeps } from './upload-service.ts'
import { defaultZipLimits } from './zip-policy.ts'

const DEV = 'd'.repeat(64)
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex')
// Many entries so the central directory spans more than one small read.
const zip = makeZip(
  Array.from({ length: 300 }, (_, i) => ({
    name: `game/assets/file-${i}.txt`,
    data: Buffer.from(`asset ${i}\n`.repeat(20)),
    deflate: true,
  })),
)

describe('uploads verified on the S3 adapter (s3rver)', () => {
  let srv: S3rver, dir: string, deps: UploadDeps, destroy: () => void
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zapcade-up-s3-'))
    srv = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory: dir,
      configureBuckets: [{ name: 'builds' }],
    })
    const { port } = await srv.run()
    const client = makeS3Client({
      bucket: 'builds',
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${port}`,
      forcePathStyle: true,
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
    })
    destroy = () => client.destroy()
    const store = new S3BlobStore({
      client,
      bucket: 'builds',
      nowSec: () => Math.floor(Date.now() / 1000),
    })
    const db = freshDb()
    addGame(db, addUser(db, DEV), 'space-game')
    deps = {
      repo: sqliteUploadRepo(db),
      store,
      zip: zipDirectoryReader(store),
      nowSec: () => Math.floor(Date.now() / 1000),
      uuid: randomUUID,
      maxUploadBytes: 10_000_000,
      uploadTtlSec: 600,
      zipLimits: defaultZipLimits,
    }
  })
  afterAll(async () => {
    destroy()
    await srv.close()
    await rm(dir, { recursive: true, force: true })
  })

  async function put(declared: Buffer, sent: Buffer): Promise<string> {
    const t = await createUpload(deps, {
      callerPubkey: DEV,
      gamePubkey: DEV,
      slug: 'space-game',
      version: '1',
      sha256: sha(declared),
      sizeBytes: declared.length,
      contentType: 'application/zip',
    })
    // Only content-type: s3rver would not check the signed checksum headers anyway; real S3 would refuse.
    const r = await fetch(t.put.url, {
      method: 'PUT',
      headers: { 'content-type': 'application/zip' },
      body: new Uint8Array(sent),
    })
    expect(r.status).toBe(200)
    return t.id
  }

  it('a valid zip stored in S3 is VERIFIED (directory read by ranged GETs)', async () => {
    const id = await put(zip, zip)
    expect(await completeUpload(deps, id, DEV)).toEqual({ id, status: 'VERIFIED' })
  })

  it('other bytes than declared (same size) are REJECTED on the hash and deleted from the bucket', async () => {
    const other = Buffer.from(zip)
    other[100] = other[100]! ^ 0xff
    const id = await put(zip, other)
    expect(await completeUpload(deps, id, DEV)).toMatchObject({
      status: 'REJECTED',
      reason: expect.stringMatching(/sha256/),
    })
    expect(await deps.store.stat(deps.repo.get(id)!.objectKey)).toBeUndefined()
  })

  it('fewer bytes than declared are REJECTED on the size', async () => {
    const id = await put(zip, zip.subarray(0, zip.length - 10))
    expect(await completeUpload(deps, id, DEV)).toMatchObject({
      status: 'REJECTED',
      reason: expect.stringMatching(/declared/),
    })
  })

  it('a zip with ../ entries in S3 is REJECTED', async () => {
    const bad = makeZip([{ name: 'a/../../x', data: Buffer.from('x') }])
    const id = await put(bad, bad)
    expect(await completeUpload(deps, id, DEV)).toMatchObject({
      status: 'REJECTED',
      reason: expect.stringMatching(/path traversal/),
    })
  })
})
