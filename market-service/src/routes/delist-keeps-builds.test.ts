/**
 * Delisting or deleting a game keeps its buyers' access to the builds (reliability catalogue RPL-6),
 * over real HTTP (child service process, local store, real SQLite). The game rows change the way the
 * indexer writes them for an UNLISTED version and for a NIP-09 `a` deletion (relay-indexer/src/indexer.test.ts
 * shows the indexer writing exactly that and leaving purchases and entitlements alone).
 */
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addEntitlement, addGame, addUser } from '../adapters/sqlite/testing/blob-seed.ts'
import { makeZip } from '../adapters/zip/make-zip.ts'
import type { ChildService } from './testing/spawn-service.ts'
import { spawnService } from './testing/spawn-service.ts'

const DEV = 'd'.repeat(64),
  BUYER = 'b'.repeat(64),
  STRANGER = 'c'.repeat(64)
const zip = makeZip([
  { name: 'game/run.sh', data: Buffer.from('echo delisted\n'.repeat(50)), deflate: true },
])
const sha = createHash('sha256').update(zip).digest('hex')

describe('delist and delete keep entitlements (RPL-6)', () => {
  let svc: ChildService, gameId: number
  beforeAll(async () => {
    svc = await spawnService((db) => {
      const dev = addUser(db, DEV),
        buyer = addUser(db, BUYER)
      addUser(db, STRANGER)
      gameId = addGame(db, dev, 'gone-game', { priceMsat: 5000 })
      addEntitlement(db, gameId, { userId: buyer })
      addEntitlement(db, gameId, { receiptCode: 'guest-receipt' })
    })
    const t = (await (
      await fetch(`${svc.url}/api/v1/developer/uploads`, {
        method: 'POST',
        headers: { 'x-test-pubkey': DEV, 'content-type': 'application/json' },
        body: JSON.stringify({
          game: `${DEV}/gone-game`,
          version: '1.0.0',
          sha256: sha,
          size_bytes: zip.length,
          content_type: 'application/zip',
        }),
      })
    ).json()) as { id: string; upload_url: string; headers: Record<string, string> }
    expect(
      await (
        await fetch(t.upload_url, { method: 'PUT', headers: t.headers, body: new Uint8Array(zip) })
      ).json(),
    ).toMatchObject({ status: 'VERIFIED' })
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
      .run(rid, 'a'.repeat(64), sha, zip.length)
  })
  afterAll(async () => {
    await svc.stop()
  })

  const download = (headers: Record<string, string>): Promise<Response> =>
    fetch(`${svc.url}/api/v1/games/${DEV}/gone-game/download?format=json`, { headers })
  /** The buyer (NIP-98 identity) and the guest (receipt code) both get the exact bytes. */
  async function buyersStillDownload(): Promise<void> {
    for (const headers of [{ 'x-test-pubkey': BUYER }, { 'x-receipt-code': 'guest-receipt' }]) {
      const r = await download(headers)
      expect(r.status).toBe(200)
      const { url } = (await r.json()) as { url: string }
      expect(Buffer.from(await (await fetch(url)).arrayBuffer())).toEqual(zip)
    }
  }

  it('an unlisted game still serves its buyers, and still refuses a stranger with 403', async () => {
    svc.db
      .prepare(`UPDATE games SET status = 'UNLISTED', listing = 'UNLISTED' WHERE id = ?`)
      .run(gameId)
    await buyersStillDownload()
    expect((await download({ 'x-test-pubkey': STRANGER })).status).toBe(403)
  })

  it('a game deleted by its developer still serves its buyers; to anyone else it does not exist', async () => {
    svc.db.prepare(`UPDATE games SET deleted_at = 50 WHERE id = ?`).run(gameId)
    await buyersStillDownload()
    const stranger = await download({ 'x-test-pubkey': STRANGER })
    expect(stranger.status).toBe(404)
    expect(await stranger.json()).toMatchObject({ code: 'GAME_NOT_FOUND' })
    expect((await download({})).status).toBe(404)
    expect(
      svc.db.prepare('SELECT count(*) FROM entitlements WHERE revoked_at IS NULL').pluck().get(),
    ).toBe(2)
  })
})
