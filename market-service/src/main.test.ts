/** main.ts as a process (tsx): configuration errors name each variable; SIGTERM stops gracefully. */
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url))

function run(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...env,
    },
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString()
  })
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString()
  })
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
  return { child, exited, out: () => stdout, err: () => stderr }
}

describe('main.ts', () => {
  it('exits non-zero naming every bad variable', async () => {
    const p = run({ ZAPCADE_PORT: 'http', ZAPCADE_FEE_BPS: '-1', ZAPCADE_ADMIN_PUBKEYS: 'bob' })
    expect(await p.exited).toBe(2)
    expect(p.err()).toContain('ZAPCADE_PORT')
    expect(p.err()).toContain('ZAPCADE_FEE_BPS')
    expect(p.err()).toContain('ZAPCADE_ADMIN_PUBKEYS')
  })

  it('serves until SIGTERM, then stops gracefully with exit code 0', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'zapcade-main-'))
    try {
      const p = run({
        ZAPCADE_DATA_DIR: dir,
        ZAPCADE_PORT: '0',
        ZAPCADE_RELAYS: 'ws://127.0.0.1:9',
      })
      const ready = await new Promise<{ url: string }>((resolve, reject) => {
        const rl = createInterface({ input: p.child.stdout })
        rl.on('line', (l) => {
          if (l.includes('"ready":true')) resolve(JSON.parse(l) as { url: string })
        })
        p.child.once('exit', (code) => reject(new Error(`exited ${code}: ${p.err()}`)))
      })
      expect((await fetch(`${ready.url}/healthz`)).status).toBe(200)
      p.child.kill('SIGTERM')
      expect(await p.exited).toBe(0)
      expect(p.out()).toContain('market service stopped')
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
