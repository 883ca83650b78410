/**
 * a 1 GiB upload and download through the local store keep the service's RSS under 200 MB.
 * The service runs as a child process (its peak RSS is what is measured); the bytes are generated on
 * the fly here and never exist as a file on the client side.
 */
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { addGame, addUser } from '../adapters/sqlite/testing/blob-seed.ts'
import { centralRecord, eocd, localHeader } from '../adapters/zip/make-zip.ts'
import type { ChildService } from './testing/spawn-service.ts'
import { spawnService } from './testing/spawn-service.ts'

const DEV = 'd'.repeat(64)
const DATA = 2 ** 30 // one stored entry of 1 GiB
const BLOCK = Buffer.from(new Uint8Array(1 << 20).map((_, i) => (i * 2654435761) >>> 24))
const NAME = Buffer.from('game/data.pak')

/** A valid zip: one stored 1 GiB entry (CRC left 0: nothing here extracts it), directory, EOCD. */
function* zipParts(): Generator<Buffer> {
  yield localHeader(NAME, 0, 0, DATA, DATA)
  for (let sent = 0; sent < DATA; sent += BLOCK.length) yield BLOCK
  const cd = centralRecord(NAME, 0, 0, DATA, DATA, 0, 0o100644)
  yield cd
  yield eocd(1, cd.length, 30 + NAME.length + DATA)
}
const zipSize = 30 + NAME.length + DATA + 46 + NAME.length + 22

let svc: ChildService
beforeAll(async () => {
  svc = await spawnService((db) => {
    addGame(db, addUser(db, DEV), 'big-game')
  })
})
afterAll(async () => {
  await svc.stop()
})

it('a 1 GiB build uploads, verifies and downloads through the local store with the service under 200 MB RSS', async () => {
  const hash = createHash('sha256')
  for (const p of zipParts()) hash.update(p)
  const sha256 = hash.digest('hex')

  const created = await fetch(`${svc.url}/api/v1/developer/uploads`, {
    method: 'POST',
    headers: { 'x-test-pubkey': DEV, 'content-type': 'application/json' },
    body: JSON.stringify({
      game: `${DEV}/big-game`,
      version: '1.0.0',
      sha256,
      size_bytes: zipSize,
      content_type: 'application/zip',
    }),
  })
  expect(created.status).toBe(201)
  const t = (await created.json()) as { upload_url: string; headers: Record<string, string> }
  const parts = zipParts()
  const body = new ReadableStream<Uint8Array>({
    pull(ctl) {
      const n = parts.next()
      if (n.done) ctl.close()
      else ctl.enqueue(n.value)
    },
  })
  const put = await fetch(t.upload_url, {
    method: 'PUT',
    headers: t.headers,
    body,
    duplex: 'half',
  } as RequestInit)
  expect(await put.json()).toMatchObject({ status: 'VERIFIED', size_bytes: zipSize, sha256 })

  // The release the CLI would now publish, pointing at the verified upload by sha256.
  const gameId = (svc.db.prepare('SELECT id FROM games').get() as { id: number }).id
  const rid = Number(
    svc.db
      .prepare(`INSERT INTO releases (game_id, version, published_at, asset_event_id, event_id, created_at, updated_at)
    VALUES (?, '1.0.0', 1, ?, ?, 1, 1)`)
      .run(gameId, 'a'.repeat(64), 'b'.repeat(64)).lastInsertRowid,
  )
  svc.db
    .prepare(
      `INSERT INTO build_assets (release_id, event_id, sha256, size_bytes, content_type, created_at) VALUES (?, ?, ?, ?, 'application/zip', 1)`,
    )
    .run(rid, 'a'.repeat(64), sha256, zipSize)

  const res = await fetch(`${svc.url}/api/v1/games/${DEV}/big-game/download`)
  expect(res.status).toBe(200) // the 302 was followed to the signed local URL
  expect(res.headers.get('content-length')).toBe(String(zipSize))
  const down = createHash('sha256')
  let n = 0
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    down.update(chunk)
    n += chunk.length
  }
  expect(n).toBe(zipSize)
  expect(down.digest('hex')).toBe(sha256)

  const { max_rss_bytes } = (await (await fetch(`${svc.url}/__rss`)).json()) as {
    max_rss_bytes: number
  }
  expect(max_rss_bytes).toBeLessThan(200 * 1024 * 1024)
  console.log(`service peak RSS: ${(max_rss_bytes / 2 ** 20).toFixed(1)} MiB`)
}, 120_000)
