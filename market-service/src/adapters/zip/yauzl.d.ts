// Minimal types for yauzl 3.4.0 (ships none): only what zip-directory.ts uses.
declare module 'yauzl' {
  import type { Readable } from 'node:stream'
  export interface Entry {
    fileNameRaw: Buffer
    fileName: string | Buffer
    extraFields: { id: number; data: Buffer }[]
    generalPurposeBitFlag: number
    versionMadeBy: number
    externalFileAttributes: number
    compressedSize: number
    uncompressedSize: number
    compressionMethod: number
    crc32: number
    relativeOffsetOfLocalHeader: number
    isEncrypted(): boolean
  }
  export interface LocalFileHeader {
    generalPurposeBitFlag: number
    compressionMethod: number
    crc32: number
    compressedSize: number
    uncompressedSize: number
    fileName: Buffer
    extraField: Buffer
  }
  export interface ZipFile {
    entryCount: number
    eachEntry(): AsyncIterable<Entry>
    readLocalFileHeader(
      entry: Entry,
      callback: (err: Error | null, header: LocalFileHeader) => void,
    ): void
    close(): void
  }
  export interface Options {
    autoClose?: boolean
    lazyEntries?: boolean
    decodeStrings?: boolean
    validateEntrySizes?: boolean
    strictFileNames?: boolean
  }
  export class RandomAccessReader {
    constructor()
    _readStreamForRange(start: number, end: number): Readable
    read(
      buffer: Buffer,
      offset: number,
      length: number,
      position: number,
      callback: (err: Error | null, bytesRead?: number) => void,
    ): void
    close(callback: (err?: Error | null) => void): void
  }
  export function fromRandomAccessReaderPromise(
    reader: RandomAccessReader,
    totalSize: number,
    options?: Options,
  ): Promise<ZipFile>
  export function getFileNameLowLevel(
    generalPurposeBitFlag: number,
    fileNameBuffer: Buffer,
    extraFields: { id: number; data: Buffer }[],
    strictFileNames: boolean,
  ): string
}
