/**
 * S3 blob store (`@aws-sdk/client-s3` + `@aws-sdk/s3-request-presigner`) for AWS S3, MinIO, R2 and other
 * S3-compatible stores. Uploads go straight to the bucket through a presigned PUT whose signature covers
 * Content-Length, `x-amz-meta-sha256` and `x-amz-checksum-sha256` (so S3 itself refuses other bytes);
 * downloads are presigned GETs with a signed `response-content-disposition` (reliability catalogue B5).
 * The service still re-reads and hashes every upload before trusting it: not every S3-compatible store
 * enforces checksums.
 */
import { createHash } from 'node:crypto'
import type { Readable } from 'node:stream'
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import type {
  BlobDigest,
  BlobStat,
  BlobStore,
  ByteRange,
  GetBinding,
  PresignedPut,
  PutBinding,
} from '../../ports/blob-store.ts'
import { assertSafeObjectKey, attachmentDisposition } from '../../ports/blob-store.ts'
import { getPresigner } from './presign-get.ts'

/** S3 connection settings (from `ZAPCADE_S3_*`, see `s3ConfigFromEnv`). */
export interface S3Config {
  bucket: string
  region: string
  endpoint?: string
  forcePathStyle: boolean
  accessKeyId?: string
  secretAccessKey?: string
}

/** SigV4 caps presigned URLs at 7 days; we never need more than hours (B5). */
const MAX_PRESIGN_SEC = 7 * 24 * 3600

/**
 * Read `ZAPCADE_S3_BUCKET`, `_REGION`, `_ENDPOINT`, `_PATH_STYLE`, `_ACCESS_KEY_ID`, `_SECRET_ACCESS_KEY`;
 * undefined when no bucket is configured (then the local store is used).
 */
export function s3ConfigFromEnv(env: Record<string, string | undefined>): S3Config | undefined {
  const bucket = env.ZAPCADE_S3_BUCKET
  if (!bucket) return undefined
  const cfg: S3Config = {
    bucket,
    region: env.ZAPCADE_S3_REGION ?? 'us-east-1',
    forcePathStyle: ['1', 'true', 'yes'].includes((env.ZAPCADE_S3_PATH_STYLE ?? '').toLowerCase()),
  }
  if (env.ZAPCADE_S3_ENDPOINT) cfg.endpoint = env.ZAPCADE_S3_ENDPOINT
  if (env.ZAPCADE_S3_ACCESS_KEY_ID) cfg.accessKeyId = env.ZAPCADE_S3_ACCESS_KEY_ID
  if (env.ZAPCADE_S3_SECRET_ACCESS_KEY) cfg.secretAccessKey = env.ZAPCADE_S3_SECRET_ACCESS_KEY
  return cfg
}

/** An S3Client for the config. Without explicit keys the SDK's default chain (env, profile, role) applies. */
export function makeS3Client(cfg: S3Config): S3Client {
  const client = new S3Client({
    region: cfg.region,
    forcePathStyle: cfg.forcePathStyle,
    ...(cfg.endpoint ? { endpoint: cfg.endpoint } : {}),
    ...(cfg.accessKeyId && cfg.secretAccessKey
      ? { credentials: { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey } }
      : {}),
    // Default flexible checksums wrap streamed bodies in aws-chunked framing, which some S3-compatible
    // stores keep as object bytes (README "Libraries, and why"); checksum only when an operation requires it.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  })
  configs.set(client, cfg)
  return client
}

/** The config each client was made from: with static keys, GET URLs are presigned without the SDK. */
const configs = new WeakMap<S3Client, S3Config>()

export interface S3BlobStoreOptions {
  client: S3Client
  bucket: string
  /** Unix seconds; presigned URLs are signed at this time so expiry follows the injected clock. */
  nowSec: () => number
}

function isNotFound(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } }
  return (
    err.name === 'NotFound' || err.name === 'NoSuchKey' || err.$metadata?.httpStatusCode === 404
  )
}

