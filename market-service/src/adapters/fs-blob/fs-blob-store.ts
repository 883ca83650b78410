/**
 * Local filesystem blob store, the embedded default: objects live under `<root>/<key>` (root is inside
 * the data directory). Its signed URLs point at the service's own `/blobs/upload/<token>` and
 * `/blobs/get/<token>` routes, which call `receive` and `openSigned` here. Bytes always stream; a 2 GiB
 * build is never held in memory.
 */
import { createHash, randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, rename, rm, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { AppError } from '@zapcade/shared/errors'
import type {
  BlobDigest,
  BlobStat,
  BlobStore,
  ByteRange,
  GetBinding,
  PresignedPut,
  PutBinding,
} from '../../ports/blob-store.ts'
import { assertSafeObjectKey, isSafeObjectKey, safeFilename } from '../../ports/blob-store.ts'
import { signToken, verifyToken } from './signed-token.ts'
import type { GetClaims, PutClaims } from './signed-token.ts'

export interface FsBlobStoreOptions {
  /** Directory holding the objects, e.g. `<data dir>/blobs`. */
  rootDir: string
  /** The service's public base URL (no trailing slash); signed URLs are built on it. */
  publicUrl: string
  /** HMAC key (ZAPCADE_SECRET). */
  secret: Buffer
  /** Unix seconds, injected so tests can expire URLs without sleeping. */
  nowSec: () => number
}

/** A signed download resolved to its object: what `/blobs/get/<token>` serves. */
export interface SignedObject {
  key: string
  filename: string
  sha256: string
  sizeBytes: number
}

/**
 * The key a signed token names, refused as a client error (400) unless it has the shape the service
 * makes: a token signed with the secret but naming `../x`, `/etc/passwd` or `builds%2F..` must not
 * reach the filesystem, nor turn into a 500 when `#path` refuses it.
 */
function signedKey(key: string): string {
  if (!isSafeObjectKey(key))
    throw new AppError('VALIDATION_FAILED', 'signed URL names no valid object key')
  return key
}

export class FsBlobStore implements BlobStore {
  readonly kind = 'local' as const
  readonly #root: string
  readonly #tmp: string
  readonly #publicUrl: string
  readonly #secret: Buffer
  readonly #nowSec: () => number

  constructor(o: FsBlobStoreOptions) {
    this.#root = o.rootDir
    this.#tmp = join(o.rootDir, '.incoming')
    this.#publicUrl = o.publicUrl.replace(/\/+$/, '')
    this.#secret = o.secret
    this.#nowSec = o.nowSec
  }

  #path(key: string): string {
    assertSafeObjectKey(key)
    return join(this.#root, key)
  }

  async presignPut(key: string, b: PutBinding): Promise<PresignedPut> {
    assertSafeObjectKey(key)
    const claims: PutClaims = {
      k: key,
      s: b.sizeBytes,
      h: b.sha256,
      ct: b.contentType,
      exp: b.expiresAtSec,
    }
    const token = signToken(this.#secret, 'put', claims)
    return {
      url: `${this.#publicUrl}/blobs/upload/${token}`,
      method: 'PUT',
      headers: { 'content-type': b.contentType },
      expiresAtSec: b.expiresAtSec,
    }
  }

  async presignGet(key: string, b: GetBinding): Promise<string> {
    assertSafeObjectKey(key)
    const claims: GetClaims = {
      k: key,
      fn: safeFilename(b.filename),
      h: b.sha256,
      exp: b.expiresAtSec,
    }
    return `${this.#publicUrl}/blobs/get/${signToken(this.#secret, 'get', claims)}`
  }

  async stat(key: string): Promise<BlobStat | undefined> {
    try {
      const s = await stat(this.#path(key))
      return s.isFile() ? { sizeBytes: s.size } : undefined
    } catch (e) {
      // ENOTDIR: a path component is a file, so the object cannot exist either.
      const code = (e as NodeJS.ErrnoException).code
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined
      throw e
    }
  }

  async openRead(key: string, range?: ByteRange): Promise<Readable> {
    const path = this.#path(key)
    // 1 MiB reads: large enough for disk throughput, small enough to keep RSS flat.
    const opts = {
      highWaterMark: 1 << 20,
      ...(range ? { start: range.start, end: range.end } : {}),
    }
    const stream = createReadStream(path, opts)
    // Surface ENOENT here rather than on the first read.
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve())
      stream.once('error', reject)
    })
    return stream
  }

  async digest(key: string): Promise<BlobDigest | undefined> {
    if (!(await this.stat(key))) return undefined
    const hash = createHash('sha256')
    let sizeBytes = 0
    for await (const chunk of await this.openRead(key)) {
      hash.update(chunk as Buffer)
      sizeBytes += (chunk as Buffer).length
    }
    return { sizeBytes, sha256: hash.digest('hex') }
  }

  async delete(key: string): Promise<void> {
    await rm(this.#path(key), { force: true })
  }

  /**
   * Accept the body of `PUT /blobs/upload/<token>`: check the token, stream the bytes to a temp file
   * while hashing, refuse any byte beyond the declared size (BODY_TOO_LARGE), and rename into place only
   * when size and sha256 both match (else UPLOAD_INVALID). Answers the stored key.
   */
  async receive(
    token: string,
    body: AsyncIterable<Uint8Array>,
    contentType: string | undefined,
  ): Promise<{ key: string; sizeBytes: number; sha256: string }> {
    const c = verifyToken(this.#secret, 'put', token, this.#nowSec())
    signedKey(c.k)
    if (contentType !== undefined && contentType.split(';')[0]!.trim().toLowerCase() !== c.ct) {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', `content type must be ${c.ct}`)
    }
    const final = this.#path(c.k)
    await mkdir(this.#tmp, { recursive: true })
    const temp = join(this.#tmp, `${randomUUID()}.part`)
    const hash = createHash('sha256')
    let received = 0
    async function* counted(): AsyncGenerator<Uint8Array> {
      for await (const chunk of body) {
        received += chunk.length
        if (received > c.s)
          throw new AppError('BODY_TOO_LARGE', `more than the declared ${c.s} bytes`)
        hash.update(chunk)
        yield chunk
      }
    }
    try {
      await pipeline(counted(), createWriteStream(temp, { flags: 'wx' }))
      if (received !== c.s)
        throw new AppError('UPLOAD_INVALID', `received ${received} bytes, declared ${c.s}`)
      const sha256 = hash.digest('hex')
      if (sha256 !== c.h)
        throw new AppError(
          'UPLOAD_INVALID',
          'sha256 of the received bytes does not match the declared sha256',
        )
      await mkdir(dirname(final), { recursive: true })
      await rename(temp, final)
      return { key: c.k, sizeBytes: received, sha256 }
    } finally {
      await rm(temp, { force: true })
    }
  }

  /** Resolve `GET /blobs/get/<token>`: the token's MAC and expiry are checked, then the object is stat'ed. */
  async openSigned(token: string): Promise<SignedObject> {
    const c = verifyToken(this.#secret, 'get', token, this.#nowSec())
    const s = await this.stat(signedKey(c.k))
    if (!s) throw new AppError('NOT_FOUND', 'object not found')
    return { key: c.k, filename: c.fn, sha256: c.h, sizeBytes: s.sizeBytes }
  }
}
