/**
 * Downloads (issue 7). Two figures, each against a baseline measured in the same run:
 * 1. Download authorisations/s in process: NIP-98 check (shared event-sig verify, kind/u/method/created_at,
 *    replay row in nip98_replay) + entitlement lookup + rate limits + DownloadEvent row + signed local
 *    URL, on a SQLite file in WAL mode. Goal ≥ 1,500/s. Baseline: the bare verify rate.
 *    (The service's own NIP-98 middleware was not merged when this was written; the check here follows
 *    DESIGN.md section 5 and should be swapped for it.)
 * 2. Local-store throughput: a 512 MiB build fetched through the real service process (302 followed to
 *    `/blobs/get/<token>`) vs `cat` of the same file to /dev/null. Goal ≥ 60% of cat.
 */
import { execFile, execFileSync } from 'node:child_process'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { pipeline } from 'node:stream'
import { promisify } from 'node:util'
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { generateSecretKey, getPublicKey } from 'nostr-tools/pure'
import { signEvent, verifyEvent, type SignedEvent as NostrEvent } from '@zapcade/shared/crypto/event-sig'
import { FsBlobStore } from '../market-service/src/adapters/fs-blob/fs-blob-store.ts'
import { sqliteDownloadRepo } from '../market-service/src/adapters/sqlite/download-repo.ts'
import { addEntitlement, addGame, addRelease, addUser, freshDb } from '../market-service/src/adapters/sqlite/testing/blob-seed.ts'
import { authorizeDownload, makeDownloadLimits } from '../market-service/src/domain/download/download-service.ts'
import { buildObjectKey } from '../market-service/src/ports/blob-store.ts'
import { spawnService } from '../market-service/src/routes/testing/spawn-service.ts'

const N = Number(process.env['BENCH_AUTHS'] ?? 6000)
const BUYERS = 200
const NOW = Math.floor(Date.now() / 1000)

// ---- 1. authorisations ----
const dir = await mkdtemp(join(tmpdir(), 'zapcade-dlbench-'))
const db = freshDb(join(dir, 'market.db'))
db.pragma('synchronous = NORMAL') // audit rows are not money (DB-2 keeps FULL for the ledger)
const devSk = generateSecretKey(), dev = getPublicKey(devSk)
const gameId = addGame(db, addUser(db, dev), 'space-game', { priceMsat: 21_000 })
addRelease(db, gameId, '1.0.0', { sha256: 'a'.repeat(64), sizeBytes: 1000, objectKey: buildObjectKey(gameId, randomUUID()) })
const buyers = Array.from({ length: BUYERS }, () => generateSecretKey())
for (const sk of buyers) addEntitlement(db, gameId, { userId: addUser(db, getPublicKey(sk)) })
const url = `http://127.0.0.1:8787/api/v1/games/${dev}/space-game/download`
const t0 = performance.now()
const auths: NostrEvent[] = Array.from({ length: N }, (_, i) => signEvent({ kind: 27235, created_at: NOW, tags: [['u', url], ['method', 'GET']], content: String(i) }, buyers[i % BUYERS]!))
console.log(`signed ${N} NIP-98 events in ${((performance.now() - t0) / 1000).toFixed(1)} s`)

const secret = randomBytes(32)
const store = new FsBlobStore({ rootDir: join(dir, 'blobs'), publicUrl: 'http://127.0.0.1:8787', secret, nowSec: () => NOW })
const deps = {
  repo: sqliteDownloadRepo(db), store, nowMs: () => NOW * 1000, urlTtlSec: 600,
  ipHash: (ip: string) => createHmac('sha256', secret).update(ip).digest('hex'),
  receiptHash: (c: string) => createHash('sha256').update(c).digest('hex'),
  limits: makeDownloadLimits({ perIp: { capacity: 1e9, refillPerSec: 1e9 }, perEntitlement: { capacity: 1e9, refillPerSec: 1e9 } }),
}
const replay = db.prepare('INSERT INTO nip98_replay (event_id, expires_at) VALUES (?, ?) ON CONFLICT DO NOTHING')
const tag = (e: NostrEvent, n: string): string | undefined => e.tags.find((t) => t[0] === n)?.[1]

/** NIP-98 as DESIGN.md section 5 states it. */
function nip98(e: NostrEvent): string {
  if (!verifyEvent(e) || e.kind !== 27235 || tag(e, 'u') !== url || tag(e, 'method') !== 'GET' || Math.abs(NOW - e.created_at) > 60) throw new Error('AUTH_INVALID')
  if (replay.run(e.id, e.created_at + 120).changes !== 1) throw new Error('AUTH_REPLAYED')
  return e.pubkey
}

// Baseline: verify alone, on fresh copies (as the service would see them).
const copies = auths.map((e) => JSON.parse(JSON.stringify(e)) as NostrEvent)
let t = performance.now()
for (const e of copies) verifyEvent(e)
const verifyRate = N / ((performance.now() - t) / 1000)

