/**
 * Node-only helpers for files: a web ReadableStream over a file (for uploads) and a streamed sha256
 * with its size. Kept apart so client/src/api stays browser-safe.
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { Readable } from 'node:stream'

/** A file as a web stream plus its size. */
export async function fileBody(path: string): Promise<{ body: ReadableStream<Uint8Array>; sizeBytes: number }> {
  const { size } = await stat(path)
  return { body: Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>, sizeBytes: size }
}

/** sha256 hex and byte count of a file, streamed (constant memory whatever the size). */
export async function hashFile(path: string, onProgress?: (doneBytes: number) => void): Promise<{ sha256: string; sizeBytes: number }> {
  const h = createHash('sha256')
  let n = 0
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    h.update(chunk as Buffer)
    n += (chunk as Buffer).length
    onProgress?.(n)
  }
  return { sha256: h.digest('hex'), sizeBytes: n }
}
