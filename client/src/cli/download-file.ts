/**
 * Stream a URL to a file while hashing it; keep the file only when size and sha256 match what was
 * signed. A mismatch deletes the partial file and throws VerificationError (exit 4).
 */
import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { Readable, Transform } from 'node:stream'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import { pipeline } from 'node:stream/promises'
import { ZapcadeNetworkError, problemFrom } from '../api/errors.ts'
import { VerificationError } from './exit.ts'

export interface Expected {
  sha256: string
  sizeBytes: number
}

/** Download `url` to `dest` (via `dest.part`), verifying against `expected`. */
export async function downloadVerified(
  url: string,
  dest: string,
  expected: Expected,
  onProgress?: (doneBytes: number) => void,
): Promise<void> {
  let res: Response
  try {
    res = await fetch(url)
  } catch (e) {
    throw new ZapcadeNetworkError(url, e)
  }
  if (!res.ok || !res.body) throw await problemFrom(res)
  const part = `${dest}.part`
  const h = createHash('sha256')
  let n = 0
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      h.update(chunk)
      n += chunk.length
      onProgress?.(n)
      // Stop early on a body longer than signed: no point writing gigabytes that will be deleted.
      if (n > expected.sizeBytes)
        cb(
          new VerificationError(
            `the download is larger than the signed size (${expected.sizeBytes} bytes); file deleted`,
          ),
        )
      else cb(null, chunk)
    },
  })
  try {
    await pipeline(
      Readable.fromWeb(res.body as WebReadableStream<Uint8Array>),
      tap,
      createWriteStream(part, { mode: 0o644 }),
    )
    const sha256 = h.digest('hex')
    if (n !== expected.sizeBytes)
      throw new VerificationError(
        `size mismatch: got ${n} bytes, the signed asset says ${expected.sizeBytes}; file deleted`,
      )
    if (sha256 !== expected.sha256)
      throw new VerificationError(
        `sha256 mismatch: got ${sha256}, the signed asset says ${expected.sha256}; file deleted`,
      )
    await rename(part, dest)
  } catch (e) {
    await rm(part, { force: true })
    if (e instanceof VerificationError) throw e
    throw e instanceof Error &&
      !(e instanceof ZapcadeNetworkError) &&
      /terminated|socket|ECONNRESET/i.test(e.message)
      ? new ZapcadeNetworkError(url, e)
      : e
  }
}
