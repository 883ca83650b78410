import { describe, expect, it } from 'vitest'
import type { ZipEntryInfo } from '../../ports/blob-store.ts'
import { entryNameProblem, localHeaderProblem, ZipTally } from './zip-policy.ts'

const header = {
  nameHex: Buffer.from('a').toString('hex'),
  flags: 0x800,
  method: 8,
  crc32: 7,
  compressedSize: 10,
  uncompressedSize: 10,
}
const entry = (o: Partial<ZipEntryInfo>): ZipEntryInfo => ({
  name: 'a',
  rawName: 'a',
  isDirectory: false,
  isSymlink: false,
  isEncrypted: false,
  compressedSize: 10,
  uncompressedSize: 10,
  central: header,
  local: header,
  ...o,
})

describe('zip entry names', () => {
  it.each(['../x', 'a/../../x', 'a/..', '/etc/passwd', 'C:/win.ini', 'c:x', 'a\\b', 'a\0b', ''])(
    '%j is unsafe',
    (name) => {
      expect(entryNameProblem(name)).toBeDefined()
    },
  )
  it.each(['game/run.sh', 'a/b/c.txt', '..foo/bar', 'x..y', 'dir/'])('%j is fine', (name) => {
    expect(entryNameProblem(name)).toBeUndefined()
  })
  it('a safe effective name does not hide an unsafe raw name', () => {
    expect(
      new ZipTally({ maxEntries: 10, maxTotalUncompressedBytes: 1e9, maxExpansionRatio: 100 }).add(
        entry({ name: 'ok', rawName: '../evil' }),
      ),
    ).toMatch(/path traversal/)
  })
})

describe('zip totals', () => {
  const limits = { maxEntries: 3, maxTotalUncompressedBytes: 1000, maxExpansionRatio: 100 }
  it('more entries than the cap is refused', () => {
    const t = new ZipTally(limits)
    for (let i = 0; i < 3; i++) expect(t.add(entry({ name: `f${i}` }))).toBeUndefined()
    expect(t.add(entry({ name: 'f4' }))).toMatch(/more than 3 entries/)
  })
  it('the total uncompressed size is capped', () => {
    const t = new ZipTally(limits)
    expect(t.add(entry({ uncompressedSize: 600 }))).toBeUndefined()
    expect(t.add(entry({ uncompressedSize: 600 }))).toMatch(/uncompressed size exceeds/)
  })
  it('the expansion ratio is judged against the archive size; 100x passes, more does not', () => {
    const ok = new ZipTally({ ...limits, maxTotalUncompressedBytes: 1e12 })
    ok.add(entry({ uncompressedSize: 10_000 }))
    expect(ok.finish(100)).toBeUndefined()
    const bomb = new ZipTally({ ...limits, maxTotalUncompressedBytes: 1e12 })
    bomb.add(entry({ uncompressedSize: 10_001 }))
    expect(bomb.finish(100)).toMatch(/expansion ratio/)
  })
})

describe('local header against central directory', () => {
  it.each([
    [
      'name',
      { nameHex: Buffer.from('../../x').toString('hex') },
      /local header names "\.\.\/\.\.\/x"/,
    ],
    ['flags', { flags: 0x801 }, /flags/],
    ['method', { method: 0 }, /compression method/],
    ['compressed size', { compressedSize: 11 }, /sizes/],
    ['uncompressed size', { uncompressedSize: 9 }, /sizes/],
    ['crc', { crc32: 8 }, /CRC/],
  ] as const)('a different %s is refused', (_what, change, reason) => {
    expect(localHeaderProblem(header, { ...header, ...change })).toMatch(reason)
    expect(
      new ZipTally({ maxEntries: 10, maxTotalUncompressedBytes: 1e9, maxExpansionRatio: 100 }).add(
        entry({ local: { ...header, ...change } }),
      ),
    ).toMatch(/local header/)
  })
  it('with a data descriptor (flag bit 3) the local sizes and CRC are zero and not compared; name and method still are', () => {
    const central = { ...header, flags: 0x808 }
    const local = { ...central, crc32: 0, compressedSize: 0, uncompressedSize: 0 }
    expect(localHeaderProblem(central, local)).toBeUndefined()
    expect(localHeaderProblem(central, { ...local, method: 0 })).toMatch(/compression method/)
  })
  it('agreeing headers pass', () => {
    expect(localHeaderProblem(header, { ...header })).toBeUndefined()
  })
})
