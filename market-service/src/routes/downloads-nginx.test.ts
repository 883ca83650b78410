/**
 * Production downloads behind Debian's nginx (docs/deploy-nginx.md, ZAPCADE_ACCEL_REDIRECT): the real
 * service (NIP-98, SQLite file, local blob store) behind a real nginx running the documented server
 * block. The service authorises and audits; nginx sends the bytes from its `internal` location.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '@zapcade/shared/config'
import { signToken } from '../adapters/fs-blob/signed-token.ts'
import {
  addEntitlement,
  addGame,
  addRelease,
  addUser,
} from '../adapters/sqlite/testing/blob-seed.ts'
import { buildObjectKey } from '../ports/blob-store.ts'
import { authHeader, newKey, startHarness } from '../testing/service-harness.ts'
import type { Harness } from '../testing/service-harness.ts'
import { freePort, startNginx } from './testing/nginx.ts'
import type { RunningNginx } from './testing/nginx.ts'

const SECRET = 'nginx-test-secret-0123456789abcdef0123456789'
const dev = newKey(),
  buyer = newKey()
const bytes = randomBytes(3 * 2 ** 20 + 17) // a few MiB, not a multiple of any buffer size
const sha = createHash('sha256').update(bytes).digest('hex')

describe('downloads served by nginx (X-Accel-Redirect)', () => {
  let h: Harness, nginx: RunningNginx, key: string, gameId: number
  const audited = (): number =>
    (h.svc.db.prepare('SELECT count(*) AS n FROM download_events').get() as { n: number }).n
  const downloadUrl = (): string => `${nginx.url}/api/v1/games/${dev.pubkey}/space-game/download`

  beforeAll(async () => {
    const port = await freePort()
    h = await startHarness({
      env: {
        ZAPCADE_PUBLIC_URL: `http://127.0.0.1:${port}`,
        ZAPCADE_ACCEL_REDIRECT: '/protected-blobs/',
        ZAPCADE_SECRET: SECRET,
      },
    })
    const db = h.svc.db
    gameId = addGame(db, addUser(db, dev.pubkey), 'space-game', { priceMsat: 21_000 })
    addEntitlement(db, gameId, { userId: addUser(db, buyer.pubkey) })
    key = buildObjectKey(gameId, randomUUID())
    addRelease(db, gameId, '1.0.0', { sha256: sha, sizeBytes: bytes.length, objectKey: key })
    const file = join(h.dir, 'blobs', key)
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, bytes)
    nginx = await startNginx({
      port,
      upstream: new URL(h.svc.url).host,
      blobDir: join(h.dir, 'blobs'),
    })
  })
  afterAll(async () => {
    await nginx?.stop()
    await h?.stop()
  })

  it("a buyer's download goes through nginx: exact bytes, the service's headers, audited once", async () => {
    const auth = await authHeader({ key: buyer }, downloadUrl(), 'GET', undefined)
    const grant = await fetch(downloadUrl(), {
      headers: { authorization: auth },
      redirect: 'manual',
    })
    expect(grant.status).toBe(302)
    const location = grant.headers.get('location')!
    expect(location.startsWith(`${nginx.url}/blobs/get/`)).toBe(true)
    expect(audited()).toBe(1)

    // Asked directly, the service answers no bytes, only where nginx finds them.
    const direct = await fetch(location.replace(nginx.url, h.svc.url))
    expect(direct.headers.get('x-accel-redirect')).toBe(`/protected-blobs/${key}`)
    expect((await direct.arrayBuffer()).byteLength).toBe(0)

    const res = await fetch(location)
    expect(res.status).toBe(200)
    expect(res.headers.get('last-modified')).not.toBeNull() // nginx's static file module sent it
    expect(res.headers.get('x-accel-redirect')).toBeNull() // nginx consumed it; the key is not shown
    expect(res.headers.get('server')).toMatch(/^nginx/)
    expect(res.headers.get('content-type')).toBe('application/zip')
    expect(res.headers.get('content-disposition')).toContain(
      'attachment; filename="space-game-1.0.0.zip"',
    )
    expect(res.headers.get('etag')).toBe(`"${sha}"`)
    expect(res.headers.get('cache-control')).toBe('private, no-store')
    expect(res.headers.get('content-length')).toBe(String(bytes.length))
    expect(res.headers.get('accept-ranges')).toBe('bytes') // once: nginx's own, not also the service's
    const got = Buffer.from(await res.arrayBuffer())
    expect(createHash('sha256').update(got).digest('hex')).toBe(sha)

    // nginx answers ranges itself, and If-Range with the sha256 ETag resumes.
    const part = await fetch(location, {
      headers: { range: 'bytes=1000-1999', 'if-range': `"${sha}"` },
    })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe(`bytes 1000-1999/${bytes.length}`)
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(1000, 2000))).toBe(true)

    // A partial copy of other bytes (another ETag) gets the whole file again.
    const stale = await fetch(location, {
      headers: { range: 'bytes=1000-1999', 'if-range': `"${'0'.repeat(64)}"` },
    })
    expect(stale.status).toBe(200)
    expect((await stale.arrayBuffer()).byteLength).toBe(bytes.length)

    // The signed URL is served by nginx, but only the authorisation is audited.
    expect(audited()).toBe(1)
  })

  it('unsigned, tampered and expired URLs are refused by the service through nginx, and nothing is audited', async () => {
    const before = audited()
    const nowSec = Math.floor(Date.now() / 1000)
    const claims = { k: key, fn: 'space-game-1.0.0.zip', h: sha, exp: nowSec + 600 }
    const good = signToken(Buffer.from(SECRET, 'utf8'), 'get', claims)
    const forged = signToken(randomBytes(32), 'get', claims)
    const expired = signToken(Buffer.from(SECRET, 'utf8'), 'get', { ...claims, exp: nowSec - 1 })

    const cases: [string, number, string][] = [
      ['not-a-token', 403, 'URL_INVALID'],
      [forged, 403, 'URL_INVALID'],
      [`${good.slice(0, -2)}AA`, 403, 'URL_INVALID'],
      [expired, 410, 'URL_EXPIRED'],
    ]
    for (const [token, status, code] of cases) {
      const r = await fetch(`${nginx.url}/blobs/get/${token}`)
      expect(r.status).toBe(status)
      expect(r.headers.get('content-type')).toContain('application/problem+json')
      expect(await r.json()).toMatchObject({ code })
    }
    // The control: the same claims, signed with the service's secret, are served.
    const ok = await fetch(`${nginx.url}/blobs/get/${good}`)
    expect(ok.status).toBe(200)
    expect(
      createHash('sha256')
        .update(Buffer.from(await ok.arrayBuffer()))
        .digest('hex'),
    ).toBe(sha)

    const anonymous = await fetch(downloadUrl(), { redirect: 'manual' })
    expect(anonymous.status).toBe(401)
    expect(audited()).toBe(before)
  })

  it('nginx never serves the internal location to a client: a direct request is 404', async () => {
    for (const path of [
      `/protected-blobs/${key}`,
      '/protected-blobs/',
      `/protected-blobs/builds/`,
    ]) {
      const r = await fetch(`${nginx.url}${path}`)
      expect(r.status).toBe(404)
      expect(Buffer.from(await r.arrayBuffer()).includes(bytes.subarray(0, 64))).toBe(false)
    }
  })
})

describe('ZAPCADE_ACCEL_REDIRECT', () => {
  it('takes a path prefix with slashes at both ends, and only for the local store', () => {
    expect(loadConfig({ ZAPCADE_ACCEL_REDIRECT: '/protected-blobs/' })).toMatchObject({
      ok: true,
      value: { accelRedirect: '/protected-blobs/' },
    })
    expect(loadConfig({})).toMatchObject({ ok: true, value: { accelRedirect: undefined } })
    for (const bad of ['protected-blobs/', '/protected-blobs', '/a b/', '/../', 'http://x/y/']) {
      const r = loadConfig({ ZAPCADE_ACCEL_REDIRECT: bad })
      expect(r.ok ? [] : r.errors, bad).toEqual([
        expect.stringMatching(/^ZAPCADE_ACCEL_REDIRECT: must be a path prefix/),
      ])
    }
    const s3 = loadConfig({
      ZAPCADE_ACCEL_REDIRECT: '/protected-blobs/',
      ZAPCADE_S3_BUCKET: 'builds',
    })
    expect(s3.ok ? [] : s3.errors).toEqual([
      expect.stringMatching(/^ZAPCADE_ACCEL_REDIRECT: only for the local blob store/),
    ])
  })
})
