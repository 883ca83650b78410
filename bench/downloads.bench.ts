/**
 * Downloads. Two figures, each against a baseline measured in the same run:
 * 1. Download authorisations/s in process: NIP-98 check (shared event-sig verify, kind/u/method/created_at,
 *    replay row in nip98_replay) + entitlement lookup + rate limits + DownloadEvent row + signed local
 *    URL, on a SQLite file in WAL mode. Goal ≥ 1,500/s. Baseline: the bare verify rate.
 *    (The service's own NIP-98 middleware was not merged when this was written; the check here follows
 *    docs/architecture.md "HTTP API rules" and should be swapped for it.)
 * 2. Local-store throughput, one run, same 512 MiB file, same curl, warm page cache: the real service
 *    alone (302 followed to `/blobs/get/<token>`, the service streams), the service behind Debian's nginx
 *    with ZAPCADE_ACCEL_REDIRECT (the service authorises and audits, nginx sends the bytes; the server
 *    block of docs/deploy-nginx.md), and nginx alone serving the file from a plain location. Goal: service
 *    + nginx ≥ 90% of nginx alone.
 * 3. Authorisation 302 latency (p50/p99, sequential keep-alive requests): the service with the local
 *    store, the same through nginx, the service with the S3 adapter (presigned GET on s3rver), and nginx's
 *    own `return 302` as the floor. Goal for S3: p50 < 1 ms.
 * nginx is started from /usr/sbin/nginx (`.ci/run` installs Debian's nginx-light); without it the bench stops.
 */
import { execFile, spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { Agent, request } from 'node:http'
import { loadavg, tmpdir } from 'node:os'
import { createInterface } from 'node:readline'
import { promisify } from 'node:util'
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PutObjectCommand } from '@aws-sdk/client-s3'
import Database from 'better-sqlite3'
import S3rver from 's3rver'
import { generateSecretKey, getPublicKey } from 'nostr-tools/pure'
import {
  signEvent,
  verifyEvent,
  type SignedEvent as NostrEvent,
} from '@zapcade/shared/crypto/event-sig'
import { FsBlobStore } from '@zapcade/market-service/adapters/fs-blob/fs-blob-store'
import { sqliteDownloadRepo } from '@zapcade/market-service/adapters/sqlite/download-repo'
import {
  addEntitlement,
  addGame,
  addRelease,
  addUser,
  freshDb,
} from '@zapcade/market-service/adapters/sqlite/testing/blob-seed'
import {
  authorizeDownload,
  makeDownloadLimits,
} from '@zapcade/market-service/domain/download/download-service'
import { buildObjectKey } from '@zapcade/market-service/ports/blob-store'
import { makeS3Client } from '@zapcade/market-service/adapters/s3/s3-blob-store'
import { freePort, nginxInstalled, startNginx } from '@zapcade/market-service/routes/testing/nginx'

const N = Number(process.env['BENCH_AUTHS'] ?? 6000)
const BUYERS = 200
const NOW = Math.floor(Date.now() / 1000)

// ---- 1. authorisations ----
const dir = await mkdtemp(join(tmpdir(), 'zapcade-dlbench-'))
const db = freshDb(join(dir, 'market.db'))
db.pragma('synchronous = NORMAL') // audit rows are not money (DB-2 keeps FULL for the ledger)
const devSk = generateSecretKey(),
  dev = getPublicKey(devSk)
const gameId = addGame(db, addUser(db, dev), 'space-game', { priceMsat: 21_000 })
addRelease(db, gameId, '1.0.0', {
  sha256: 'a'.repeat(64),
  sizeBytes: 1000,
  objectKey: buildObjectKey(gameId, randomUUID()),
})
const buyers = Array.from({ length: BUYERS }, () => generateSecretKey())
for (const sk of buyers) addEntitlement(db, gameId, { userId: addUser(db, getPublicKey(sk)) })
const url = `http://127.0.0.1:8787/api/v1/games/${dev}/space-game/download`
const t0 = performance.now()
const auths: NostrEvent[] = Array.from({ length: N }, (_, i) =>
  signEvent(
    {
      kind: 27235,
      created_at: NOW,
      tags: [
        ['u', url],
        ['method', 'GET'],
      ],
      content: String(i),
    },
    buyers[i % BUYERS]!,
  ),
)
console.log(`signed ${N} NIP-98 events in ${((performance.now() - t0) / 1000).toFixed(1)} s`)

