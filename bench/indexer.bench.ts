/**
 * Indexer throughput. 100,000 distinct pre-signed events (games, build assets, releases from
 * 20 developers; 10% invalid: half forged signatures, half edited content) go through the real pipeline
 * (receive → id check → signature verify (tiny-secp256k1) in 2 worker threads → parse → rules → batched SQLite writes).
 * Reported: the verify-only ceiling of the same verifier in the same run, end-to-end events/s and its
 * ratio to the ceiling, peak RSS, and ingest over WebSocket (a plain frame server, and the market relay).
 * Also reported: SQLite pages written per event (WAL frames appended by the commits, read from the
 * WAL-index header) and the load average around the run. The corpus is signed once and cached in the
 * OS temp dir. `BENCH_INDEXER_E2E_ONLY=1` skips the WebSocket figures (for profiling the pipeline).
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { EventRepositorySqlite } from '@nostr-relay/event-repository-sqlite'
import type { NostrEvent } from '@zapcade/shared/events/event'
import { startIndexer } from '@zapcade/relay-indexer/indexer'
import { startMarketRelay } from '@zapcade/relay'
import { Receiver } from '@zapcade/relay-indexer/pipeline/receive'
import {
  createInlineVerifier,
  createWorkerVerifier,
  type Verifier,
} from '@zapcade/relay-indexer/pipeline/verify'
import { BatchWriter } from '@zapcade/relay-indexer/pipeline/write'
import { Counters } from '@zapcade/relay-indexer/store/counters'
import { openCatalog } from '@zapcade/relay-indexer/store/open'
import { makeCorpus, type Corpus } from '@zapcade/relay-indexer/testing/corpus'
import { WebSocketServer } from 'ws'
import type { Filter } from 'nostr-tools/filter'
import { tempDir } from '@zapcade/relay-indexer/testing/fixtures'

const N = Number(process.env['BENCH_EVENTS'] ?? 100_000)
const WS_MARKET_N = Number(process.env['BENCH_MARKET_EVENTS'] ?? 20_000)
const E2E_ONLY = process.env['BENCH_INDEXER_E2E_ONLY'] === '1'
const NOW_SEC = 1_790_000_000

let peakRss = 0
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 20)
const mb = (b: number) => `${Math.round(b / 1024 / 1024)} MB`

async function corpus(): Promise<Corpus> {
  const file = join(tmpdir(), `zapcade-bench-corpus-${N}-v1.json`)
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Corpus
  const t = performance.now()
  const c = await makeCorpus(N, 0.1, NOW_SEC)
  writeFileSync(file, JSON.stringify(c))
  console.log(
    `signed ${N} events in ${((performance.now() - t) / 1000).toFixed(1)} s (cached at ${file})`,
  )
  return c
}

/** Verify every event (fresh objects) in batches of 1,000 with all batches queued at once. */
async function verifyCeiling(frames: string[], v: Verifier): Promise<number> {
  const t = performance.now()
  const batches: Promise<boolean[]>[] = []
  for (let i = 0; i < frames.length; i += 1000)
    batches.push(v.verify(frames.slice(i, i + 1000).map((f) => JSON.parse(f) as NostrEvent)))
  const ok = (await Promise.all(batches)).flat()
  const s = (performance.now() - t) / 1000
  if (ok.length !== frames.length) throw new Error('verify answered the wrong count')
  return frames.length / s
}

/**
 * The WAL-index header (the `-shm` file, native byte order; sqlite.org/walformat.html): mxFrame (the
 * last valid frame of the log) at byte 16 and the log's salt at 32, which changes when a writer
 * restarts the log from its first frame.
 */
function walIndexHead(dbFile: string): { mxFrame: number; salt: number } {
  const fd = openSync(`${dbFile}-shm`, 'r')
  try {
    const b = Buffer.alloc(48)
    readSync(fd, b, 0, 48, 0)
    return { mxFrame: b.readUInt32LE(16), salt: b.readUInt32LE(32) }
  } finally {
    closeSync(fd)
  }
}

/** CPU seconds of this process's main thread so far (Linux: /proc; undefined elsewhere). */
function mainThreadCpuSec(): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8')
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // Fields 14 and 15 of proc(5) (utime, stime), in clock ticks of 10 ms.
    return (Number(f[11]) + Number(f[12])) / 100
  } catch {
    return undefined
  }
}

/** Bytes this process handed to write(2) so far (Linux /proc; the WAL, checkpoints, everything). */
function bytesWritten(): number | undefined {
  try {
    const m = /^wchar: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'))
    return m ? Number(m[1]) : undefined
  } catch {
    return undefined
  }
}

