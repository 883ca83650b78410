/**
 * The `zapcade` bin as people run it: `npx zapcade` from a folder inside the repository (a game's folder,
 * no package.json of its own), and `client/bin/zapcade.mjs` from a folder outside it; with `--json`, stdout
 * holds exactly one JSON document (no npm banner, no progress text), whatever happens.
 */
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const REPO = fileURLToPath(new URL('../../../', import.meta.url))
const BIN = join(REPO, 'client/bin/zapcade.mjs')

function run(
  cmd: string,
  args: string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = {}
    for (const k of ['PATH', 'HOME', 'npm_config_cache'])
      if (process.env[k]) env[k] = process.env[k]!
    const child = spawn(cmd, args, {
      cwd,
      env: { ...env, ZAPCADE_CONFIG_DIR: join(cwd, '.config') },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = '',
      stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))
  })
}

describe('the zapcade bin', { timeout: 60_000 }, () => {
  let inside: string, outside: string
  beforeAll(async () => {
    await mkdir(join(REPO, '.tmp'), { recursive: true })
    inside = await mkdtemp(join(REPO, '.tmp', 'game-folder-'))
    outside = await mkdtemp(join(tmpdir(), 'zapcade-bin-'))
  })
  afterAll(async () => {
    await rm(inside, { recursive: true, force: true })
    await rm(outside, { recursive: true, force: true })
  })

  it('npx zapcade … --json in a game folder inside the repository prints one JSON document on stdout, the message on stderr', async () => {
    // Port 1 refuses connections: the command fails the same way everywhere, without a market.
    const r = await run(
      'npx',
      ['--no-install', 'zapcade', 'search', 'lantern', '--json', '--api', 'http://127.0.0.1:1'],
      inside,
    )
    expect(r.code).toBe(3)
    expect(JSON.parse(r.stdout)).toEqual({
      error: {
        code: 'UNREACHABLE',
        detail: expect.stringContaining('cannot reach http://127.0.0.1:1'),
        exit: 3,
      },
    })
    expect(r.stderr).toMatch(/^zapcade: cannot reach/m)
  })

  it('the bin runs from a folder outside the repository', async () => {
    const r = await run(process.execPath, [BIN, '--help'], outside)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^zapcade — publish, buy and download games/)
    const j = await run(
      process.execPath,
      [BIN, 'search', 'x', '--json', '--api', 'http://127.0.0.1:1'],
      outside,
    )
    expect(JSON.parse(j.stdout)).toMatchObject({ error: { code: 'UNREACHABLE' } })
  })
})
