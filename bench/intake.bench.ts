/**
 * `npm run bench -- intake`: how many signed events per second the embedded relay takes in (each answered
 * `OK true`), from 10 publishing connections that each keep a window of events in flight, against a bare
 * WebSocket server that answers every EVENT with an OK (no checks, no storage) measured in the same run.
 * Targets, in order: `echo` (the baseline), `library` (startMarketRelay alone in a child process, its store
 * on disk, every event through @nostr-relay's own write path: the relay before group commit), `relay` (the
 * same with group commit), `market` (the relay inside `npm start`: launcher/main.ts with its indexer subscribed to the relay,
 * the demo catalog, the service). The publishers run in a worker thread of this process, with every event
 * signed before the clock starts. Figures go to bench/README.md "Relay intake".
 *
 * INTAKE_TARGETS=echo,library,relay,market picks the targets (a ws:// URL is a relay already running, e.g. one
 * started under `node --cpu-prof`); INTAKE_EVENTS (per connection, default 2,000),
 * INTAKE_WINDOW (in flight per connection, default 100).
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isMainThread } from 'node:worker_threads'
import WebSocket, { WebSocketServer } from 'ws'
import { hostPart, serveHosted, type PartStarted } from '@zapcade/relay-indexer/worker-host'
import { game, makeDev } from '@zapcade/relay/testing/fixtures'

const CONNS = 10
const PER_CONN = Number(process.env.INTAKE_EVENTS ?? 2000)
const WINDOW = Number(process.env.INTAKE_WINDOW ?? 100)

// ——— Hosted parts: the publishers, the echo server, the relay alone ———

interface PublishResult {
  ok: number
  refused: Record<string, number>
  ms: number
}

type Job =
  | { role: 'publish'; url: string; tag: string; perConn: number }
  | { role: 'echo' }
  | { role: 'relay'; file: string; groupCommit: boolean }

async function startPublishers(
  url: string,
  tag: string,
  perConn: number,
): Promise<PartStarted<unknown>> {
  const nowSec = Math.floor(Date.now() / 1000)
  const frames: string[][] = []
  for (let c = 0; c < CONNS; c++) {
    const dev = await makeDev()
    frames.push(
      Array.from({ length: perConn }, (_, i) =>
        JSON.stringify([
          'EVENT',
          game(dev, `intake-${tag}-${c}-${i}`, nowSec - 60, {
            title: `Intake ${tag} ${c} ${i}`,
            description: 'A game published in a hurry.',
          }),
        ]),
      ),
    )
  }
  const sockets = await Promise.all(
    frames.map(
      () =>
        new Promise<WebSocket>((resolve, reject) => {
          const ws = new WebSocket(url)
          ws.once('open', () => resolve(ws))
          ws.once('error', reject)
        }),
    ),
  )
  const publish = async (): Promise<PublishResult> => {
    const r: PublishResult = { ok: 0, refused: {}, ms: 0 }
    const t0 = performance.now()
    await Promise.all(
      sockets.map(
        (ws, c) =>
          new Promise<void>((resolve) => {
            const mine = frames[c]!
            let sent = 0
            let answered = 0
            ws.on('message', (data) => {
              const m = JSON.parse(String(data)) as unknown[]
              if (m[0] !== 'OK') return
              if (m[2] === true) r.ok++
              else {
                const prefix = String(m[3]).split(':')[0]!
                r.refused[prefix] = (r.refused[prefix] ?? 0) + 1
              }
              answered++
              if (sent < mine.length) ws.send(mine[sent++]!)
              else if (answered === mine.length) resolve()
            })
            while (sent < Math.min(WINDOW, mine.length)) ws.send(mine[sent++]!)
          }),
      ),
    )
    r.ms = performance.now() - t0
    return r
  }
  return {
    info: {},
    calls: { publish },
    stop: async () => {
      for (const ws of sockets) ws.terminate()
    },
  }
}

/** The baseline: a WebSocket server that reads each frame as JSON and answers an EVENT with OK true. */
async function startEcho(): Promise<PartStarted<unknown>> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' })
  await new Promise<void>((r) => wss.once('listening', () => r()))
  wss.on('connection', (ws) =>
    ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as [string, { id: string }]
      if (m[0] === 'EVENT') ws.send(JSON.stringify(['OK', m[1].id, true, '']))
    }),
  )
  const address = wss.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    info: { url: `ws://127.0.0.1:${port}` },
    stop: () => new Promise<void>((r) => wss.close(() => r())),
  }
}

