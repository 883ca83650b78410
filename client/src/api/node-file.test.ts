import { afterEach, describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hashFile, putFile } from './node-file.ts'
import { ZapcadeApiError, ZapcadeNetworkError } from './errors.ts'

let server: Server | undefined
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()))
  server = undefined
})

async function sink(
  status: number,
  answer: string,
): Promise<{ url: string; got: { headers?: IncomingHttpHeaders; body?: Buffer } }> {
  const got: { headers?: IncomingHttpHeaders; body?: Buffer } = {}
  server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      got.headers = req.headers
      got.body = Buffer.concat(chunks)
      res.writeHead(status, { 'content-type': 'application/problem+json' })
      res.end(answer)
    })
  })
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/blobs/upload/t`, got }
}

async function file(bytes: Buffer): Promise<string> {
  const p = join(await mkdtemp(join(tmpdir(), 'zapcade-put-')), 'build.zip')
  await writeFile(p, bytes)
  return p
}

describe('putFile (node:http streaming upload)', () => {
  it('sends the whole file with the ticket headers and its exact content-length, reporting progress to the end', async () => {
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 17, 5)
    const { url, got } = await sink(200, '{"status":"VERIFIED"}')
    const seen: number[] = []
    await putFile(
      {
        upload_url: url,
        method: 'PUT',
        headers: { 'content-type': 'application/zip', 'x-amz-meta-a': '1' },
      },
      await file(bytes),
      { onProgress: (n) => seen.push(n) },
    )
    expect(got.headers).toMatchObject({
      'content-type': 'application/zip',
      'x-amz-meta-a': '1',
      'content-length': String(bytes.length),
    })
    expect(got.body?.equals(bytes)).toBe(true)
    expect(seen.at(-1)).toBe(bytes.length)
    expect(seen.length).toBeGreaterThan(1)
  })

  it('a refusal comes back as ZapcadeApiError with the problem detail', async () => {
    const { url } = await sink(
      422,
      JSON.stringify({ status: 422, code: 'UPLOAD_INVALID', detail: 'not a zip' }),
    )
    await expect(
      putFile({ upload_url: url, method: 'PUT', headers: {} }, await file(Buffer.from('hello'))),
    ).rejects.toMatchObject({ code: 'UPLOAD_INVALID', detail: 'not a zip' })
    await expect(
      putFile({ upload_url: url, method: 'PUT', headers: {} }, await file(Buffer.from('hello'))),
    ).rejects.toBeInstanceOf(ZapcadeApiError)
  })

  it('nothing listening is a ZapcadeNetworkError', async () => {
    const { url } = await sink(200, '{}')
    await new Promise<void>((r) => server!.close(() => r()))
    server = undefined
    await expect(
      putFile({ upload_url: url, method: 'PUT', headers: {} }, await file(Buffer.from('x'))),
    ).rejects.toBeInstanceOf(ZapcadeNetworkError)
  })

  it('hashFile streams the sha256 and size', async () => {
    const bytes = Buffer.alloc(2_500_000, 3)
    expect(await hashFile(await file(bytes))).toEqual({
      sha256: createHash('sha256').update(bytes).digest('hex'),
      sizeBytes: bytes.length,
    })
  })
})