const fresh = auths.map((e) => JSON.parse(JSON.stringify(e)) as NostrEvent)
t = performance.now()
for (let i = 0; i < N; i++) {
  const e = fresh[i]!
  await authorizeDownload(deps, { gamePubkey: dev, slug: 'space-game', version: undefined, callerPubkey: nip98(e), receiptCode: undefined, ip: `10.0.${i % 250}.1`, userAgent: 'bench' })
}
const authRate = N / ((performance.now() - t) / 1000)
const rows = (db.prepare('SELECT count(*) AS n FROM download_events').get() as { n: number }).n
if (rows !== N) throw new Error(`expected ${N} audit rows, found ${rows}`)
console.log(`authorisations: ${Math.round(authRate)}/s (goal ≥ 1,500/s); verify alone ${Math.round(verifyRate)}/s; ratio ${(authRate / verifyRate).toFixed(2)}`)
db.close()
await rm(dir, { recursive: true, force: true })

// ---- 2. local-store throughput ----
const SIZE = 512 * 2 ** 20
const sha = 'b'.repeat(64) // served as the ETag only; the bench skips upload verification
const key = buildObjectKey(1, randomUUID())
const svc = await spawnService((sdb) => {
  const g = addGame(sdb, addUser(sdb, dev), 'big-game')
  addRelease(sdb, g, '1.0.0', { sha256: sha, sizeBytes: SIZE, objectKey: key })
})
const file = join(svc.dir, 'blobs', key)
mkdirSync(dirname(file), { recursive: true })
const block = randomBytes(1 << 20)
await new Promise<void>((resolve, reject) => {
  const w = createWriteStream(file)
  let i = 0
  const more = (): void => { while (i < SIZE / block.length) { i++; if (!w.write(block)) { w.once('drain', more); return } } w.end(resolve) }
  w.on('error', reject)
  more()
})
const catOnce = (): number => { const s = performance.now(); execFileSync('sh', ['-c', `cat '${file}' > /dev/null`]); return performance.now() - s }
catOnce() // warm the page cache for both readers
const mbps = (ms: number): number => SIZE / 2 ** 20 / (ms / 1000)
// Ceiling of Node itself: a bare node:http server piping the same file (no Hono, no token, no DB).
const raw = createServer((_req, res) => { res.writeHead(200, { 'content-length': String(SIZE) }); pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), res, () => undefined) })
await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r))
const rawUrl = `http://127.0.0.1:${(raw.address() as AddressInfo).port}/`
const curl = promisify(execFile)
const curlMbps = async (u: string): Promise<number> => {
  const s = performance.now()
  const { stdout } = await curl('curl', ['-s', '-L', '-o', '/dev/null', '-w', '%{size_download}', u])
  if (Number(stdout) !== SIZE) throw new Error(`curl downloaded ${stdout} of ${SIZE} bytes`)
  return mbps(performance.now() - s)
}
const results: { cat: number; http: number; curl: number; raw: number }[] = []
for (let run = 0; run < 3; run++) {
  const catMs = catOnce()
  const s = performance.now()
  const res = await fetch(`${svc.url}/api/v1/games/${dev}/big-game/download`)
  let n = 0
  for await (const c of res.body as unknown as AsyncIterable<Uint8Array>) n += c.length
  const httpMs = performance.now() - s
  if (n !== SIZE) throw new Error(`downloaded ${n} of ${SIZE} bytes`)
  // curl as a second client: undici's fetch is itself a ceiling on loopback.
  const viaCurl = await curlMbps(`${svc.url}/api/v1/games/${dev}/big-game/download`)
  results.push({ cat: mbps(catMs), http: mbps(httpMs), curl: viaCurl, raw: await curlMbps(rawUrl) })
}
const rss = (await (await fetch(`${svc.url}/__rss`)).json()) as { max_rss_bytes: number }
await svc.stop()
raw.close()
const pct = (a: number, b: number): string => `${Math.round((100 * a) / b)}%`
for (const r of results) console.log(`512 MiB: cat ${Math.round(r.cat)} MB/s; service → fetch ${Math.round(r.http)} MB/s (${pct(r.http, r.cat)}), → curl ${Math.round(r.curl)} MB/s (${pct(r.curl, r.cat)}); bare node:http → curl ${Math.round(r.raw)} MB/s (service = ${pct(r.curl, r.raw)} of it)`)
const med = [...results].sort((a, b) => a.curl / a.cat - b.curl / b.cat)[1]!
console.log(`median (curl client): ${Math.round(med.curl)} MB/s = ${pct(med.curl, med.cat)} of cat (goal ≥ 60%), ${pct(med.curl, med.raw)} of bare node:http; service peak RSS ${Math.round(rss.max_rss_bytes / 2 ** 20)} MiB`)