async function startRelayAlone(file: string, groupCommit: boolean): Promise<PartStarted<unknown>> {
  const { startMarketRelay } = await import('@zapcade/relay')
  const relay = await startMarketRelay({ file, rateLimit: false, groupCommit })
  return { info: { url: relay.url }, stop: () => relay.stop() }
}

serveHosted(import.meta.url, (job: Job) =>
  job.role === 'publish'
    ? startPublishers(job.url, job.tag, job.perConn)
    : job.role === 'echo'
      ? startEcho()
      : startRelayAlone(job.file, job.groupCommit),
)

// ——— The marketplace, as npm start runs it ———

async function startMarket(dataDir: string): Promise<{ relayUrl: string; stop(): Promise<void> }> {
  const root = fileURLToPath(new URL('..', import.meta.url))
  const child = spawn(process.execPath, ['--import', 'tsx', 'launcher/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      ZAPCADE_DATA_DIR: dataDir,
      ZAPCADE_PORT: '0',
      ZAPCADE_RELAY_PORT: '0',
      ZAPCADE_RELAY_RATE_LIMIT: 'off',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  process.once('exit', () => child.kill('SIGKILL'))
  let out = ''
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  const relayUrl = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += String(d)
      const relay = /Relay\s+(ws:\/\/\S+)/.exec(out)
      if (relay && out.includes('Demo builds are uploaded')) resolve(relay[1]!)
    })
    child.once('exit', (code) => reject(new Error(`npm start exited (${code}): ${out}`)))
  })
  return {
    relayUrl,
    stop: async () => {
      child.kill('SIGTERM')
      await exited
    },
  }
}

// ——— The run ———

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')

async function publishTo(url: string, tag: string, perConn = PER_CONN): Promise<PublishResult> {
  const pub = await hostPart(
    import.meta.url,
    { role: 'publish', url, tag, perConn } satisfies Job,
    'worker',
  )
  const r = await pub.call<PublishResult>('publish')
  await pub.stop()
  return r
}

function report(what: string, r: PublishResult, baseline?: number): number {
  const rate = r.ok / (r.ms / 1000)
  const refused = Object.entries(r.refused)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ')
  console.log(
    `  ${what.padEnd(34)} ${rate.toFixed(0).padStart(6)} events/s OK true (${r.ok} in ${(r.ms / 1000).toFixed(2)} s${refused ? `; refused: ${refused}` : ''})` +
      `${baseline ? `  = ${((rate / baseline) * 100).toFixed(0)}% of echo` : ''}; load ${load()}`,
  )
  return rate
}

// A hosted child process is a main thread too: only the process the bench was started as runs the bench.
if (isMainThread && !process.argv.includes('--zapcade-hosted')) {
  const targets = (process.env.INTAKE_TARGETS ?? 'echo,library,relay,market').split(',')
  console.log(
    `intake: ${CONNS} connections x ${PER_CONN} signed game events, ${WINDOW} in flight per connection; load ${load()}`,
  )
  let echoRate: number | undefined
  for (const target of targets) {
    const tmp = mkdtempSync(join(tmpdir(), `zapcade-intake-${target.replace(/\W/g, '')}-`))
    try {
      if (target.startsWith('ws://')) {
        report(`relay at ${target}`, await publishTo(target, `url-${Date.now()}`), echoRate)
      } else if (target === 'echo') {
        const echo = await hostPart<{ url: string }>(import.meta.url, { role: 'echo' }, 'process')
        echoRate = report('echo (bare WebSocket, OK only)', await publishTo(echo.info.url, 'echo'))
        await echo.stop()
      } else if (target === 'relay' || target === 'library') {
        const groupCommit = target === 'relay'
        const file = join(tmp, 'relay.db')
        const relay = await hostPart<{ url: string }>(
          import.meta.url,
          { role: 'relay', file, groupCommit } satisfies Job,
          'process',
        )
        report(
          groupCommit ? 'relay alone, group commit' : "relay alone, library's writes",
          // The library's path takes ~100-450 events/s here: a tenth of the events keeps the run short.
          await publishTo(
            relay.info.url,
            target,
            groupCommit ? PER_CONN : Math.ceil(PER_CONN / 10),
          ),
          echoRate,
        )
        await relay.stop()
      } else {
        const market = await startMarket(tmp)
        report('relay inside npm start', await publishTo(market.relayUrl, 'market'), echoRate)
        await market.stop()
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true })
    }
  }
  process.exit(0)
}
