/**
 * `npm run bench -- flood`: does the API stay responsive while one client floods the embedded relay?
 * Starts the marketplace as `npm start` does (launcher/main.ts in its own process, a temp data directory,
 * free ports, the demo catalog), once per place the relay and the indexer can run (ZAPCADE_RELAY_INDEXER_HOST:
 * inline on the API's loop, as before; a worker thread each; a child process each). For each: time from
 * spawn to the first `/healthz` 200, memory, then `/healthz` and a catalog search (`/api/v1/games?q=…`)
 * p50/p99 while idle, and while 2,000 signed game events/s are sent for 5 s from one connection, then
 * from 10 connections (2,000/s each), with how many got `OK true` and how many `rate-limited:`. The
 * probes run one request at a time from this thread; the floods come from a worker thread (a hosted part,
 * relay-indexer/src/worker-host.ts), so neither slows the other. Figures go to bench/README.md "Flood".
 *
 * FLOOD_MODES=worker,process picks the places (default worker,process,inline).
 */
import { spawn, execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isMainThread } from 'node:worker_threads'
import WebSocket from 'ws'
import { hostPart, serveHosted, type PartStarted } from '@zapcade/relay-indexer/worker-host'
import { game, makeDev } from '@zapcade/relay-indexer/testing/fixtures'

const RATE = 2000
const SECONDS = 5
const SEARCH = '/api/v1/games?q=lantern'

// ——— The flood, in a worker thread ———

interface FloodJob {
  relayUrl: string
  conns: number
  perConnPerSec: number
  seconds: number
  tag: string
}
interface FloodResult {
  sent: number
  ok: number
  rateLimited: number
  otherFalse: number
  missing: number
  sendMs: number
  answeredMs: number
}

async function startFlooder(job: FloodJob): Promise<PartStarted<{ events: number }>> {
  const perConn = job.perConnPerSec * job.seconds
  const nowSec = Math.floor(Date.now() / 1000)
  // Signed up front: the flood measures the relay, not our signing.
  const frames: string[][] = []
  for (let c = 0; c < job.conns; c++) {
    const dev = await makeDev()
    frames.push(
      Array.from({ length: perConn }, (_, i) =>
        JSON.stringify([
          'EVENT',
          game(dev, `flood-${job.tag}-${c}-${i}`, nowSec - 60, {
            title: `Flood ${job.tag} ${c} ${i}`,
            description: 'A flood of games.',
          }),
        ]),
      ),
    )
  }
  const sockets = await Promise.all(
    frames.map(
      () =>
        new Promise<WebSocket>((resolve, reject) => {
          const ws = new WebSocket(job.relayUrl)
          ws.once('open', () => resolve(ws))
          ws.once('error', reject)
        }),
    ),
  )
  const flood = async (): Promise<FloodResult> => {
    const r: FloodResult = {
      sent: 0,
      ok: 0,
      rateLimited: 0,
      otherFalse: 0,
      missing: 0,
      sendMs: 0,
      answeredMs: 0,
    }
    const t0 = performance.now()
    let answered = 0
    const total = perConn * job.conns
    let allAnswered: () => void = () => {}
    const done = new Promise<void>((res) => (allAnswered = res))
    for (const ws of sockets)
      ws.on('message', (data) => {
        const m = JSON.parse(String(data)) as unknown[]
        if (m[0] !== 'OK') return
        if (m[2] === true) r.ok++
        else if (String(m[3]).startsWith('rate-limited:')) r.rateLimited++
        else r.otherFalse++
        if (++answered === total) allAnswered()
      })
    // Each connection sends its share of every 10 ms, catching up when a timer fires late.
    const sentBy = new Array<number>(job.conns).fill(0)
    await new Promise<void>((res) => {
      const tick = setInterval(() => {
        const due = Math.min(
          perConn,
          Math.floor(((performance.now() - t0) / 1000) * job.perConnPerSec),
        )
        sockets.forEach((ws, c) => {
          while (sentBy[c]! < due) ws.send(frames[c]![sentBy[c]!++]!)
        })
        if (sentBy.every((n) => n >= perConn)) {
          clearInterval(tick)
          res()
        }
      }, 10)
    })
    r.sent = total
    r.sendMs = performance.now() - t0
    // "During the flood" lasts until every event is answered, or 30 s after the first was sent.
    await Promise.race([
      done,
      new Promise((res) => setTimeout(res, Math.max(0, 30_000 - (performance.now() - t0)))),
    ])
    r.answeredMs = performance.now() - t0
    r.missing = total - answered
    return r
  }
  return {
    info: { events: perConn * job.conns },
    calls: { flood },
    stop: async () => {
      for (const ws of sockets) ws.terminate()
    },
  }
}

