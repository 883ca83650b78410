/**
 * Over real HTTP on the whole service (createApp, real NIP-98, SQLite file, local blob store): a
 * published version is immutable (409 VERSION_PUBLISHED at upload and at completion), and a zip whose
 * local file header disagrees with its central directory is refused. Release rows are written the way
 * the indexer writes them for a 30063 + 3063 pair.
 */
import { createHash } from 'node:crypto'
import { deflateRawSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { centralRecord, eocd, localHeader, makeZip } from '../adapters/zip/make-zip.ts'
import { seedGame } from '../testing/payments-harness.ts'
import { newKey, startHarness, type Harness, type Key } from '../testing/service-harness.ts'

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex')
const zipA = makeZip([
  { name: 'game/run.sh', data: Buffer.from('echo one\n'.repeat(40)), deflate: true },
])
const zipB = makeZip([
  { name: 'game/run.sh', data: Buffer.from('echo two\n'.repeat(40)), deflate: true },
])

interface Ticket {
  id: string
  upload_url: string
  headers: Record<string, string>
}

describe('published releases are immutable; local headers must match the central directory', () => {
  let h: Harness, dev: Key, gameId: number
  let signed = 0
  const ask = (version: string, bytes: Buffer): Promise<Response> =>
    h.call('/api/v1/developer/uploads', {
      method: 'POST',
      auth: { key: dev, createdAtOffsetSec: -(signed++ % 50) },
      body: JSON.stringify({
        game: `${dev.pubkey}/imm`,
        version,
        sha256: sha(bytes),
        size_bytes: bytes.length,
        content_type: 'application/zip',
      }),
    })
  const put = (t: Ticket, bytes: Buffer): Promise<Response> =>
    fetch(t.upload_url, { method: 'PUT', headers: t.headers, body: new Uint8Array(bytes) })
  const status = async (id: string) =>
    (
      await h.call(`/api/v1/developer/uploads/${id}`, {
        auth: { key: dev, createdAtOffsetSec: -(signed++ % 50) },
      })
    ).json()
  /** The indexer's rows for a 30063 release of `version` whose 3063 asset names `bytes`. */
  const publish = (version: string, bytes: Buffer): void => {
    const rid = Number(
      h.svc.db
        .prepare(`INSERT INTO releases (game_id, version, published_at, asset_event_id, event_id, created_at, updated_at)
      VALUES (?, ?, 20, ?, ?, 1, 1)`)
        .run(gameId, version, sha(Buffer.from(`a${version}`)), sha(Buffer.from(`r${version}`)))
        .lastInsertRowid,
    )
    h.svc.db
      .prepare(
        `INSERT INTO build_assets (release_id, event_id, sha256, size_bytes, content_type, created_at) VALUES (?, ?, ?, ?, 'application/zip', 1)`,
      )
      .run(rid, sha(Buffer.from(`a${version}`)), sha(bytes), bytes.length)
  }

  beforeAll(async () => {
    h = await startHarness()
    dev = newKey()
    const info = (await (await h.call('/api/v1/info')).json()) as { market_pubkey: string }
    gameId = seedGame(h.svc.db, dev, 'imm', {
      priceMsat: 5000,
      build: false,
      marketPubkey: info.market_pubkey,
    })
  })
  afterAll(async () => {
    await h?.stop()
  })

  it('a version published with a verified build never gets other bytes: 409 VERSION_PUBLISHED; the same bytes or a new version are fine', async () => {
    const t = (await (await ask('2.0.0', zipA)).json()) as Ticket
    expect(await (await put(t, zipA)).json()).toMatchObject({ status: 'VERIFIED' })
    // Not yet published (no release names it): the developer may still replace the build.
    const before = await ask('2.0.0', zipB)
    expect(before.status).toBe(201)
    publish('2.0.0', zipA)

    const again = await ask('2.0.0', zipB)
    expect(again.status).toBe(409)
    expect(again.headers.get('content-type')).toMatch(/application\/problem\+json/)
    expect(await again.json()).toMatchObject({
      code: 'VERSION_PUBLISHED',
      status: 409,
      detail: expect.stringMatching(/publish a new version/),
      sha256: sha(zipA),
    })
    expect((await ask('2.0.0', zipA)).status).toBe(201)
    expect((await ask('2.0.1', zipB)).status).toBe(201)
    // The ticket asked for before the release was published cannot complete with other bytes either.
    const early = (await before.json()) as Ticket
    const late = await put(early, zipB)
    expect(late.status).toBe(409)
    expect((await late.json()).code).toBe('VERSION_PUBLISHED')
    expect(await status(early.id)).toMatchObject({
      status: 'REJECTED',
      reject_reason: expect.stringMatching(/publish a new version/),
    })
    const complete = await h.call(`/api/v1/developer/uploads/${early.id}/complete`, {
      method: 'POST',
      auth: { key: dev, createdAtOffsetSec: -(signed++ % 50) },
    })
    expect(await complete.json()).toMatchObject({ code: 'UPLOAD_INVALID' })
  })

  it('the catalog shows the game as coming soon until a release has a verified build', async () => {
    const game = await (await h.call(`/api/v1/games/${dev.pubkey}/imm`)).json()
    // 2.0.0 was published above with bytes the market verified.
    expect(game).toMatchObject({ coming_soon: false })
    h.svc.db
      .prepare(`UPDATE releases SET deleted_at = 5 WHERE game_id = ? AND version = '2.0.0'`)
      .run(gameId)
    expect(await (await h.call(`/api/v1/games/${dev.pubkey}/imm`)).json()).toMatchObject({
      coming_soon: true,
    })
    h.svc.db
      .prepare(`UPDATE releases SET deleted_at = NULL WHERE game_id = ? AND version = '2.0.0'`)
      .run(gameId)
  })

  it('a local header naming ../../x behind a central record naming game/readme.txt is refused (422, REJECTED)', async () => {
    const data = Buffer.from('read me\n'.repeat(20))
    const packed = deflateRawSync(data)
    const crc = crcOf(data)
    const local = Buffer.concat([
      localHeader(Buffer.from('../../x'), 8, crc, packed.length, data.length, 0x800),
      packed,
    ])
    const cd = centralRecord(
      Buffer.from('game/readme.txt'),
      8,
      crc,
      packed.length,
      data.length,
      0,
      undefined,
      0x800,
    )
    const evil = Buffer.concat([local, cd, eocd(1, cd.length, local.length)])
    const t = (await (await ask('3.0.0', evil)).json()) as Ticket
    const r = await put(t, evil)
    expect(r.status).toBe(422)
    expect(await r.json()).toMatchObject({
      code: 'UPLOAD_INVALID',
      detail: expect.stringMatching(/local header names "\.\.\/\.\.\/x"/),
    })
    expect(await status(t.id)).toMatchObject({ status: 'REJECTED' })
    // The same archive with honest headers passes: the refusal is the mismatch, not the content.
    const honest = makeZip([{ name: 'game/readme.txt', data, deflate: true }])
    const ok = (await (await ask('3.0.0', honest)).json()) as Ticket
    expect(await (await put(ok, honest)).json()).toMatchObject({ status: 'VERIFIED' })
  })

  it('local sizes or method that disagree with the central directory are refused too', async () => {
    const data = Buffer.from('abc'.repeat(30))
    const crc = crcOf(data)
    const local = Buffer.concat([
      localHeader(Buffer.from('game/a.bin'), 0, crc, data.length, data.length + 5, 0x800),
      data,
    ])
    const cd = centralRecord(
      Buffer.from('game/a.bin'),
      0,
      crc,
      data.length,
      data.length,
      0,
      undefined,
      0x800,
    )
    const bad = Buffer.concat([local, cd, eocd(1, cd.length, local.length)])
    const t = (await (await ask('3.1.0', bad)).json()) as Ticket
    const r = await put(t, bad)
    expect(r.status).toBe(422)
    expect((await r.json()).detail).toMatch(/local header sizes/)
  })
})

function crcOf(buf: Buffer): number {
  let c = ~0
  for (const b of buf) {
    c ^= b
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1))
  }
  return ~c >>> 0
}
