import { createHash, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { hashBlob, Sha256 } from './file-hash.ts'

const nodeSha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')

describe('sha256 of a file in the browser', () => {
  it('matches node:crypto for every length around the padding boundaries, in any chunking', () => {
    const data = randomBytes(300)
    for (const n of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 300]) {
      const b = data.subarray(0, n)
      expect(new Sha256().update(b).digestHex()).toBe(nodeSha(b))
      const chunked = new Sha256()
      for (let i = 0; i < n; i += 7) chunked.update(b.subarray(i, i + 7))
      expect(chunked.digestHex()).toBe(nodeSha(b))
    }
    expect(new Sha256().update(new TextEncoder().encode('abc')).digestHex()).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    )
  })

  it('hashes a Blob in one WebCrypto call or streamed, with the same answer and progress to the end', async () => {
    const data = randomBytes(3 * 65536 + 17)
    const blob = new Blob([data])
    const seen: number[] = []
    const streamed = await hashBlob(blob, (d) => seen.push(d), 0)
    expect(streamed).toBe(nodeSha(data))
    expect(seen.at(-1)).toBe(data.length)
    expect(await hashBlob(blob)).toBe(nodeSha(data))
  })
})
