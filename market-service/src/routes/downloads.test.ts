/** The upload and download routes over real HTTP (child service process, local store). */
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addEntitlement, addGame, addUser } from '../adapters/sqlite/testing/blob-seed.ts'
import { makeZip } from '../adapters/zip/make-zip.ts'
import type { ChildService } from './testing/spawn-service.ts'
import { spawnService } from './testing/spawn-service.ts'

const DEV = 'd'.repeat(64),
  OTHER = 'f'.repeat(64),
  BUYER = 'b'.repeat(64),
  ADMIN = 'a'.repeat(64)
const zip = makeZip([
  { name: 'game/run.sh', data: Buffer.from('echo hi\n'.repeat(100)), deflate: true },
])
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

describe('upload and download routes', () => {
  let svc: ChildService, ent: string
  const events = (): number =>
    (svc.db.prepare('SELECT count(*) AS n FROM download_events').get() as { n: number }).n
  beforeAll(async () => {
    svc = await spawnService((db) => {
      const dev = addUser(db, DEV),
        buyer = addUser(db, BUYER)
      addUser(db, OTHER)
      const g = addGame(db, dev, 'space-game', { priceMsat: 5000 })
      ent = addEntitlement(db, g, { userId: buyer })
      addEntitlement(db, g, { receiptCode: 'guest-receipt' })
    })
  })
  afterAll(async () => {
    await svc.stop()
  })

  const newUpload = (who: string, bytes: Buffer, version: string): Promise<Response> =>
    fetch(`${svc.url}/api/v1/developer/uploads`, {
      method: 'POST',
      headers: { 'x-test-pubkey': who, 'content-type': 'application/json' },
      body: JSON.stringify({
        game: `${DEV}/space-game`,
        version,
        sha256: sha(bytes),
        size_bytes: bytes.length,
        content_type: 'application/zip',
      }),
    })

  it("another developer's game: 403 problem+json", async () => {
    const r = await newUpload(OTHER, zip, '1.0.0')
    expect(r.status).toBe(403)
    expect(r.headers.get('content-type')).toContain('application/problem+json')
  })

  it('unknown body fields are refused (strict body)', async () => {
    const r = await fetch(`${svc.url}/api/v1/developer/uploads`, {
      method: 'POST',
      headers: { 'x-test-pubkey': DEV, 'content-type': 'application/json' },
      body: JSON.stringify({ game: `${DEV}/space-game`, key: '../x' }),
    })
    expect(r.status).toBe(400)
  })

  it('a zip with ../ entries PUT to the local URL is refused with 422 and its upload REJECTED', async () => {
    const bad = makeZip([{ name: '../../evil.sh', data: Buffer.from('x') }])
    const t = (await (await newUpload(DEV, bad, '0.9.0')).json()) as {
      id: string
      upload_url: string
      headers: Record<string, string>
    }
    const put = await fetch(t.upload_url, {
      method: 'PUT',
      headers: t.headers,
      body: new Uint8Array(bad),
    })
    expect(put.status).toBe(422)
    expect(await put.json()).toMatchObject({ code: 'UPLOAD_INVALID' })
    const st = await (
      await fetch(`${svc.url}/api/v1/developer/uploads/${t.id}`, {
        headers: { 'x-test-pubkey': DEV },
      })
    ).json()
    expect(st).toMatchObject({
      status: 'REJECTED',
      reject_reason: expect.stringMatching(/path traversal/),
    })
  })

  it('a verified upload backs the release; downloads redirect (302) or answer JSON; refusals record nothing', async () => {
    const t = (await (await newUpload(DEV, zip, '1.0.0')).json()) as {
      id: string
      upload_url: string
      headers: Record<string, string>
      expires_at: number
    }
    expect(t.expires_at - Date.now() / 1000).toBeLessThanOrEqual(600)
    const put = await fetch(t.upload_url, {
      method: 'PUT',
      headers: t.headers,
      body: new Uint8Array(zip),
    })
    expect(await put.json()).toMatchObject({ status: 'VERIFIED' })
    const complete = await fetch(`${svc.url}/api/v1/developer/uploads/${t.id}/complete`, {
      method: 'POST',
      headers: { 'x-test-pubkey': DEV },
    })
    expect(await complete.json()).toEqual({ id: t.id, status: 'VERIFIED' })
    const gameId = (svc.db.prepare('SELECT id FROM games').get() as { id: number }).id
    const rid = Number(
      svc.db
        .prepare(
          `INSERT INTO releases (game_id, version, published_at, asset_event_id, event_id, created_at, updated_at) VALUES (?, '1.0.0', 1, ?, ?, 1, 1)`,
        )
        .run(gameId, 'a'.repeat(64), 'b'.repeat(64)).lastInsertRowid,
    )
    svc.db
      .prepare(
        `INSERT INTO build_assets (release_id, event_id, sha256, size_bytes, content_type, created_at) VALUES (?, ?, ?, ?, 'application/zip', 1)`,
      )
      .run(rid, 'a'.repeat(64), sha(zip), zip.length)

    const base = `${svc.url}/api/v1/games/${DEV}/space-game/download`
    const denied = await fetch(`${base}?version=1.0.0`, {
      headers: { 'x-test-pubkey': OTHER },
      redirect: 'manual',
    })
    expect(denied.status).toBe(403)
    expect(denied.headers.get('location')).toBeNull()
    expect(events()).toBe(0)

    const r = await fetch(`${base}?version=1.0.0`, {
      headers: { 'x-test-pubkey': BUYER },
      redirect: 'manual',
    })
    expect(r.status).toBe(302)
    expect(r.headers.get('cache-control')).toBe('private, no-store')
    const file = await fetch(r.headers.get('location')!)
    expect(file.headers.get('content-disposition')).toContain('filename="space-game-1.0.0.zip"')
    expect(file.headers.get('etag')).toBe(`"${sha(zip)}"`)
    expect(Buffer.from(await file.arrayBuffer())).toEqual(zip)

    const j = await (
      await fetch(`${base}?format=json`, { headers: { 'x-receipt-code': 'guest-receipt' } })
    ).json()
    expect(j).toMatchObject({
      sha256: sha(zip),
      size_bytes: zip.length,
      url: expect.stringContaining('/blobs/get/'),
    })
    expect(events()).toBe(2)

    const counts = await (
      await fetch(`${svc.url}/api/v1/developer/downloads`, { headers: { 'x-test-pubkey': DEV } })
    ).json()
    expect(counts.items).toEqual([
      { slug: 'space-game', version: '1.0.0', downloads: 2, last_at: expect.any(Number) },
    ])
    const trail = await (
      await fetch(`${svc.url}/api/v1/admin/entitlements/${ent}/downloads`, {
        headers: { 'x-test-pubkey': ADMIN },
      })
    ).json()
    expect(trail.downloads).toHaveLength(1)
    expect(
      (
        await fetch(`${svc.url}/api/v1/admin/entitlements/${ent}/downloads`, {
          headers: { 'x-test-pubkey': DEV },
        })
      ).status,
    ).toBe(403)
  })

  it('too many attempts from one address: 429 with Retry-After', async () => {
    let last: Response | undefined
    for (let i = 0; i < 40; i++) {
      last = await fetch(`${svc.url}/api/v1/games/${DEV}/space-game/download?format=json`, {
        headers: { 'x-receipt-code': `guess-${i}` },
      })
      if (last.status === 429) break
      await last.arrayBuffer()
    }
    expect(last!.status).toBe(429)
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await last!.json()).code).toBe('RATE_LIMITED')
  })
})
