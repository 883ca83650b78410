/**
 * Zip central-directory reader over any BlobStore (yauzl 3, a maintained zip reader): it reads only the
 * end-of-central-directory record and the central directory, through ranged reads of the stored object,
 * and never opens an entry's data (no extraction, nothing written). Reads are served from a 1 MiB block
 * cache so a directory of thousands of entries costs a handful of S3 range requests, not two per entry.
 */
import { PassThrough } from 'node:stream'
import type { Readable } from 'node:stream'
import yauzl from 'yauzl'
import type { BlobStore, ZipDirectoryReader, ZipEntryInfo } from '../../ports/blob-store.ts'
import { ZipUnreadableError } from '../../ports/blob-store.ts'

const BLOCK = 1 << 20
const S_IFMT = 0o170000
const S_IFLNK = 0o120000
const MADE_BY_UNIX = 3

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const c of stream) parts.push(c as Buffer)
  return Buffer.concat(parts)
}

/** yauzl's RandomAccessReader backed by BlobStore.openRead with a one-block cache. */
class BlobReader extends yauzl.RandomAccessReader {
  #cache: { start: number; data: Buffer } | undefined
  constructor(private readonly store: BlobStore, private readonly key: string, private readonly size: number) {
    super()
  }

  override _readStreamForRange(start: number, end: number): Readable {
    const out = new PassThrough()
    this.store.openRead(this.key, { start, end: end - 1 }).then((s) => s.pipe(out), (e: Error) => out.destroy(e))
    return out
  }

  override read(buffer: Buffer, offset: number, length: number, position: number, callback: (err: Error | null) => void): void {
    const c = this.#cache
    if (c && position >= c.start && position + length <= c.start + c.data.length) {
      c.data.copy(buffer, offset, position - c.start, position - c.start + length)
      return callback(null)
    }
    const end = Math.min(this.size, position + Math.max(length, BLOCK))
    this.store.openRead(this.key, { start: position, end: end - 1 }).then(readAll).then((data) => {
      if (data.length < length) throw new Error('short read')
      this.#cache = { start: position, data }
      data.copy(buffer, offset, 0, length)
      callback(null)
    }, (e: Error) => callback(e)).catch((e: Error) => callback(e))
  }
}

/** Map a yauzl central-directory record to what the upload policy checks. */
function toInfo(e: yauzl.Entry): ZipEntryInfo {
  const name = yauzl.getFileNameLowLevel(e.generalPurposeBitFlag, e.fileNameRaw, e.extraFields, true)
  const unixMode = (e.externalFileAttributes >>> 16) & 0xffff
  return {
    name,
    rawName: e.fileNameRaw.toString('utf8'),
    isDirectory: name.endsWith('/'),
    isSymlink: e.versionMadeBy >>> 8 === MADE_BY_UNIX && (unixMode & S_IFMT) === S_IFLNK,
    isEncrypted: e.isEncrypted(),
    compressedSize: e.compressedSize,
    uncompressedSize: e.uncompressedSize,
  }
}

/** A ZipDirectoryReader over the given store. */
export function zipDirectoryReader(store: BlobStore): ZipDirectoryReader {
  return {
    async *entries(key: string, sizeBytes: number): AsyncIterable<ZipEntryInfo> {
      let zip: yauzl.ZipFile
      try {
        // decodeStrings off: yauzl would refuse unsafe names with a generic error; our policy names the rule.
        zip = await yauzl.fromRandomAccessReaderPromise(new BlobReader(store, key, sizeBytes), sizeBytes, { decodeStrings: false, validateEntrySizes: true, autoClose: true })
      } catch (e) {
        throw new ZipUnreadableError(`not a readable zip: ${(e as Error).message}`)
      }
      try {
        for await (const entry of zip.eachEntry()) yield toInfo(entry)
      } catch (e) {
        throw new ZipUnreadableError(`corrupt zip central directory: ${(e as Error).message}`)
      } finally {
        zip.close()
      }
    },
  }
}