/** Count the WAL frames (= pages written) of every commit of `writer`. */
function countPagesWritten(writer: BatchWriter, dbFile: string): () => number {
  let pages = 0
  const commit = writer.commit.bind(writer)
  writer.commit = (items) => {
    const before = walIndexHead(dbFile)
    const out = commit(items)
    const after = walIndexHead(dbFile)
    pages += after.salt === before.salt ? after.mxFrame - before.mxFrame : after.mxFrame
    return out
  }
  return () => pages
}

/** The pipeline without sockets: frames are parsed and handed to the receiver as a relay would. */
async function endToEnd(
  frames: string[],
  v: Verifier,
): Promise<{
  rate: number
  counters: Record<string, number>
  commits: number
  pages: number
  dbBytes: number
  mainCpuSec: number | undefined
  writtenBytes: number | undefined
}> {
  const tmp = tempDir()
  const file = tmp.file('bench.db')
  const db = openCatalog(file)
  const counters = new Counters()
  const writer = new BatchWriter(db, counters, () => NOW_SEC)
  const pages = countPagesWritten(writer, file)
  const receiver = new Receiver({ writer, verify: v.verify, counters, now: () => NOW_SEC * 1000 })
  const t = performance.now()
  const cpu0 = mainThreadCpuSec()
  const w0 = bytesWritten()
  for (let i = 0; i < frames.length; i++) {
    receiver.event('bench://local', JSON.parse(frames[i]!))
    // Backpressure as a socket would get it: let the workers and the writer catch up.
    if (i % 2000 === 0) while (receiver.backlog() > 8000) await new Promise((r) => setImmediate(r))
  }
  await receiver.whenIdle()
  const s = (performance.now() - t) / 1000
  const cpu1 = mainThreadCpuSec()
  const w1 = bytesWritten()
  receiver.close()
  const dbBytes =
    (db.pragma('page_count', { simple: true }) as number) *
    (db.pragma('page_size', { simple: true }) as number)
  db.close()
  tmp.cleanup()
  return {
    rate: frames.length / s,
    counters: counters.snapshot(),
    commits: writer.commits,
    pages: pages(),
    dbBytes,
    mainCpuSec: cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0,
    writtenBytes: w0 === undefined || w1 === undefined ? undefined : w1 - w0,
  }
}

/** Index `events` served over WebSocket by `url` into a fresh database. */
async function overWebSocket(url: string, n: number, verifier: Verifier): Promise<number> {
  const tmp = tempDir()
  const t = performance.now()
  const indexer = await startIndexer({
    dbFile: tmp.file('ws.db'),
    relays: [url],
    verifier,
    log: () => {},
    now: () => NOW_SEC * 1000,
  })
  await indexer.whenCaughtUp()
  const s = (performance.now() - t) / 1000
  const stored = indexer.counters()
  await indexer.stop()
  tmp.cleanup()
  if ((stored['accepted'] ?? 0) + (stored['pending'] ?? 0) === 0)
    throw new Error('nothing indexed over WebSocket')
  return n / s
}

/**
 * A minimal frame server for the WebSocket figure: events pre-serialized and sorted newest first, a
 * REQ answered by binary search on `until` (the test fake relay scans everything and would be the
 * bottleneck). Serves ids/kinds/authors/#k/since/until/limit, then EOSE.
 */
async function startFrameServer(
  events: NostrEvent[],
): Promise<{ url: string; stop(): Promise<void> }> {
  const sorted = [...events].sort((a, b) => b.created_at - a.created_at || (a.id < b.id ? -1 : 1))
  const json = sorted.map((e) => JSON.stringify(e))
  const firstAtOrBefore = (until: number): number => {
    let lo = 0
    let hi = sorted.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (sorted[mid]!.created_at > until) lo = mid + 1
      else hi = mid
    }
    return lo
  }
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  wss.on('connection', (ws) => {
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as unknown[]
      if (msg[0] !== 'REQ') return
      const sub = JSON.stringify(msg[1])
      for (const f of msg.slice(2) as Filter[]) {
        const kinds = f.kinds ? new Set(f.kinds) : undefined
        const authors = f.authors ? new Set(f.authors) : undefined
        const ks = f['#k']
        let sent = 0
        for (
          let i = firstAtOrBefore(f.until ?? Infinity);
          i < sorted.length && sent < (f.limit ?? Infinity);
          i++
        ) {
          const ev = sorted[i]!
          if (f.since !== undefined && ev.created_at < f.since) break
          if (kinds && !kinds.has(ev.kind)) continue
          if (authors && !authors.has(ev.pubkey)) continue
          if (ks && !ev.tags.some((t) => t[0] === 'k' && ks.includes(t[1] ?? ''))) continue
          ws.send(`["EVENT",${sub},${json[i]}]`)
          sent++
        }
      }
      ws.send(`["EOSE",${sub}]`)
    })
  })
  await new Promise<void>((r) => wss.once('listening', () => r()))
  const addr = wss.address()
  return {
    url: `ws://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`,
    async stop() {
      for (const cl of wss.clients) cl.terminate()
      await new Promise<void>((r) => wss.close(() => r()))
    },
  }
}