const secret = randomBytes(32)
const store = new FsBlobStore({
  rootDir: join(dir, 'blobs'),
  publicUrl: 'http://127.0.0.1:8787',
  secret,
  nowSec: () => NOW,
})
const deps = {
  repo: sqliteDownloadRepo(db),
  store,
  nowMs: () => NOW * 1000,
  urlTtlSec: 600,
  ipHash: (ip: string) => createHmac('sha256', secret).update(ip).digest('hex'),
  receiptHash: (c: string) => createHash('sha256').update(c).digest('hex'),
  limits: makeDownloadLimits({
    perIp: { capacity: 1e9, refillPerSec: 1e9 },
    perEntitlement: { capacity: 1e9, refillPerSec: 1e9 },
  }),
}
const replay = db.prepare(
  'INSERT INTO nip98_replay (event_id, expires_at) VALUES (?, ?) ON CONFLICT DO NOTHING',
)
const tag = (e: NostrEvent, n: string): string | undefined => e.tags.find((t) => t[0] === n)?.[1]

/** NIP-98 as docs/architecture.md "HTTP API rules" states it. */
function nip98(e: NostrEvent): string {
  if (
    !verifyEvent(e) ||
    e.kind !== 27235 ||
    tag(e, 'u') !== url ||
    tag(e, 'method') !== 'GET' ||
    Math.abs(NOW - e.created_at) > 60
  )
    throw new Error('AUTH_INVALID')
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
  await authorizeDownload(deps, {
    gamePubkey: dev,
    slug: 'space-game',
    version: undefined,
    callerPubkey: nip98(e),
    receiptCode: undefined,
    ip: `10.0.${i % 250}.1`,
    userAgent: 'bench',
  })
}
const authRate = N / ((performance.now() - t) / 1000)
const rows = (db.prepare('SELECT count(*) AS n FROM download_events').get() as { n: number }).n
if (rows !== N) throw new Error(`expected ${N} audit rows, found ${rows}`)
console.log(
  `authorisations: ${Math.round(authRate)}/s (goal ≥ 1,500/s); verify alone ${Math.round(verifyRate)}/s; ratio ${(authRate / verifyRate).toFixed(2)}`,
)
db.close()
await rm(dir, { recursive: true, force: true })

// ---- 2. local-store throughput: service alone, service + nginx, nginx alone ----
console.log(
  `load average at the start: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
)
if (!nginxInstalled())
  throw new Error(
    'nginx is not installed (/usr/sbin/nginx): apt-get install nginx-light, as .ci/run does',
  )
const SIZE = Number(process.env['BENCH_DOWNLOAD_MIB'] ?? 512) * 2 ** 20
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 7)
const work = await mkdtemp(join(tmpdir(), 'zapcade-dlbench-'))
const file = join(work, 'build.zip')
const key = buildObjectKey(1, randomUUID())
const block = randomBytes(1 << 20)
const fileHash = createHash('sha256')
await new Promise<void>((resolve, reject) => {
  const w = createWriteStream(file)
  let i = 0
  const more = (): void => {
    while (i < SIZE / block.length) {
      i++
      fileHash.update(block)
      if (!w.write(block)) {
        w.once('drain', more)
        return
      }
    }
    w.end(resolve)
  }
  w.on('error', reject)
  more()
})
const fileSha = fileHash.digest('hex')

interface Child {
  url: string
  publicUrl: string
  blobDir: string
  stop(): Promise<void>
}
/** The real service in its own process (bench/downloads-service.ts), configured by `env`. */
async function service(env: Record<string, string>): Promise<Child> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./downloads-service.ts', import.meta.url))],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        BENCH_KEY: key,
        BENCH_SHA256: fileSha,
        BENCH_SIZE: String(SIZE),
        BENCH_DEV: dev,
        ...env,
      },
    },
  )
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! })
    rl.once('line', (l) => {
      rl.close()
      resolve(l)
    })
    child.once('exit', (code) => reject(new Error(`service exited with ${code}`)))
  })
  return {
    ...(JSON.parse(line) as Omit<Child, 'stop'>),
    stop: async () => {
      const e = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await e
    },
  }
}

const nginxPort = await freePort()
const plain = await service({ ZAPCADE_PORT: '0', BENCH_FILE: file })
const behind = await service({
  ZAPCADE_PORT: '0',
  BENCH_FILE: file,
  ZAPCADE_PUBLIC_URL: `http://127.0.0.1:${nginxPort}`,
  ZAPCADE_ACCEL_REDIRECT: '/protected-blobs/',
})
const nginx = await startNginx({
  port: nginxPort,
  upstream: new URL(behind.url).host,
  blobDir: behind.blobDir,
  // The baselines: the same file from a plain location, and nginx's cheapest 302.
  extraLocations: `    location /direct/ { alias ${behind.blobDir}/; }\n    location = /bench-302 { return 302 http://127.0.0.1/x; }`,
})

