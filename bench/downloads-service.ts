/**
 * Child process of downloads.bench.ts: the real service (startService with its config from ZAPCADE_*
 * in the environment, behind the same market relay the tests use) holding one free game whose release
 * points at BENCH_KEY. With the local store, BENCH_FILE is hard-linked into `<data dir>/blobs/<key>`, so
 * every service and nginx read the same inode (one page cache). Prints `{"url", "publicUrl", "blobDir"}`.
 * The per-address download limit is lifted: every bench request comes from 127.0.0.1, and the bench
 * measures the path, not the limiter's refusals (the limiter itself still runs on every request).
 */
import { linkSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import {
  addGame,
  addRelease,
  addUser,
} from '@zapcade/market-service/adapters/sqlite/testing/blob-seed'
import { defaultDownloadLimits } from '@zapcade/market-service/domain/download/download-service'
import { startHarness } from '@zapcade/market-service/testing/service-harness'

defaultDownloadLimits.perIp.capacity = 1e9
defaultDownloadLimits.perIp.refillPerSec = 1e9

const key = process.env['BENCH_KEY']!,
  sha256 = process.env['BENCH_SHA256']!,
  size = Number(process.env['BENCH_SIZE'])
const env = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => k.startsWith('ZAPCADE_')),
)
const h = await startHarness({ env })
addRelease(
  h.svc.db,
  addGame(h.svc.db, addUser(h.svc.db, process.env['BENCH_DEV']!), 'big-game'),
  '1.0.0',
  { sha256, sizeBytes: size, objectKey: key },
)
const blobDir = join(h.dir, 'blobs')
if (process.env['BENCH_FILE']) {
  mkdirSync(dirname(join(blobDir, key)), { recursive: true })
  linkSync(process.env['BENCH_FILE'], join(blobDir, key))
}
process.stdout.write(
  `${JSON.stringify({ url: h.svc.url, publicUrl: h.svc.config.publicUrl, blobDir })}\n`,
)
process.on('SIGTERM', () => {
  void h.stop().then(() => process.exit(0))
})
