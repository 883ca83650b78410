/**
 * Test helper: run the real `zapcade` CLI as a child process (`node --import tsx client/src/cli/main.ts`)
 * and collect its exit code and output.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url))
// Resolved from here, so the child finds tsx whatever its cwd.
const TSX = import.meta.resolve('tsx')

export interface CliRun {
  code: number
  stdout: string
  stderr: string
}

export function runZapcade(
  args: string[],
  o: {
    env?: Record<string, string | undefined>
    cwd?: string
    input?: string
    timeoutMs?: number
  } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = {}
    for (const [k, v] of Object.entries({
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...o.env,
    }))
      if (v !== undefined) env[k] = v
    const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], {
      cwd: o.cwd ?? process.cwd(),
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`zapcade ${args.join(' ')} timed out\nstdout: ${stdout}\nstderr: ${stderr}`))
    }, o.timeoutMs ?? 60_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code: code ?? -1, stdout, stderr })
    })
    child.stdin.end(o.input ?? '')
  })
}

/** Parse the one JSON document a `--json` run printed. */
export function jsonOf<T = Record<string, unknown>>(r: CliRun): T {
  try {
    return JSON.parse(r.stdout) as T
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\nstdout: ${r.stdout}\nstderr: ${r.stderr}`)
  }
}
