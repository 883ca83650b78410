/**
 * Test harness process: the blob, upload and download routes wired as the service wires them, on a
 * SQLite file and a local blob store, with a stand-in auth (header `x-test-pubkey`) until the routes
 * are mounted in createApp behind the real NIP-98 middleware. Run as a child process so a test can
 * measure its RSS: prints `{"url": ...}` on stdout; `GET /__rss` answers the peak RSS in bytes.
 * Usage: node --import tsx blob-service.ts <db-file> <blob-dir>
 */
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto'
import Database from 'better-sqlite3'
import { Hono } from 'hono'
import type { Context } from 'hono'
import { AppError } from '@zapcade/shared/errors'
import { FsBlobStore } from '../../adapters/fs-blob/fs-blob-store.ts'
import { sqliteDownloadRepo } from '../../adapters/sqlite/download-repo.ts'
import { sqliteUploadRepo } from '../../adapters/sqlite/upload-repo.ts'
import { zipDirectoryReader } from '../../adapters/zip/zip-directory.ts'
import { makeDownloadLimits } from '../../domain/download/download-service.ts'
import { DEFAULT_MAX_UPLOAD_BYTES } from '../../domain/upload/upload-service.ts'
import { defaultZipLimits } from '../../domain/upload/zip-policy.ts'
import { serveApp, withProblems } from '../../ports/testing/serve.ts'
import { blobRoutes } from '../blobs.ts'
import { downloadRoutes } from '../downloads.ts'
import type { RouteAuth } from '../route-auth.ts'
import { completeStored, uploadRoutes } from '../uploads.ts'

const [dbFile, blobDir] = process.argv.slice(2)
if (!dbFile || !blobDir) throw new Error('usage: blob-service.ts <db-file> <blob-dir>')
const db = new Database(dbFile)
db.pragma('journal_mode = WAL')
db.pragma('busy_timeout = 5000')

const pubkeyOf = (c: Context): string | undefined => c.req.header('x-test-pubkey')
const auth: RouteAuth = {
  async required(c) {
    const p = pubkeyOf(c)
    if (!p) throw new AppError('AUTH_REQUIRED', 'sign the request')
    return p
  },
  async optional(c) {
    return pubkeyOf(c)
  },
  async admin(c) {
    const p = pubkeyOf(c)
    if (p !== 'a'.repeat(64)) throw new AppError('FORBIDDEN', 'admins only')
    return p
  },
}
const secret = randomBytes(32)
const nowSec = (): number => Math.floor(Date.now() / 1000)

const served = await serveApp((url) => {
  const store = new FsBlobStore({ rootDir: blobDir, publicUrl: url, secret, nowSec })
  const uploads = {
    repo: sqliteUploadRepo(db),
    store,
    zip: zipDirectoryReader(store),
    nowSec,
    uuid: randomUUID,
    maxUploadBytes: DEFAULT_MAX_UPLOAD_BYTES,
    uploadTtlSec: 600,
    zipLimits: defaultZipLimits,
  }
  const downloads = {
    repo: sqliteDownloadRepo(db),
    store,
    nowMs: () => Date.now(),
    urlTtlSec: 600,
    ipHash: (ip: string) => createHmac('sha256', secret).update(ip).digest('hex'),
    receiptHash: (code: string) => createHash('sha256').update(code).digest('hex'),
    limits: makeDownloadLimits(),
  }
  const app = new Hono()
  app.get('/__rss', (c) =>
    c.json({
      max_rss_bytes: process.resourceUsage().maxRSS * 1024,
      rss_bytes: process.memoryUsage().rss,
    }),
  )
  app.route('/', blobRoutes({ store, onStored: completeStored(uploads) }))
  app.route('/', uploadRoutes({ uploads, downloads: downloads.repo, auth }))
  app.route('/', downloadRoutes({ downloads, auth }))
  return withProblems(app)
})
process.stdout.write(`${JSON.stringify({ url: served.url })}\n`)
process.on('SIGTERM', () => {
  void served.close().then(() => process.exit(0))
})
