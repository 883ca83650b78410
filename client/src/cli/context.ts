/**
 * What every command gets: where the market is, how to print (people or `--json`), and how to find the
 * user's key. Signer resolution order: ZAPCADE_NSEC → ZAPCADE_KEY_FILE (nsec, hex or ncryptsec) →
 * ZAPCADE_BUNKER (NIP-46 URI) → the NIP-49 key in the config directory (password from ZAPCADE_PASSWORD
 * or a hidden prompt).
 */
import { installNodeWebSocket } from '../api/node-websocket.ts'
import { createZapcadeClient, type ZapcadeClient } from '../api/client.ts'
import { decryptSecretKey } from '../signers/ncryptsec.ts'
import { bunkerSigner } from '../signers/nip46.ts'
import { signerFromEnv, signerFromFile } from '../signers/nsec-file.ts'
import { secretKeySigner } from '../signers/secret-key.ts'
import type { Signer } from '../signers/signer.ts'
import { UsageError } from './exit.ts'
import { configDir, keyFiles, readStoredKey } from './key-store.ts'
import { askPassword, type PromptIo } from './prompt.ts'

export const DEFAULT_API = 'http://127.0.0.1:8787'

export interface Io extends PromptIo {
  stdout: NodeJS.WriteStream
  cwd: string
}

export interface CliContext {
  io: Io
  env: NodeJS.ProcessEnv
  apiUrl: string
  json: boolean
  configDir: string
  /** Human output to stdout (suppressed with --json). */
  say(line?: string): void
  /** Status and warnings to stderr (kept with --json so scripts still see them). */
  note(line: string): void
  /** The one JSON document of a command with --json. */
  emit(value: unknown): void
  /** Progress bars and spinners only for a person at a terminal. */
  interactive: boolean
  /** The user's signer; throws a UsageError saying how to get one when there is none. */
  signer(): Promise<Signer>
  /** The signer when the user has one configured, else undefined (guest). */
  optionalSigner(): Promise<Signer | undefined>
  /** Where the signer came from, once resolved (for `whoami`). */
  signerSource(): string | undefined
  client(signer?: Signer): ZapcadeClient
  /** Close connections opened for the command (bunker). */
  close(): Promise<void>
}

/** Node 20 has no global WebSocket: hand nostr-tools the `ws` implementation (README "Libraries, and why"). */
export const installWebSocket = installNodeWebSocket

export function createContext(
  io: Io,
  env: NodeJS.ProcessEnv,
  flags: { api: string | undefined; json: boolean },
): CliContext {
  const apiUrl = (flags.api ?? env.ZAPCADE_API ?? DEFAULT_API).replace(/\/+$/, '')
  try {
    const u = new URL(apiUrl)
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error()
  } catch {
    throw new UsageError(`--api must be an http(s) URL, got ${apiUrl}`)
  }
  const dir = configDir(env)
  let cached: Promise<Signer | undefined> | undefined
  let source: string | undefined
  const opened: Signer[] = []

  async function resolveSigner(): Promise<Signer | undefined> {
    const fromEnv = signerFromEnv(env)
    if (fromEnv) {
      source = 'ZAPCADE_NSEC'
      return fromEnv
    }
    if (env.ZAPCADE_KEY_FILE) {
      source = `ZAPCADE_KEY_FILE (${env.ZAPCADE_KEY_FILE})`
      return signerFromFile(env.ZAPCADE_KEY_FILE, () =>
        askPassword(io, `Password for ${env.ZAPCADE_KEY_FILE}: `),
      ).catch((e: unknown) => {
        if ((e as { code?: string }).code === 'ENOENT')
          throw new UsageError(`ZAPCADE_KEY_FILE: no file at ${env.ZAPCADE_KEY_FILE}`)
        throw e
      })
    }
    if (env.ZAPCADE_BUNKER) {
      source = 'ZAPCADE_BUNKER (NIP-46)'
      installWebSocket()
      const s = await bunkerSigner(env.ZAPCADE_BUNKER, {
        onAuthUrl: (url) => io.stderr.write(`Approve this request in your signer: ${url}\n`),
      })
      opened.push(s)
      return s
    }
    const stored = await readStoredKey(keyFiles(dir))
    if (!stored) return undefined
    source = keyFiles(dir).ncryptsec
    const password = await askPassword(io, `Password for ${keyFiles(dir).ncryptsec}: `)
    return secretKeySigner(decryptSecretKey(stored.ncryptsec, password))
  }

  const ctx: CliContext = {
    io,
    env,
    apiUrl,
    json: flags.json,
    configDir: dir,
    interactive: !flags.json && io.stderr.isTTY === true,
    say: (line = '') => {
      if (!flags.json) io.stdout.write(line + '\n')
    },
    note: (line) => void io.stderr.write(line + '\n'),
    emit: (value) => {
      if (flags.json) io.stdout.write(JSON.stringify(value, null, 2) + '\n')
    },
    optionalSigner: () => (cached ??= resolveSigner()),
    signerSource: () => source,
    signer: async () => {
      const s = await ctx.optionalSigner()
      if (!s)
        throw new UsageError(
          'no key: run `zapcade key new` (or `key import`), or set ZAPCADE_NSEC, ZAPCADE_KEY_FILE or ZAPCADE_BUNKER',
        )
      return s
    },
    client: (signer) => createZapcadeClient({ baseUrl: apiUrl, signer }),
    close: async () => {
      for (const s of opened) await s.close?.()
    },
  }
  return ctx
}
