/**
 * The CLI's failures as a user meets them: one line on stderr, no stack trace, and the exit code the
 * help promises (1 usage/local input, 3 unreachable). Runs the real CLI as a child process.
 */
import { describe, expect, it } from 'vitest'
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { mkdtemp, stat, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateSecretKey, getPublicKey } from 'nostr-tools/pure'
import { encryptSecretKey } from '../signers/ncryptsec.ts'
import { nip19 } from 'nostr-tools'
import { jsonOf, runZapcade } from './testing/run-cli.ts'

/** A port nothing listens on: bind, note it, close. */
async function deadPort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as { port: number }).port
  await new Promise<void>((r) => s.close(() => r()))
  return port
}

function expectOneLine(stderr: string) {
  expect(stderr).not.toMatch(/\n\s+at /) // no stack frames
  expect(stderr.split('\n')[0]).toMatch(/^zapcade: /)
}

async function tmp() {
  const dir = await mkdtemp(join(tmpdir(), 'zapcade-cli-'))
  return { dir, env: { ZAPCADE_CONFIG_DIR: join(dir, 'cfg'), ZAPCADE_PASSWORD: 'correct horse' } }
}

describe('zapcade CLI failures', () => {
  it('a market that is down gives one line naming it and exit 3', async () => {
    const { dir, env } = await tmp()
    const api = `http://127.0.0.1:${await deadPort()}`
    const r = await runZapcade(['search', 'anything', '--api', api], { cwd: dir, env })
    expect(r.code).toBe(3)
    expectOneLine(r.stderr)
    expect(r.stderr).toContain(`cannot reach ${api} (ECONNREFUSED)`)
    const j = await runZapcade(['search', 'x', '--json'], {
      cwd: dir,
      env: { ...env, ZAPCADE_API: api },
    })
    expect(j.code).toBe(3)
    expect(jsonOf(j)).toMatchObject({ error: { code: 'UNREACHABLE', exit: 3 } })
  })

  it('a bad manifest names each bad field and exits 1 before any network use', async () => {
    const { dir, env } = await tmp()
    await writeFile(
      join(dir, 'zapcade.json'),
      JSON.stringify({ slug: 'Bad Slug', title: 'x', price_sats: 1.5 }),
    )
    const r = await runZapcade(
      ['game', 'publish', '--api', `http://127.0.0.1:${await deadPort()}`],
      { cwd: dir, env: { ...env, ZAPCADE_NSEC: nip19.nsecEncode(generateSecretKey()) } },
    )
    expect(r.code).toBe(1)
    expectOneLine(r.stderr)
    expect(r.stderr).toMatch(/zapcade\.json is invalid: slug: .*price_sats: /)
  })

  it('key new stores an encrypted key with mode 0600; the wrong password is refused with exit 1', async () => {
    const { dir, env } = await tmp()
    const made = await runZapcade(['key', 'new', '--json'], { cwd: dir, env })
    expect(made.code).toBe(0)
    const { npub, file } = jsonOf<{ npub: string; file: string }>(made)
    expect(npub).toMatch(/^npub1/)
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    const shown = await runZapcade(['key', 'show', '--json'], {
      cwd: dir,
      env: { ...env, ZAPCADE_PASSWORD: undefined },
    })
    expect(jsonOf(shown)).toMatchObject({ npub })
    const wrong = await runZapcade(['key', 'show', '--nsec'], {
      cwd: dir,
      env: { ...env, ZAPCADE_PASSWORD: 'wrong' },
    })
    expect(wrong.code).toBe(1)
    expectOneLine(wrong.stderr)
    expect(wrong.stderr).toContain('wrong password')
    const again = await runZapcade(['key', 'new'], { cwd: dir, env })
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('a key already exists')
  })

  it('key import takes an nsec on stdin and stores the same identity', async () => {
    const { dir, env } = await tmp()
    const sk = generateSecretKey()
    const r = await runZapcade(['key', 'import', '--json'], {
      cwd: dir,
      env,
      input: nip19.nsecEncode(sk) + '\n',
    })
    expect(r.code).toBe(0)
    const { nsec } = jsonOf<{ nsec: string }>(
      await runZapcade(['key', 'show', '--nsec', '--json'], { cwd: dir, env }),
    )
    expect(nsec).toBe(nip19.nsecEncode(sk))
  })

  it('whoami names the key and its source: ZAPCADE_NSEC first, then a ZAPCADE_KEY_FILE (ncryptsec), then the stored key', async () => {
    const { dir, env } = await tmp()
    const stored = jsonOf<{ pubkey: string }>(
      await runZapcade(['key', 'new', '--json'], { cwd: dir, env }),
    )
    expect(jsonOf(await runZapcade(['whoami', '--json'], { cwd: dir, env }))).toMatchObject({
      pubkey: stored.pubkey,
      source: join(dir, 'cfg', 'key.ncryptsec'),
    })
    const fileSk = generateSecretKey()
    await writeFile(join(dir, 'other.key'), encryptSecretKey(fileSk, 'file-pw', 8))
    const fromFile = await runZapcade(['whoami', '--json'], {
      cwd: dir,
      env: { ...env, ZAPCADE_KEY_FILE: join(dir, 'other.key'), ZAPCADE_PASSWORD: 'file-pw' },
    })
    expect(jsonOf(fromFile)).toMatchObject({ pubkey: getPublicKey(fileSk) })
    const envSk = generateSecretKey()
    const fromEnv = await runZapcade(['whoami', '--json'], {
      cwd: dir,
      env: {
        ...env,
        ZAPCADE_NSEC: nip19.nsecEncode(envSk),
        ZAPCADE_KEY_FILE: join(dir, 'other.key'),
      },
    })
    expect(jsonOf(fromEnv)).toMatchObject({ pubkey: getPublicKey(envSk), source: 'ZAPCADE_NSEC' })
    const missing = await runZapcade(['whoami'], {
      cwd: dir,
      env: { ...env, ZAPCADE_KEY_FILE: join(dir, 'nope.key') },
    })
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('ZAPCADE_KEY_FILE: no file at')
  })

  it('the package bin runs from any directory (tsx resolved from the package, not the cwd)', async () => {
    const { dir } = await tmp()
    const bin = fileURLToPath(new URL('../../bin/zapcade.mjs', import.meta.url))
    const out = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      execFile(
        process.execPath,
        [bin, 'key', 'show', '--help'],
        { cwd: dir, env: { PATH: process.env.PATH ?? '' } },
        (err, stdout) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout }),
      )
    })
    expect(out.code).toBe(0)
    expect(out.stdout).toContain('Usage: zapcade key show')
  })

  it('unknown commands and flags exit 1 with a hint; --help exits 0', async () => {
    const { dir, env } = await tmp()
    const unknown = await runZapcade(['frobnicate'], { cwd: dir, env })
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('unknown command: frobnicate')
    const flag = await runZapcade(['search', '--colour'], { cwd: dir, env })
    expect(flag.code).toBe(1)
    expectOneLine(flag.stderr)
    const help = await runZapcade(['release', 'publish', '--help'], { cwd: dir, env })
    expect(help.code).toBe(0)
    expect(help.stdout).toContain(
      'Usage: zapcade release publish --version <semver> --file <build.zip>',
    )
  })
})