const curl = promisify(execFile)
const mbps = (ms: number): number => SIZE / 2 ** 20 / (ms / 1000)
/** curl's own clock (`time_total`, the 302 included): no process start-up in the figure. */
const curlMbps = async (u: string): Promise<number> => {
  const { stdout } = await curl('curl', [
    '-s',
    '-L',
    '-o',
    '/dev/null',
    '-w',
    '%{size_download} %{http_code} %{time_total}',
    u,
  ])
  const [bytes, status, seconds] = stdout.split(' ')
  if (bytes !== String(SIZE) || status !== '200')
    throw new Error(`curl ${u}: ${stdout} (expected ${SIZE} bytes, 200)`)
  return mbps(Number(seconds) * 1000)
}
/** download_events rows in a child's database (read-only, beside its writer in WAL mode). */
const audits = (c: Child): number => {
  const d = new Database(join(dirname(c.blobDir), 'zapcade.db'), { readonly: true })
  try {
    return (d.prepare('SELECT count(*) AS n FROM download_events').get() as { n: number }).n
  } finally {
    d.close()
  }
}
const downloadPath = `/api/v1/games/${dev}/big-game/download`
await curlMbps(`${nginx.url}/direct/${key}`) // warm the page cache
const rounds: { alone: number; withNginx: number; nginxAlone: number }[] = []
for (let r = 0; r < ROUNDS; r++) {
  // Interleaved, so a noisy neighbour hits all three alike.
  rounds.push({
    alone: await curlMbps(`${plain.url}${downloadPath}`),
    withNginx: await curlMbps(`${nginx.url}${downloadPath}`),
    nginxAlone: await curlMbps(`${nginx.url}/direct/${key}`),
  })
}
const pct = (a: number, b: number): string => `${Math.round((100 * a) / b)}%`
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
for (const r of rounds) {
  console.log(
    `${SIZE / 2 ** 20} MiB: service alone ${Math.round(r.alone)} MB/s (${pct(r.alone, r.nginxAlone)}); service + nginx ${Math.round(r.withNginx)} MB/s (${pct(r.withNginx, r.nginxAlone)}); nginx alone ${Math.round(r.nginxAlone)} MB/s`,
  )
}
if (audits(behind) !== ROUNDS)
  throw new Error(`service + nginx: ${audits(behind)} audit rows for ${ROUNDS} downloads`)
const m = {
  alone: median(rounds.map((r) => r.alone)),
  withNginx: median(rounds.map((r) => r.withNginx)),
  nginxAlone: median(rounds.map((r) => r.nginxAlone)),
}
console.log(
  `median of ${ROUNDS}: service alone ${Math.round(m.alone)} MB/s = ${pct(m.alone, m.nginxAlone)} of nginx alone; service + nginx (X-Accel-Redirect) ${Math.round(m.withNginx)} MB/s = ${pct(m.withNginx, m.nginxAlone)} (goal ≥ 90%); nginx alone ${Math.round(m.nginxAlone)} MB/s`,
)
console.log(
  `per-round ratio service + nginx / nginx alone: median ${pct(median(rounds.map((r) => r.withNginx / r.nginxAlone)), 1)}`,
)