serveHosted(import.meta.url, (job: FloodJob) => startFlooder(job))

// ——— The marketplace, as npm start runs it ———

interface Market {
  apiUrl: string
  relayUrl: string
  readyMs: number
  pid: number
  stop(): Promise<number | null>
}

async function startMarket(mode: string, dataDir: string): Promise<Market> {
  const root = fileURLToPath(new URL('..', import.meta.url))
  const t0 = performance.now()
  const child = spawn(process.execPath, ['--import', 'tsx', 'launcher/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      ZAPCADE_DATA_DIR: dataDir,
      ZAPCADE_PORT: '0',
      ZAPCADE_RELAY_PORT: '0',
      ZAPCADE_RELAY_INDEXER_HOST: mode,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  // Never leave the marketplace running when the bench ends, even by an error.
  process.once('exit', () => child.kill('SIGKILL'))
  let out = ''
  let demoDone: () => void = () => {}
  const demo = new Promise<void>((r) => (demoDone = r))
  const printed = new Promise<{ apiUrl: string; relayUrl: string }>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += String(d)
      const api = /API\s+(http:\/\/\S+)\/api\/v1\/games/.exec(out)
      const relay = /Relay\s+(ws:\/\/\S+)/.exec(out)
      if (api && relay) resolve({ apiUrl: api[1]!, relayUrl: relay[1]! })
      if (out.includes('Demo builds are uploaded')) demoDone()
    })
    child.once('exit', (code) => reject(new Error(`npm start exited (${code}): ${out}`)))
  })
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
  // Ready = the first /healthz 200 (the process prints its URLs right before it answers).
  const urls = await printed
  for (;;) {
    const ok = await fetch(`${urls.apiUrl}/healthz`).then(
      (r) => r.ok,
      () => false,
    )
    if (ok) break
    await new Promise((r) => setTimeout(r, 5))
  }
  const readyMs = performance.now() - t0
  await demo
  return {
    ...urls,
    readyMs,
    pid: child.pid!,
    async stop() {
      child.kill('SIGTERM')
      return exited
    },
  }
}

/** Resident memory of a process and its child processes (threads are in the process's own figure), MiB. */
function rssMiB(pid: number): number {
  const kib = (args: string[]) => {
    let out = ''
    try {
      out = execFileSync('ps', ['-o', 'rss=', ...args], { encoding: 'utf8' })
    } catch {
      // ps exits 1 when nothing matches (no child processes).
    }
    return out
      .split('\n')
      .map((s) => Number(s.trim()) || 0)
      .reduce((a, b) => a + b, 0)
  }
  return (kib(['-p', String(pid)]) + kib(['--ppid', String(pid)])) / 1024
}

// ——— Probes ———

interface Lat {
  healthz: number[]
  search: number[]
  errors: number
}

