/**
 * What a build zip may contain (reliability catalogue B5 "Zip Slip", DL-5), judged from its central
 * directory alone: names that could escape an extraction directory, symlinks, encrypted entries, too
 * many entries, and an absurd expansion ratio or total size (zip bombs). Pure: no I/O.
 */
import type { ZipEntryInfo } from '../../ports/blob-store.ts'

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
    this.totalUncompressed += e.uncompressedSize
    if (this.totalUncompressed > this.limits.maxTotalUncompressedBytes) return `uncompressed size exceeds ${this.limits.maxTotalUncompressedBytes} bytes`
    return undefined
  }

  /** Whole-archive checks once every entry was seen. */
  finish(archiveSizeBytes: number): string | undefined {
    if (this.entries === 0) return 'empty zip'
    const ratio = this.totalUncompressed / Math.max(1, archiveSizeBytes)
    if (ratio > this.limits.maxExpansionRatio) return `expansion ratio ${Math.round(ratio)}x exceeds ${this.limits.maxExpansionRatio}x (zip bomb?)`
    return undefined
  }
}
