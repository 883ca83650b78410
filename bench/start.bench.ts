/**
 * `npm run bench -- start`: how fast `npm start` answers `/healthz`, how many processes it keeps, and their
 * memory once idle. Each command runs 3 times on a fresh data directory (free ports, demo catalog):
 * `npm start` as a user types it, the launcher under the `tsx` CLI (how `npm start` ran before), and node
 * with tsx's loader and nothing around it. For each: spawn → first `/healthz` 200 (p50 of the runs), and
 * after the demo builds are uploaded and 5 s of quiet, every process of the tree with its RSS.
 * Figures go to bench/README.md "Start".
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const RUNS = Number(process.env.START_RUNS ?? 3)
const COMMANDS: [string, string, string[]][] = [
  ['npm start', 'npm', ['start', '--silent']],
  [
    'tsx launcher/main.ts (before)',
    process.execPath,
    ['node_modules/.bin/tsx', 'launcher/main.ts'],
  ],
  ['node --import tsx launcher/main.ts', process.execPath, ['--import', 'tsx', 'launcher/main.ts']],
]

interface Proc {
  pid: number
  rssMiB: number
  command: string
}

/** The process `pid` and every descendant, from /proc. */
function tree(pid: number): Proc[] {
  const children = new Map<number, number[]>()
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)])
    } catch {
      // gone meanwhile
    }
  }
  const out: Proc[] = []
  const visit = (p: number) => {
    try {
      const status = readFileSync(`/proc/${p}/status`, 'utf8')
      const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024
      const command = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').join(' ').trim()
      out.push({ pid: p, rssMiB: rss, command })
    } catch {
      return
    }
    for (const c of children.get(p) ?? []) visit(c)
  }
  visit(pid)
  return out
}

async function once(cmd: string, args: string[]): Promise<{ healthzMs: number; procs: Proc[] }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'zapcade-start-'))
  const t0 = performance.now()
  const child = spawn(cmd, args, {
    cwd: root,
    env: { ...process.env, ZAPCADE_DATA_DIR: dataDir, ZAPCADE_PORT: '0', ZAPCADE_RELAY_PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
    // Its own process group: npm does not pass SIGTERM on to the node it started, so the whole group is
    // signalled (an orphaned market from one run kept running into the next).
    detached: true,
  })
  const group = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig)
    } catch {}
  }
  process.once('exit', () => group('SIGKILL'))
  let out = ''
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  let demo: () => void = () => {}
  const demoDone = new Promise<void>((r) => (demo = r))
  const api = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += String(d)
      const m = /API\s+(http:\/\/\S+)\/api\/v1\/games/.exec(out)
      if (m) resolve(m[1]!)
      if (out.includes('Demo builds are uploaded')) demo()
    })
    child.once('exit', (code) => reject(new Error(`${cmd} exited (${code}): ${out}`)))
  })
  for (;;) {
    const ok = await fetch(`${api}/healthz`).then(
      (r) => r.ok,
      () => false,
    )
    if (ok) break
    await new Promise((r) => setTimeout(r, 5))
  }
  const healthzMs = performance.now() - t0
  await demoDone
  await new Promise((r) => setTimeout(r, 5000))
  const procs = tree(child.pid!)
  group('SIGTERM')
  await exited
  rmSync(dataDir, { recursive: true, force: true })
  return { healthzMs, procs }
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')
console.log(`start: ${RUNS} runs per command, fresh data directory each; load ${load()}`)
for (const [name, cmd, args] of COMMANDS) {
  const runs: { healthzMs: number; procs: Proc[] }[] = []
  for (let i = 0; i < RUNS; i++) runs.push(await once(cmd, args))
  const ms = runs.map((r) => r.healthzMs).sort((a, b) => a - b)
  const last = runs[runs.length - 1]!
  const total = last.procs.reduce((a, p) => a + p.rssMiB, 0)
  console.log(
    `\n  ${name}: /healthz after ${ms.map((m) => m.toFixed(0)).join(' / ')} ms (p50 ${ms[Math.floor(ms.length / 2)]!.toFixed(0)}); ` +
      `idle: ${last.procs.length} processes, ${total.toFixed(0)} MiB; load ${load()}`,
  )
  for (const p of last.procs)
    console.log(`    ${p.rssMiB.toFixed(0).padStart(5)} MiB  ${p.command.slice(0, 110)}`)
}
process.exit(0)
