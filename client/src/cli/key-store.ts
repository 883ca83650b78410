/**
 * The user's key on disk: NIP-49 encrypted (`key.ncryptsec`) in the config directory, with the public
 * key beside it (`key.pub`) so `key show` needs no password. Files are 0600, the directory 0700.
 * Directory: ZAPCADE_CONFIG_DIR, else $XDG_CONFIG_HOME/zapcade, else ~/.config/zapcade.
 */
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'

export function configDir(env: NodeJS.ProcessEnv): string {
  if (env.ZAPCADE_CONFIG_DIR) return env.ZAPCADE_CONFIG_DIR
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config')
  return join(base, 'zapcade')
}

export interface KeyFiles {
  dir: string
  ncryptsec: string
  pub: string
}

export function keyFiles(dir: string): KeyFiles {
  return { dir, ncryptsec: join(dir, 'key.ncryptsec'), pub: join(dir, 'key.pub') }
}

/** Write a file atomically with mode 0600 (temp file + rename; chmod again in case umask widened it). */
async function writePrivate(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`
  await writeFile(tmp, text, { mode: 0o600 })
  await chmod(tmp, 0o600)
  await rename(tmp, path)
}

/** Store an encrypted key and its pubkey. */
export async function saveKey(files: KeyFiles, ncryptsec: string, pubkey: string): Promise<void> {
  await mkdir(files.dir, { recursive: true, mode: 0o700 })
  await writePrivate(files.ncryptsec, ncryptsec + '\n')
  await writePrivate(files.pub, pubkey + '\n')
}

/** The stored encrypted key, or undefined when there is none. */
export async function readStoredKey(
  files: KeyFiles,
): Promise<{ ncryptsec: string; pubkey: string | undefined } | undefined> {
  let ncryptsec: string
  try {
    ncryptsec = (await readFile(files.ncryptsec, 'utf8')).trim()
  } catch {
    return undefined
  }
  const pubkey = await readFile(files.pub, 'utf8').then(
    (s) => s.trim(),
    () => undefined,
  )
  return { ncryptsec, pubkey }
}
