import { afterEach, describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { downloadVerified } from './download-file.ts'
import { VerificationError } from './exit.ts'

let server: Server | undefined
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()))
  server = undefined
})

async function serveBytes(bytes: Buffer): Promise<string> {
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/zip' })
    res.end(bytes)
  })
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}/blob`
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

describe('verified download', () => {
  it('bytes matching the signed sha256 and size are kept under the final name, no .part left', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zapcade-dl-'))
    const bytes = Buffer.from('PK\u0003\u0004 pretend zip')
    const url = await serveBytes(bytes)
    let last = 0
    await downloadVerified(
      url,
      join(dir, 'g-1.0.0.zip'),
      { sha256: sha(bytes), sizeBytes: bytes.length },
      (n) => (last = n),
    )
    expect(await readFile(join(dir, 'g-1.0.0.zip'))).toEqual(bytes)
    expect(await readdir(dir)).toEqual(['g-1.0.0.zip'])
    expect(last).toBe(bytes.length)
  })

  it('bytes that differ from the signed sha256 are refused and deleted', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zapcade-dl-'))
    const signed = Buffer.from('the build the developer signed')
    const swapped = Buffer.from('the build someone swapped in!!')
    expect(swapped.length).toBe(signed.length)
    const url = await serveBytes(swapped)
    await expect(
      downloadVerified(url, join(dir, 'g.zip'), { sha256: sha(signed), sizeBytes: signed.length }),
    ).rejects.toThrow(VerificationError)
    expect(await readdir(dir)).toEqual([])
  })

  it('a body longer than the signed size is cut off, refused and deleted', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zapcade-dl-'))
    const url = await serveBytes(Buffer.alloc(64 * 1024, 1))
    await expect(
      downloadVerified(url, join(dir, 'g.zip'), { sha256: 'a'.repeat(64), sizeBytes: 10 }),
    ).rejects.toThrow(/larger than the signed size/)
    expect(await readdir(dir)).toEqual([])
  })

  it('a shorter body is a size mismatch', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zapcade-dl-'))
    const bytes = Buffer.from('short')
    const url = await serveBytes(bytes)
    await expect(
      downloadVerified(url, join(dir, 'g.zip'), { sha256: sha(bytes), sizeBytes: 99 }),
    ).rejects.toThrow(/size mismatch/)
    expect(await readdir(dir)).toEqual([])
  })
})
