import { createHash, randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import S3rver from 's3rver'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildObjectKey } from '../../ports/blob-store.ts'
import { blobStoreContract, putVia } from '../../ports/testing/blob-store-contract.ts'
import { makeS3Client, s3ConfigFromEnv, S3BlobStore } from './s3-blob-store.ts'
import { isValidPresignedUrl } from './testing/sigv4-check.ts'

const T0 = Math.floor(Date.now() / 1000) // s3rver checks expiry against its own wall clock
const CREDS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', region: 'us-east-1' }

async function startS3(): Promise<{
  store: S3BlobStore
  setNow(s: number): void
  stop(): Promise<void>
}> {
  const dir = await mkdtemp(join(tmpdir(), 'zapcade-s3-'))
  const srv = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: dir,
    configureBuckets: [{ name: 'builds' }],
  })
  const { port } = await srv.run()
  const cfg = s3ConfigFromEnv({
    ZAPCADE_S3_BUCKET: 'builds',
    ZAPCADE_S3_REGION: 'us-east-1',
    ZAPCADE_S3_ENDPOINT: `http://127.0.0.1:${port}`,
    ZAPCADE_S3_PATH_STYLE: 'true',
    ZAPCADE_S3_ACCESS_KEY_ID: 'S3RVER',
    ZAPCADE_S3_SECRET_ACCESS_KEY: 'S3RVER',
  })!
  let now = T0
  const client = makeS3Client(cfg)
  const store = new S3BlobStore({ client, bucket: cfg.bucket, nowSec: () => now })
  return {
    store,
    setNow: (s) => {
      now = s
    },
    stop: async () => {
      client.destroy()
      await srv.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

blobStoreContract('S3 (s3rver on 127.0.0.1)', startS3, T0)

describe('S3 presigned URLs (signature recomputed in the test: s3rver does not check SigV4)', () => {
  let s: Awaited<ReturnType<typeof startS3>>
  beforeAll(async () => {
    s = await startS3()
  })
  afterAll(async () => {
    await s.stop()
  })
  const bytes = new Uint8Array(50_000).map((_, i) => i & 0xff)
  const sha256 = createHash('sha256').update(bytes).digest('hex')

  it('the presigned GET returns the exact bytes; tampered, foreign-key and expired URLs fail the signature check', async () => {
    const key = buildObjectKey(9, randomUUID())
    s.setNow(T0)
    expect((await putVia(s.store, key, bytes, T0 + 300)).status).toBe(200)
    const url = await s.store.presignGet(key, {
      filename: 'game-1.0.zip',
      sha256,
      expiresAtSec: T0 + 900,
    })
    expect(await isValidPresignedUrl(url, 'GET', CREDS, T0 * 1000)).toBe(true)
    expect(Buffer.from(await (await fetch(url)).arrayBuffer())).toEqual(Buffer.from(bytes))

    const u = new URL(url)
    const otherKey = new URL(url)
    otherKey.pathname = u.pathname.replace(/[0-9a-f-]{36}\.zip$/, `${randomUUID()}.zip`)
    const otherName = new URL(url)
    otherName.searchParams.set('response-content-disposition', 'inline')
    const otherSig = new URL(url)
    otherSig.searchParams.set('X-Amz-Signature', '0'.repeat(64))
    const longer = new URL(url)
    longer.searchParams.set('X-Amz-Expires', '604800')
    for (const bad of [otherKey, otherName, otherSig, longer]) {
      expect(await isValidPresignedUrl(bad.toString(), 'GET', CREDS, T0 * 1000)).toBe(false)
    }
    expect(
      await isValidPresignedUrl(url, 'GET', { ...CREDS, secretAccessKey: 'other' }, T0 * 1000),
    ).toBe(false)
    expect(await isValidPresignedUrl(url, 'GET', CREDS, (T0 + 900) * 1000)).toBe(false)
  })

  it('the GET URL signs an attachment disposition and lasts at most what was asked', async () => {
    const key = buildObjectKey(9, randomUUID())
    const url = new URL(
      await s.store.presignGet(key, { filename: 'a"b\r\nc.zip', sha256, expiresAtSec: T0 + 900 }),
    )
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900')
    expect(url.searchParams.get('response-content-disposition')).toBe(
      `attachment; filename="a_b_c.zip"; filename*=UTF-8''a_b_c.zip`,
    )
  })

  it('the presigned PUT signs content-length, the sha256 metadata and the checksum header', async () => {
    const key = buildObjectKey(9, randomUUID())
    const p = await s.store.presignPut(key, {
      sizeBytes: bytes.length,
      sha256,
      contentType: 'application/zip',
      expiresAtSec: T0 + 300,
    })
    const signed = new URL(p.url).searchParams.get('X-Amz-SignedHeaders')!.split(';')
    expect(signed).toEqual(
      expect.arrayContaining([
        'content-length',
        'host',
        'x-amz-checksum-sha256',
        'x-amz-meta-sha256',
      ]),
    )
    expect(await isValidPresignedUrl(p.url, 'PUT', CREDS, T0 * 1000, p.headers)).toBe(true)
    expect(
      await isValidPresignedUrl(p.url, 'PUT', CREDS, T0 * 1000, {
        ...p.headers,
        'content-length': '1',
      }),
    ).toBe(false)
    expect(
      await isValidPresignedUrl(p.url, 'PUT', CREDS, T0 * 1000, {
        ...p.headers,
        'x-amz-meta-sha256': 'ab'.repeat(32),
      }),
    ).toBe(false)
  })
})

describe('configuration', () => {
  it('no bucket means the local store; path style and endpoint are read from the environment', async () => {
    const { blobStoreFromEnv } = await import('./blob-store-from-env.ts')
    const base = {
      dataDir: '/tmp/x',
      publicUrl: 'http://127.0.0.1:8787',
      secret: Buffer.alloc(32),
      nowSec: () => T0,
    }
    expect(blobStoreFromEnv({ ...base, env: {} }).kind).toBe('local')
    expect(blobStoreFromEnv({ ...base, env: { ZAPCADE_S3_BUCKET: 'b' } }).kind).toBe('s3')
    expect(
      s3ConfigFromEnv({
        ZAPCADE_S3_BUCKET: 'b',
        ZAPCADE_S3_PATH_STYLE: 'true',
        ZAPCADE_S3_ENDPOINT: 'https://minio.local',
      }),
    ).toEqual({
      bucket: 'b',
      region: 'us-east-1',
      forcePathStyle: true,
      endpoint: 'https://minio.local',
    })
  })
})
