import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Hono } from 'hono'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { FsBlobStore } from '../../adapters/fs-blob/fs-blob-store.ts'
import { sqliteDownloadRepo } from '../../adapters/sqlite/download-repo.ts'
import {
  addEntitlement,
  addGame,
  addRelease,
  addUser,
  freshDb,
  T0,
} from '../../adapters/sqlite/testing/blob-seed.ts'
import { buildObjectKey } from '../../ports/blob-store.ts'
import { putVia } from '../../ports/testing/blob-store-contract.ts'
import { serveApp, withProblems } from '../../ports/testing/serve.ts'
import type { Served } from '../../ports/testing/serve.ts'
import { blobRoutes } from '../../routes/blobs.ts'
import { authorizeDownload, makeDownloadLimits } from './download-service.ts'
import type { DownloadDeps, DownloadRequest } from './download-service.ts'

const DEV = 'd'.repeat(64),
  BUYER = 'b'.repeat(64),
  STRANGER = 'c'.repeat(64),
  REVOKED = 'e'.repeat(64)
const bytes = new Uint8Array(randomBytes(70_000))
const sha256 = createHash('sha256').update(bytes).digest('hex')

describe('downloads: entitlement, audit row, short-lived URL', () => {
  const db = freshDb()
  let dir: string,
    served: Served,
    deps: DownloadDeps,
    store: FsBlobStore,
    nowMs = T0 * 1000
  let paid: number, entBuyer: string, entGuest: string, entRevoked: string
  const events = (): number =>
    (db.prepare('SELECT count(*) AS n FROM download_events').get() as { n: number }).n

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zapcade-dl-'))
    served = await serveApp((url) => {
      store = new FsBlobStore({
        rootDir: join(dir, 'blobs'),
        publicUrl: url,
        secret: randomBytes(32),
        nowSec: () => Math.floor(nowMs / 1000),
      })
      return withProblems(new Hono().route('/', blobRoutes({ store, onStored: async () => ({}) })))
    })
    const dev = addUser(db, DEV),
      buyer = addUser(db, BUYER),
      revoked = addUser(db, REVOKED)
    addUser(db, STRANGER)
    paid = addGame(db, dev, 'space-game', { priceMsat: 21_000 })
    const free = addGame(db, dev, 'free-game')
    const banned = addGame(db, dev, 'banned-game', { priceMsat: 1000, status: 'BANNED' })
    const keys = [
      buildObjectKey(paid, randomUUID()),
      buildObjectKey(free, randomUUID()),
      buildObjectKey(banned, randomUUID()),
    ]
    for (const k of keys) expect((await putVia(store, k, bytes, T0 + 60)).status).toBe(200)
    addRelease(db, paid, '1.0.0', { sha256, sizeBytes: bytes.length, objectKey: keys[0]! }, T0)
    addRelease(
      db,
      paid,
      '1.1.0+build.7',
      { sha256, sizeBytes: bytes.length, objectKey: keys[0]! },
      T0 + 10,
    )
    addRelease(
      db,
      paid,
      '2.0.0-unverified',
      { sha256: 'f'.repeat(64), sizeBytes: 5, objectKey: null },
      T0 - 10,
    )
    addRelease(db, free, '0.1.0', { sha256, sizeBytes: bytes.length, objectKey: keys[1]! })
    addRelease(db, banned, '1.0.0', { sha256, sizeBytes: bytes.length, objectKey: keys[2]! })
    entBuyer = addEntitlement(db, paid, { userId: buyer })
    entGuest = addEntitlement(db, paid, { receiptCode: 'guest-code-123' })
    entRevoked = addEntitlement(db, paid, { userId: revoked, revoked: true })
    addEntitlement(db, banned, { userId: buyer })
  })
  afterAll(async () => {
    await served.close()
    await rm(dir, { recursive: true, force: true })
  })
  beforeEach(() => {
    nowMs = T0 * 1000
    const secret = Buffer.from('ip-secret')
    deps = {
      repo: sqliteDownloadRepo(db),
      store,
      nowMs: () => nowMs,
      urlTtlSec: 900,
      ipHash: (ip) => createHmac('sha256', secret).update(ip).digest('hex'),
      receiptHash: (c) => createHash('sha256').update(c).digest('hex'),
      limits: makeDownloadLimits(),
    }
  })
  const req = (o: Partial<DownloadRequest>): DownloadRequest => ({
    gamePubkey: DEV,
    slug: 'space-game',
    version: undefined,
    callerPubkey: undefined,
    receiptCode: undefined,
    ip: '203.0.113.9',
    userAgent: 'zapcade-cli/1',
    ...o,
  })

  it('an entitled buyer gets a URL of at most 15 minutes that serves the exact bytes as <slug>-<version>.zip, and one audit row', async () => {
    const before = events()
    const g = await authorizeDownload(deps, req({ callerPubkey: BUYER, version: '1.0.0' }))
    expect(g.expiresAtSec - T0).toBeLessThanOrEqual(900)
    expect(g).toMatchObject({ sha256, sizeBytes: bytes.length, filename: 'space-game-1.0.0.zip' })
    const r = await fetch(g.url)
    expect(r.headers.get('content-disposition')).toBe(
      `attachment; filename="space-game-1.0.0.zip"; filename*=UTF-8''space-game-1.0.0.zip`,
    )
    expect(new Uint8Array(await r.arrayBuffer())).toEqual(bytes)
    expect(events()).toBe(before + 1)
    const row = db
      .prepare('SELECT * FROM download_events ORDER BY id DESC LIMIT 1')
      .get() as Record<string, unknown>
    expect(row).toMatchObject({
      entitlement_id: entBuyer,
      user_agent: 'zapcade-cli/1',
      created_at: T0,
    })
    expect(row.ip_hash).toBe(createHmac('sha256', 'ip-secret').update('203.0.113.9').digest('hex'))
    expect(JSON.stringify(row)).not.toContain('203.0.113.9')
  })

  it('without a version the latest release is served; its filename is made safe', async () => {
    const g = await authorizeDownload(deps, req({ callerPubkey: BUYER }))
    expect(g.filename).toBe('space-game-1.1.0_build.7.zip')
  })

  it('without an entitlement: 403 NOT_ENTITLED, no URL minted, no event recorded', async () => {
    const before = events()
    await expect(authorizeDownload(deps, req({ callerPubkey: STRANGER }))).rejects.toMatchObject({
      code: 'NOT_ENTITLED',
      status: 403,
    })
    await expect(authorizeDownload(deps, req({}))).rejects.toMatchObject({
      code: 'AUTH_REQUIRED',
      status: 401,
    })
    expect(events()).toBe(before)
  })

  it('a revoked entitlement gets nothing', async () => {
    const before = events()
    await expect(authorizeDownload(deps, req({ callerPubkey: REVOKED }))).rejects.toMatchObject({
      code: 'NOT_ENTITLED',
      status: 403,
    })
    expect(events()).toBe(before)
    expect(deps.repo.auditOf(entRevoked)!.downloads).toEqual([])
  })

  it('a banned game serves nobody, not even an entitled buyer', async () => {
    const before = events()
    await expect(
      authorizeDownload(deps, req({ callerPubkey: BUYER, slug: 'banned-game' })),
    ).rejects.toMatchObject({ code: 'FORBIDDEN', status: 403 })
    expect(events()).toBe(before)
  })

  it('a guest with the receipt code downloads; a wrong code is refused', async () => {
    const g = await authorizeDownload(deps, req({ receiptCode: 'guest-code-123' }))
    expect((await fetch(g.url)).status).toBe(200)
    expect(deps.repo.auditOf(entGuest)!.downloads).toHaveLength(1)
    await expect(authorizeDownload(deps, req({ receiptCode: 'guessed' }))).rejects.toMatchObject({
      code: 'RECEIPT_INVALID',
    })
  })

  it('a free game needs no entitlement; the audit row has none', async () => {
    const g = await authorizeDownload(deps, req({ slug: 'free-game' }))
    expect(g.filename).toBe('free-game-0.1.0.zip')
    expect(
      db
        .prepare('SELECT entitlement_id, user_id FROM download_events ORDER BY id DESC LIMIT 1')
        .get(),
    ).toEqual({ entitlement_id: null, user_id: null })
  })

  it('a release without a verified build, or an unknown version, is 404 and records nothing', async () => {
    const before = events()
    await expect(
      authorizeDownload(deps, req({ callerPubkey: BUYER, version: '2.0.0-unverified' })),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(
      authorizeDownload(deps, req({ callerPubkey: BUYER, version: '9.9.9' })),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(
      authorizeDownload(deps, req({ callerPubkey: BUYER, slug: 'nope' })),
    ).rejects.toMatchObject({ code: 'GAME_NOT_FOUND' })
    expect(events()).toBe(before)
  })

  it('the URL stops working when it expires (injected clock)', async () => {
    const g = await authorizeDownload(deps, req({ callerPubkey: BUYER }))
    nowMs = g.expiresAtSec * 1000
    expect((await fetch(g.url)).status).toBe(410)
  })

  it('per-entitlement limit: 429 RATE_LIMITED with a retry time, and a token again after it', async () => {
    for (let i = 0; i < 20; i++)
      await authorizeDownload(deps, req({ callerPubkey: BUYER, ip: `198.51.100.${i}` }))
    const err = await authorizeDownload(
      deps,
      req({ callerPubkey: BUYER, ip: '198.51.100.99' }),
    ).catch((e: unknown) => e)
    expect(err).toMatchObject({
      code: 'RATE_LIMITED',
      status: 429,
      extra: { retry_after_sec: 180 },
    })
    nowMs += 180_000
    await expect(
      authorizeDownload(deps, req({ callerPubkey: BUYER, ip: '198.51.100.99' })),
    ).resolves.toMatchObject({ sha256 })
  })

  it('per-IP limit: the 31st attempt from one address within a second is 429, even for refusals', async () => {
    for (let i = 0; i < 30; i++)
      await authorizeDownload(deps, req({ receiptCode: `guess-${i}` })).catch(() => undefined)
    await expect(authorizeDownload(deps, req({ slug: 'free-game' }))).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      status: 429,
    })
    await expect(
      authorizeDownload(deps, req({ slug: 'free-game', ip: '192.0.2.1' })),
    ).resolves.toBeDefined()
  })

  it("the developer sees downloads per release; the admin sees an entitlement's trail", async () => {
    const counts = deps.repo.countsForDeveloper(DEV)
    const v100 = counts.find((c) => c.slug === 'space-game' && c.version === '1.0.0')!
    expect(v100.downloads).toBe(1)
    expect(counts.find((c) => c.slug === 'banned-game')!.downloads).toBe(0)
    const audit = deps.repo.auditOf(entBuyer)!
    expect(audit.entitlement).toMatchObject({ id: entBuyer, userPubkey: BUYER, revokedAtSec: null })
    expect(audit.downloads.length).toBeGreaterThanOrEqual(3)
    expect(deps.repo.auditOf('nope')).toBeUndefined()
  })
})