/** `/healthz` and a search, one request at a time, until `until` resolves. */
async function probe(apiUrl: string, until: Promise<unknown>): Promise<Lat> {
  const lat: Lat = { healthz: [], search: [], errors: 0 }
  let over = false
  void until.then(() => (over = true))
  while (!over) {
    for (const [k, path] of [
      ['healthz', '/healthz'],
      ['search', SEARCH],
    ] as const) {
      const t = performance.now()
      // A keep-alive socket the stalled server closed is retried (counted in errors; its time is kept).
      for (let attempt = 0; ; attempt++) {
        try {
          const r = await fetch(`${apiUrl}${path}`)
          await r.arrayBuffer()
          if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`)
          break
        } catch (e) {
          lat.errors++
          if (attempt >= 3) throw e
        }
      }
      lat[k].push(performance.now() - t)
    }
  }
  return lat
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN
}
const ms = (x: number) => `${x < 10 ? x.toFixed(1) : x.toFixed(0)} ms`
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')

function line(what: string, lat: Lat, idle?: Lat): string {
  const part = (k: 'healthz' | 'search') => {
    const p50 = pct(lat[k], 50)
    const p99 = pct(lat[k], 99)
    const ratio = idle
      ? `  (${(p50 / pct(idle[k], 50)).toFixed(1)}x / ${(p99 / pct(idle[k], 99)).toFixed(1)}x idle)`
      : ''
    return `${k} p50 ${ms(p50)} p99 ${ms(p99)}${ratio}`
  }
  return `  ${what.padEnd(22)} ${part('healthz')}   ${part('search')}   n=${lat.healthz.length}${lat.errors ? ` (${lat.errors} retried)` : ''}`
}

async function floodRun(m: Market, conns: number, idle: Lat, tag: string): Promise<void> {
  const flooder = await hostPart<{ events: number }>(
    import.meta.url,
    { relayUrl: m.relayUrl, conns, perConnPerSec: RATE, seconds: SECONDS, tag } satisfies FloodJob,
    'worker',
  )
  const result = flooder.call<FloodResult>('flood')
  const lat = await probe(m.apiUrl, result)
  const r = await result
  await flooder.stop()
  const rate = (r.sent / (r.sendMs / 1000)).toFixed(0)
  console.log(line(`flood ${conns} conn${conns > 1 ? 's' : ''}`, lat, idle))
  console.log(
    `    ${r.sent} events sent in ${(r.sendMs / 1000).toFixed(1)} s (${rate}/s), probed for ${(r.answeredMs / 1000).toFixed(1)} s: ` +
      `OK true ${r.ok}, rate-limited ${r.rateLimited}, other OK false ${r.otherFalse}, unanswered by then ${r.missing}; load ${load()}`,
  )
}

async function measure(mode: string): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), `zapcade-flood-${mode}-`))
  const m = await startMarket(mode, dataDir)
  console.log(
    `\n${mode}: /healthz ready ${ms(m.readyMs)} after spawn; RSS ${rssMiB(m.pid).toFixed(0)} MiB idle; load ${load()}`,
  )
  const idle = await probe(m.apiUrl, new Promise((r) => setTimeout(r, 3000)))
  console.log(line('idle', idle))
  await floodRun(m, 1, idle, `${mode}-1`)
  // Let the IP's token bucket refill (1,000/s), so the second flood meets the same limits.
  await new Promise((r) => setTimeout(r, 6000))
  await floodRun(m, 10, idle, `${mode}-10`)
  console.log(`  RSS after the floods ${rssMiB(m.pid).toFixed(0)} MiB`)
  const code = await m.stop()
  if (code !== 0) throw new Error(`npm start exited ${code} on SIGTERM`)
  rmSync(dataDir, { recursive: true, force: true })
}

if (isMainThread) {
  // Inline last: its floods take minutes to work through (the relay stores ~100 events/s here).
  const modes = (process.env.FLOOD_MODES ?? 'worker,process,inline').split(',')
  console.log(
    `flood: ${RATE} signed game events/s per connection for ${SECONDS} s; probes: /healthz and ${SEARCH}, one at a time; load ${load()}`,
  )
  for (const mode of modes) await measure(mode)
  process.exit(0)
}