// ---- 3. authorisation 302 latency ----
const s3dir = await mkdtemp(join(tmpdir(), 'zapcade-dlbench-s3-'))
const s3 = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory: s3dir,
  configureBuckets: [{ name: 'builds' }],
})
const { port: s3port } = await s3.run()
const s3client = makeS3Client({
  bucket: 'builds',
  region: 'us-east-1',
  endpoint: `http://127.0.0.1:${s3port}`,
  forcePathStyle: true,
  accessKeyId: 'S3RVER',
  secretAccessKey: 'S3RVER',
})
const small = randomBytes(4096)
await s3client.send(new PutObjectCommand({ Bucket: 'builds', Key: key, Body: small }))
const onS3 = await service({
  ZAPCADE_PORT: '0',
  ZAPCADE_S3_BUCKET: 'builds',
  ZAPCADE_S3_ENDPOINT: `http://127.0.0.1:${s3port}`,
  ZAPCADE_S3_PATH_STYLE: '1',
  ZAPCADE_S3_ACCESS_KEY_ID: 'S3RVER',
  ZAPCADE_S3_SECRET_ACCESS_KEY: 'S3RVER',
})
// The presigned URL really serves the object (s3rver checks no signature, real S3 would).
const s3res = await fetch(`${onS3.url}${downloadPath}`)
if (!Buffer.from(await s3res.arrayBuffer()).equals(small))
  throw new Error('the S3 302 did not lead to the object')

const N302 = Number(process.env['BENCH_302'] ?? 3000)
const agent = new Agent({ keepAlive: true, maxSockets: 1 })
function once(url: URL): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = performance.now()
    const req = request(url, { agent }, (res) => {
      res.resume()
      res.on('end', () =>
        res.statusCode === 302
          ? resolve(performance.now() - t)
          : reject(new Error(`${url}: ${res.statusCode}`)),
      )
    })
    req.on('error', reject)
    req.end()
  })
}
const targets: Record<string, URL> = {
  'nginx `return 302` (floor)': new URL(`${nginx.url}/bench-302`),
  'service, local store': new URL(`${plain.url}${downloadPath}`),
  'service, local store, through nginx': new URL(`${nginx.url}${downloadPath}`),
  'service, S3 adapter (s3rver)': new URL(`${onS3.url}${downloadPath}`),
}
const samples: Record<string, number[]> = Object.fromEntries(
  Object.keys(targets).map((k) => [k, []]),
)
for (const url of Object.values(targets)) for (let i = 0; i < 300; i++) await once(url) // JIT, statements, connections
// Blocks of 100 in turn, so load from other processes on the machine falls on every target alike.
for (let done = 0; done < N302; done += 100) {
  for (const [name, url] of Object.entries(targets))
    for (let i = 0; i < 100; i++) samples[name]!.push(await once(url))
}
const lat = Object.fromEntries(
  Object.entries(samples).map(([name, xs]) => {
    xs.sort((a, b) => a - b)
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length
    return [
      name,
      {
        p50: xs[Math.floor(xs.length * 0.5)]!,
        p99: xs[Math.floor(xs.length * 0.99)]!,
        perSec: 1000 / mean,
      },
    ]
  }),
)
for (const [name, l] of Object.entries(lat)) {
  console.log(
    `302 ${name}: p50 ${l.p50.toFixed(2)} ms, p99 ${l.p99.toFixed(2)} ms, ${Math.round(l.perSec)}/s sequential`,
  )
}
console.log(
  `load average at the end: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
)
agent.destroy()
s3client.destroy()
await nginx.stop()
await Promise.all([plain.stop(), behind.stop(), onS3.stop()])
await s3.close()
await rm(work, { recursive: true, force: true })
await rm(s3dir, { recursive: true, force: true })
