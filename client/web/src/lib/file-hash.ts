/**
 * sha256 of a file chosen in the browser, for a build upload: WebCrypto in one call for files up to
 * ONE_SHOT_MAX (fast, native, but it needs the whole file in memory), above that an incremental
 * SHA-256 (FIPS 180-4) over `file.stream()` chunks, in constant memory. WebCrypto has no incremental
 * digest, hence the small implementation below; both are checked against node:crypto in tests.
 */

/** Files up to this size are hashed by WebCrypto in one call. */
export const ONE_SHOT_MAX = 256 * 2 ** 20

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
])

const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n))

/** Incremental SHA-256: update() with any chunks, then digestHex() once. */
export class Sha256 {
  private readonly h = new Uint32Array([
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  ])
  private readonly w = new Uint32Array(64)
  private readonly block = new Uint8Array(64)
  private used = 0
  private bytes = 0

  private compress(b: Uint8Array, off: number): void {
    const w = this.w
    for (let i = 0; i < 16; i++) {
      const j = off + i * 4
      w[i] = (b[j]! << 24) | (b[j + 1]! << 16) | (b[j + 2]! << 8) | b[j + 3]!
    }
    for (let i = 16; i < 64; i++) {
      const a = w[i - 15]!
      const c = w[i - 2]!
      const s0 = rotr(a, 7) ^ rotr(a, 18) ^ (a >>> 3)
      const s1 = rotr(c, 17) ^ rotr(c, 19) ^ (c >>> 10)
      w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0
    }
    const h = this.h
    let a = h[0]!
    let bb = h[1]!
    let c = h[2]!
    let d = h[3]!
    let e = h[4]!
    let f = h[5]!
    let g = h[6]!
    let hh = h[7]!
    for (let i = 0; i < 64; i++) {
      const t1 =
        (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) | 0
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & bb) ^ (a & c) ^ (bb & c))) | 0
      hh = g
      g = f
      f = e
      e = (d + t1) | 0
      d = c
      c = bb
      bb = a
      a = (t1 + t2) | 0
    }
    h[0] = (h[0]! + a) | 0
    h[1] = (h[1]! + bb) | 0
    h[2] = (h[2]! + c) | 0
    h[3] = (h[3]! + d) | 0
    h[4] = (h[4]! + e) | 0
    h[5] = (h[5]! + f) | 0
    h[6] = (h[6]! + g) | 0
    h[7] = (h[7]! + hh) | 0
  }

  update(data: Uint8Array): this {
    this.bytes += data.length
    let i = 0
    if (this.used > 0) {
      const take = Math.min(64 - this.used, data.length)
      this.block.set(data.subarray(0, take), this.used)
      this.used += take
      i = take
      if (this.used < 64) return this
      this.compress(this.block, 0)
      this.used = 0
    }
    for (; i + 64 <= data.length; i += 64) this.compress(data, i)
    if (i < data.length) {
      this.block.set(data.subarray(i), 0)
      this.used = data.length - i
    }
    return this
  }

  digestHex(): string {
    const bits = this.bytes * 8
    const pad = new Uint8Array((this.used < 56 ? 64 : 128) - this.used)
    pad[0] = 0x80
    const n = pad.length
    // Length in bits, big-endian 64-bit (2^53 is far above any file here).
    const hi = Math.floor(bits / 2 ** 32)
    const lo = bits >>> 0
    pad[n - 8] = hi >>> 24
    pad[n - 7] = (hi >>> 16) & 0xff
    pad[n - 6] = (hi >>> 8) & 0xff
    pad[n - 5] = hi & 0xff
    pad[n - 4] = lo >>> 24
    pad[n - 3] = (lo >>> 16) & 0xff
    pad[n - 2] = (lo >>> 8) & 0xff
    pad[n - 1] = lo & 0xff
    const total = this.bytes
    this.update(pad)
    this.bytes = total
    return Array.from(this.h, (x) => (x >>> 0).toString(16).padStart(8, '0')).join('')
  }
}

const hex = (b: ArrayBuffer) =>
  Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, '0')).join('')

/** sha256 hex of a Blob (a dropped File), reporting the bytes hashed so far. */
export async function hashBlob(
  blob: Blob,
  onProgress?: (done: number, total: number) => void,
  oneShotMax = ONE_SHOT_MAX,
): Promise<string> {
  if (blob.size <= oneShotMax && globalThis.crypto?.subtle) {
    const out = hex(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer()))
    onProgress?.(blob.size, blob.size)
    return out
  }
  const h = new Sha256()
  let done = 0
  const reader = blob.stream().getReader()
  for (;;) {
    const { done: end, value } = await reader.read()
    if (end) break
    h.update(value)
    done += value.length
    onProgress?.(done, blob.size)
  }
  return h.digestHex()
}
