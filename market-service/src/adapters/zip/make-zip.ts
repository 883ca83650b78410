/**
 * A tiny in-memory zip writer: the launcher builds the demo games' zips with it, and tests use it to build
 * malicious archives the upload checks must refuse, since it can lie (sizes, attributes, names) when asked.
 * Stored (method 0) or deflated (method 8) entries, no ZIP64.
 */
import { deflateRawSync } from 'node:zlib'

export interface FakeEntry {
  name: string
  data?: Buffer
  deflate?: boolean
  /** Claim this uncompressed size in the central directory (a zip bomb header). */
  claimUncompressed?: number
  /** Unix mode for the external attributes, e.g. 0o120777 for a symlink. */
  unixMode?: number
  encrypted?: boolean
}

function crc32(buf: Buffer): number {
  let c = ~0
  for (const b of buf) {
    c ^= b
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1))
  }
  return ~c >>> 0
}

/** Local header (30 bytes + name) for an entry. */
export function localHeader(
  name: Buffer,
  method: number,
  crc: number,
  csize: number,
  usize: number,
  flags = 0,
): Buffer {
  const h = Buffer.alloc(30)
  h.writeUInt32LE(0x04034b50, 0)
  h.writeUInt16LE(20, 4)
  h.writeUInt16LE(flags, 6)
  h.writeUInt16LE(method, 8)
  h.writeUInt32LE(crc, 14)
  h.writeUInt32LE(csize, 18)
  h.writeUInt32LE(usize, 22)
  h.writeUInt16LE(name.length, 26)
  return Buffer.concat([h, name])
}

/** Central directory record for an entry. */
export function centralRecord(
  name: Buffer,
  method: number,
  crc: number,
  csize: number,
  usize: number,
  offset: number,
  unixMode: number | undefined,
  flags = 0,
): Buffer {
  const h = Buffer.alloc(46)
  h.writeUInt32LE(0x02014b50, 0)
  h.writeUInt16LE(unixMode === undefined ? 20 : (3 << 8) | 20, 4)
  h.writeUInt16LE(20, 6)
  h.writeUInt16LE(flags, 8)
  h.writeUInt16LE(method, 10)
  h.writeUInt32LE(crc, 16)
  h.writeUInt32LE(csize, 20)
  h.writeUInt32LE(usize, 24)
  h.writeUInt16LE(name.length, 28)
  h.writeUInt32LE(unixMode === undefined ? 0 : (unixMode << 16) >>> 0, 38)
  h.writeUInt32LE(offset, 42)
  return Buffer.concat([h, name])
}

/** End of central directory record. */
export function eocd(count: number, cdSize: number, cdOffset: number): Buffer {
  const h = Buffer.alloc(22)
  h.writeUInt32LE(0x06054b50, 0)
  h.writeUInt16LE(count, 8)
  h.writeUInt16LE(count, 10)
  h.writeUInt32LE(cdSize, 12)
  h.writeUInt32LE(cdOffset, 16)
  return h
}

/** Build a whole zip in memory (small fixtures only). */
export function makeZip(entries: FakeEntry[]): Buffer {
  const locals: Buffer[] = [],
    central: Buffer[] = []
  let offset = 0
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8')
    const raw = e.data ?? Buffer.alloc(0)
    const method = e.deflate ? 8 : 0
    const stored = e.deflate ? deflateRawSync(raw) : raw
    const crc = crc32(raw)
    const usize = e.claimUncompressed ?? raw.length
    const flags = (e.encrypted ? 1 : 0) | 0x800
    const local = Buffer.concat([
      localHeader(name, method, crc, stored.length, usize, flags),
      stored,
    ])
    central.push(centralRecord(name, method, crc, stored.length, usize, offset, e.unixMode, flags))
    locals.push(local)
    offset += local.length
  }
  const cd = Buffer.concat(central)
  return Buffer.concat([...locals, cd, eocd(entries.length, cd.length, offset)])
}
