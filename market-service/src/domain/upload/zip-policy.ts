/**
 * What a build zip may contain (reliability catalogue B5 "Zip Slip", DL-5), judged from its central
 * directory and each entry's local header: names that could escape an extraction directory, symlinks,
 * encrypted entries, too many entries, an absurd expansion ratio or total size (zip bombs), and a local
 * header that disagrees with its central record (a streaming extractor would write what the local header
 * says: `../../x` behind a central `game/readme.txt`). Pure: no I/O.
 */
import type { ZipEntryInfo, ZipHeaderFields } from '../../ports/blob-store.ts'

export interface ZipLimits {
  maxEntries: number
  /** Cap on the sum of uncompressed sizes. */
  maxTotalUncompressedBytes: number
  /** Cap on sum(uncompressed) / archive size. */
  maxExpansionRatio: number
}

/** Generous for games, fatal for bombs: 100k files, 16 GiB unpacked, 100x expansion. */
export const defaultZipLimits: ZipLimits = {
  maxEntries: 100_000,
  maxTotalUncompressedBytes: 16 * 2 ** 30,
  maxExpansionRatio: 100,
}

/** Why an entry name is unsafe to extract anywhere, or undefined when it is fine. */
export function entryNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'empty entry name'
  if (name.includes('\0')) return 'NUL in entry name'
  if (name.includes('\\')) return 'backslash in entry name'
  if (name.startsWith('/')) return 'absolute entry path'
  if (/^[A-Za-z]:/.test(name)) return 'drive letter in entry path'
  if (name.split('/').some((seg) => seg === '..')) return 'path traversal (..) in entry name'
  return undefined
}

/** General purpose flag bit 3: CRC and sizes follow the data (the local header's are zero). */
const DATA_DESCRIPTOR = 0x0008

/** Why an entry's local header disagrees with its central-directory record, or undefined when they agree. */
export function localHeaderProblem(
  central: ZipHeaderFields,
  local: ZipHeaderFields,
): string | undefined {
  if (local.nameHex !== central.nameHex) {
    const shown = Buffer.from(local.nameHex, 'hex').toString('utf8').slice(0, 120)
    return `local header names ${JSON.stringify(shown)}, the central directory another name`
  }
  if (local.flags !== central.flags)
    return `local header flags 0x${local.flags.toString(16)} differ from the central directory's 0x${central.flags.toString(16)}`
  if (local.method !== central.method)
    return `local header compression method ${local.method} differs from the central directory's ${central.method}`
  if ((central.flags & DATA_DESCRIPTOR) === 0) {
    if (
      local.compressedSize !== central.compressedSize ||
      local.uncompressedSize !== central.uncompressedSize
    ) {
      return `local header sizes ${local.compressedSize}/${local.uncompressedSize} differ from the central directory's ${central.compressedSize}/${central.uncompressedSize}`
    }
    if (local.crc32 !== central.crc32)
      return "local header CRC-32 differs from the central directory's"
  }
  return undefined
}

/** Accumulates entries as they stream out of the central directory; the first problem stops the check. */
export class ZipTally {
  entries = 0
  totalUncompressed = 0

  constructor(private readonly limits: ZipLimits) {}

  /** Check one entry; answers the reason to reject the archive, if any. */
  add(e: ZipEntryInfo): string | undefined {
    this.entries++
    if (this.entries > this.limits.maxEntries) return `more than ${this.limits.maxEntries} entries`
    const nameProblem = entryNameProblem(e.name) ?? entryNameProblem(e.rawName)
    if (nameProblem) return `${nameProblem}: ${JSON.stringify(e.name.slice(0, 120))}`
    if (e.isSymlink) return `symlink entry: ${JSON.stringify(e.name.slice(0, 120))}`
    if (e.isEncrypted) return `encrypted entry: ${JSON.stringify(e.name.slice(0, 120))}`
    const mismatch = localHeaderProblem(e.central, e.local)
    if (mismatch) return `${mismatch}: ${JSON.stringify(e.name.slice(0, 120))}`
    this.totalUncompressed += e.uncompressedSize
    if (this.totalUncompressed > this.limits.maxTotalUncompressedBytes)
      return `uncompressed size exceeds ${this.limits.maxTotalUncompressedBytes} bytes`
    return undefined
  }

  /** Whole-archive checks once every entry was seen. */
  finish(archiveSizeBytes: number): string | undefined {
    if (this.entries === 0) return 'empty zip'
    const ratio = this.totalUncompressed / Math.max(1, archiveSizeBytes)
    if (ratio > this.limits.maxExpansionRatio)
      return `expansion ratio ${Math.round(ratio)}x exceeds ${this.limits.maxExpansionRatio}x (zip bomb?)`
    return undefined
  }
}