const c = await corpus()
const frames = c.events.map((e) => JSON.stringify(e))
console.log(
  `corpus: ${frames.length} events (${c.valid} valid, ${c.forged} forged signatures, ${c.idMismatch} edited content)`,
)

const rssWithCorpus = process.memoryUsage.rss()
const loadBefore = loadavg()
const inline = await createInlineVerifier()
const inlineCeiling = await verifyCeiling(frames.slice(0, 20_000), inline)
const pool = await createWorkerVerifier(2)
// The ceiling is measured before and after the end-to-end run and averaged: on a shared VM the load
// drifts, and a ratio against one lucky or unlucky run would mislead.
const ceilingBefore = await verifyCeiling(frames, pool)
const e2e = await endToEnd(frames, pool)
const ceilingAfter = await verifyCeiling(frames, pool)
const poolCeiling = (ceilingBefore + ceilingAfter) / 2
const rssAfterE2e = Math.max(peakRss, process.memoryUsage.rss())
const loadAfterE2e = loadavg()
const la = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ')
const r = (x: number) => Math.round(x).toLocaleString('en-US')
const e2eLine = `| end-to-end pipeline into SQLite (same pool) | ${r(e2e.rate)} (${((e2e.rate / poolCeiling) * 100).toFixed(0)}% of the ceiling) |`
const cpuPart =
  e2e.mainCpuSec === undefined
    ? ''
    : `main thread CPU ${((e2e.mainCpuSec / N) * 1e6).toFixed(0)} µs per event; `
const writtenPart =
  e2e.writtenBytes === undefined
    ? ''
    : `, ${(e2e.writtenBytes / N / 1024).toFixed(1)} KB handed to write(2) per event (WAL and checkpoints)`
const pagesLine = `${cpuPart}pages written ${r(e2e.pages)} = ${(e2e.pages / N).toFixed(2)} per event (${r(e2e.pages / e2e.commits)} per commit)${writtenPart}, database ${mb(e2e.dbBytes)}; load average ${la(loadBefore)} before, ${la(loadAfterE2e)} after the end-to-end run`
if (E2E_ONLY) {
  console.log(`
| measure | events/s |
| --- | --- |
| verify-only ceiling, pool (2 workers, ${r(N)} events; before / after the run) | ${r(poolCeiling)} (${r(ceilingBefore)} / ${r(ceilingAfter)}) |
${e2eLine}

${pagesLine}; ${e2e.commits} commits; counters ${JSON.stringify(e2e.counters)}`)
  await pool.close()
  await inline.close()
  process.exit(0)
}

const fake = await startFrameServer(c.events)
const wsPlain = await overWebSocket(fake.url, N, pool)
await fake.stop()

const tmp = tempDir()
const relayFile = tmp.file('relay.db')
const repo = new EventRepositorySqlite(new Database(relayFile))
await repo.init()
for (const ev of c.events.slice(0, WS_MARKET_N)) await repo.upsert(ev as never)
await repo.destroy()
const market = await startMarketRelay({ file: relayFile })
const wsMarket = await overWebSocket(market.url, WS_MARKET_N, pool)
await market.stop()
tmp.cleanup()

clearInterval(sampler)
peakRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024)
console.log(`
| measure | events/s |
| --- | --- |
| verify-only ceiling, inline (1 thread, 20k events) | ${r(inlineCeiling)} |
| verify-only ceiling, pool (2 workers, ${r(N)} events; before / after the run) | ${r(poolCeiling)} (${r(ceilingBefore)} / ${r(ceilingAfter)}) |
${e2eLine}
| over WebSocket, plain frame server (${r(N)} events, paged by 500) | ${r(wsPlain)} |
| over WebSocket, market relay (@nostr-relay, ${r(WS_MARKET_N)} events) | ${r(wsMarket)} |

${pagesLine}; load average ${la(loadavg())} at the end.
RSS with the corpus loaded ${mb(rssWithCorpus)}; peak RSS through the end-to-end run ${mb(rssAfterE2e)}, ${mb(peakRss)} overall; ${e2e.commits} commits; counters ${JSON.stringify(e2e.counters)}`)
await pool.close()
await inline.close()
process.exit(0)