export class S3BlobStore implements BlobStore {
  readonly kind = 's3' as const
  readonly #s3: S3Client
  readonly #bucket: string
  readonly #nowSec: () => number
  readonly #fastGet: ReturnType<typeof getPresigner>

  constructor(o: S3BlobStoreOptions) {
    this.#s3 = o.client
    this.#bucket = o.bucket
    this.#nowSec = o.nowSec
    const c = configs.get(o.client)
    this.#fastGet =
      c?.accessKeyId && c.secretAccessKey && c.bucket === o.bucket
        ? getPresigner({ ...c, accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey })
        : undefined
  }

  #signing(expiresAtSec: number): { signingDate: Date; expiresIn: number } {
    const now = this.#nowSec()
    const expiresIn = Math.min(MAX_PRESIGN_SEC, expiresAtSec - now)
    if (expiresIn < 1) throw new Error('presign expiry must be in the future')
    return { signingDate: new Date(now * 1000), expiresIn }
  }

  async presignPut(key: string, b: PutBinding): Promise<PresignedPut> {
    assertSafeObjectKey(key)
    const checksum = Buffer.from(b.sha256, 'hex').toString('base64')
    const cmd = new PutObjectCommand({
      Bucket: this.#bucket,
      Key: key,
      ContentLength: b.sizeBytes,
      ContentType: b.contentType,
      Metadata: { sha256: b.sha256 },
      ChecksumSHA256: checksum,
    })
    // Kept as signed headers (not hoisted into the query) so the uploader must send exactly these.
    const url = await getSignedUrl(this.#s3, cmd, {
      ...this.#signing(b.expiresAtSec),
      unhoistableHeaders: new Set(['x-amz-meta-sha256', 'x-amz-checksum-sha256']),
    })
    return {
      url,
      method: 'PUT',
      headers: {
        'content-type': b.contentType,
        'content-length': String(b.sizeBytes),
        'x-amz-meta-sha256': b.sha256,
        'x-amz-checksum-sha256': checksum,
      },
      expiresAtSec: b.expiresAtSec,
    }
  }

  async presignGet(key: string, b: GetBinding): Promise<string> {
    assertSafeObjectKey(key)
    const disposition = attachmentDisposition(b.filename)
    if (this.#fastGet) {
      const { signingDate, expiresIn } = this.#signing(b.expiresAtSec)
      return this.#fastGet(
        key,
        { 'response-content-disposition': disposition },
        signingDate.getTime() / 1000,
        expiresIn,
      )
    }
    const cmd = new GetObjectCommand({
      Bucket: this.#bucket,
      Key: key,
      ResponseContentDisposition: disposition,
    })
    return getSignedUrl(this.#s3, cmd, this.#signing(b.expiresAtSec))
  }

  async stat(key: string): Promise<BlobStat | undefined> {
    assertSafeObjectKey(key)
    try {
      const h = await this.#s3.send(new HeadObjectCommand({ Bucket: this.#bucket, Key: key }))
      return { sizeBytes: h.ContentLength ?? 0 }
    } catch (e) {
      if (isNotFound(e)) return undefined
      throw e
    }
  }

  async openRead(key: string, range?: ByteRange): Promise<Readable> {
    assertSafeObjectKey(key)
    const r = await this.#s3.send(
      new GetObjectCommand({
        Bucket: this.#bucket,
        Key: key,
        ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
      }),
    )
    if (!r.Body) throw new Error(`empty body for ${key}`)
    return r.Body as Readable
  }

  async digest(key: string): Promise<BlobDigest | undefined> {
    let body: Readable
    try {
      body = await this.openRead(key)
    } catch (e) {
      if (isNotFound(e)) return undefined
      throw e
    }
    const hash = createHash('sha256')
    let sizeBytes = 0
    for await (const chunk of body) {
      hash.update(chunk as Buffer)
      sizeBytes += (chunk as Buffer).length
    }
    return { sizeBytes, sha256: hash.digest('hex') }
  }

  async delete(key: string): Promise<void> {
    assertSafeObjectKey(key)
    await this.#s3.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: key }))
  }
}
