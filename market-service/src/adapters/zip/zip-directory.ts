/**
 * Zip directory reader over any BlobStore (yauzl 3, a maintained zip reader): it reads the
 * end-of-central-directory record, the central directory and each entry's local header (which the upload
 * policy compares with its central record), through ranged reads of the stored object, and never opens
 * an entry's data (no extraction, nothing written). Reads are served from cached blocks (1 MiB read on,
 * 64 KiB after a jump), so the central directory of thousands of entries costs a handful of S3 range
 * requests, and so do the local headers of small files; a local header past a large file costs one more.
 */
import { PassThrough } from 'node:stream'
import type { Readable } from 'node:stream'
import yauzl from 'yauzl'
import type { BlobStore, ZipDirectoryReader, ZipEntryInfo } from '../../ports/blob-store.ts'
import { ZipUnreadableError } from '../../ports/blob-store.ts'

const BLOCK = 1 << 20
/** A read that jumps away from the cached blocks (a local header past a large file) fetches less. */
const JUMP = 64 << 10
const S_IFMT = 0o170000
const S_IFLNK = 0o120000
const MADE_BY_UNIX = 3

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const c of stream) parts.push(c as Buffer)
  return Buffer.concat(parts)
}

/**
 * yauzl's RandomAccessReader backed by BlobStore.openRead with a two-block cache: the central directory
 * and the local headers it points to are read in turns, each from its own block (the least recently
 * used block is replaced), so the walk does not fetch the directory again for every entry.
 */
class BlobReader extends yauzl.RandomAccessReader {
  #cache: { start: number; data: Buffer }[] = []
  constructor(
    private readonly store: BlobStore,
    private readonly key: string,
    private readonly size: number,
  ) {
    super()
  }

  override _readStreamForRange(start: number, end: number): Readable {
    const out = new PassThrough()
    this.store.openRead(this.key, { start, end: end - 1 }).then(
      (s) => s.pipe(out),
      (e: Error) => out.destroy(e),
    )
    return out
  }

  override read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
    callback: (err: Error | null) => void,
  ): void {
    const hit = this.#cache.findIndex(
      (c) => position >= c.start && position + length <= c.start + c.data.length,
    )
    if (hit >= 0) {
      const c = this.#cache[hit]!
      if (hit > 0) this.#cache = [c, ...this.#cache.filter((_, i) => i !== hit)]
      c.data.copy(buffer, offset, position - c.start, position - c.start + length)
      return callback(null)
    }
    // Reading on from a cached block (the central directory) fetches a whole block; a jump fetches 64 KiB.
    const onward = this.#cache.some(
      (c) => position >= c.start && position <= c.start + c.data.length,
    )
    const end = Math.min(this.size, position + Math.max(length, onward ? BLOCK : JUMP))
    this.store
      .openRead(this.key, { start: position, end: end - 1 })
      .then(readAll)
      .then(
        (data) => {
          if (data.length < length) throw new Error('short read')
          this.#cache = [{ start: position, data }, ...this.#cache].slice(0, 2)
          data.copy(buffer, offset, 0, length)
          callback(null)
        },
        (e: Error) => callback(e),
      )
      .catch((e: Error) => callback(e))
  }
}

const ZIP64_EXTRA = 0x0001
const MAX32 = 0xffffffff

/** The local header's sizes, from its ZIP64 extra field when the 32-bit fields say so. */
function localSizes(h: yauzl.LocalFileHeader): {
  compressedSize: number
  uncompressedSize: number
} {
  let uncompressedSize = h.uncompressedSize,
    compressedSize = h.compressedSize
  if (uncompressedSize !== MAX32 && compressedSize !== MAX32)
    return { compressedSize, uncompressedSize }
  const x = h.extraField
  for (let i = 0; i + 4 <= x.length; ) {
    const id = x.readUInt16LE(i),
      len = x.readUInt16LE(i + 2)
    if (id === ZIP64_EXTRA && i + 4 + len <= x.length) {
      // APPNOTE 4.5.3: in a local header both sizes are present, uncompressed first.
      let at = i + 4
      if (uncompressedSize === MAX32 && at + 8 <= i + 4 + len) {
        uncompressedSize = Number(x.readBigUInt64LE(at))
        at += 8
      }
      if (compressedSize === MAX32 && at + 8 <= i + 4 + len)
        compressedSize = Number(x.readBigUInt64LE(at))
      break
    }
    i += 4 + len
  }
  return { compressedSize, uncompressedSize }
}

function readLocal(zip: yauzl.ZipFile, e: yauzl.Entry): Promise<yauzl.LocalFileHeader> {
  return new Promise((resolve, reject) =>
    zip.readLocalFileHeader(e, (err, h) => (err ? reject(err) : resolve(h))),
  )
}

/** Map a yauzl central-directory record and the entry's local header to what the upload policy checks. */
function toInfo(e: yauzl.Entry, local: yauzl.LocalFileHeader): ZipEntryInfo {
  const name = yauzl.getFileNameLowLevel(
    e.generalPurposeBitFlag,
    e.fileNameRaw,
    e.extraFields,
    true,
  )
  const unixMode = (e.externalFileAttributes >>> 16) & 0xffff
  return {
    name,
    rawName: e.fileNameRaw.toString('utf8'),
    isDirectory: name.endsWith('/'),
    isSymlink: e.versionMadeBy >>> 8 === MADE_BY_UNIX && (unixMode & S_IFMT) === S_IFLNK,
    isEncrypted: e.isEncrypted(),
    compressedSize: e.compressedSize,
    uncompressedSize: e.uncompressedSize,
    central: {
      nameHex: e.fileNameRaw.toString('hex'),
      flags: e.generalPurposeBitFlag,
      method: e.compressionMethod,
      crc32: e.crc32,
      compressedSize: e.compressedSize,
      uncompressedSize: e.uncompressedSize,
    },
    local: {
      nameHex: local.fileName.toString('hex'),
      flags: local.generalPurposeBitFlag,
      method: local.compressionMethod,
      crc32: local.crc32,
      ...localSizes(local),
    },
  }
}

/** A ZipDirectoryReader over the given store. */
export function zipDirectoryReader(store: BlobStore): ZipDirectoryReader {
  return {
    async *entries(key: string, sizeBytes: number): AsyncIterable<ZipEntryInfo> {
      let zip: yauzl.ZipFile
      try {
        // decodeStrings off: yauzl would refuse unsafe names with a generic error; our policy names the rule.
        zip = await yauzl.fromRandomAccessReaderPromise(
          new BlobReader(store, key, sizeBytes),
          sizeBytes,
          { decodeStrings: false, validateEntrySizes: true, autoClose: true },
        )
      } catch (e) {
        throw new ZipUnreadableError(`not a readable zip: ${(e as Error).message}`)
      }
      try {
        for await (const entry of zip.eachEntry()) {
          let local: yauzl.LocalFileHeader
          try {
            local = await readLocal(zip, entry)
          } catch (e) {
            throw new ZipUnreadableError(
              `corrupt local header of ${JSON.stringify(entry.fileNameRaw.toString('utf8').slice(0, 120))}: ${(e as Error).message}`,
            )
          }
          yield toInfo(entry, local)
        }
      } catch (e) {
        if (e instanceof ZipUnreadableError) throw e
        throw new ZipUnreadableError(`corrupt zip central directory: ${(e as Error).message}`)
      } finally {
        zip.close()
      }
    },
  }
}
