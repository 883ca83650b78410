/** Start routes/testing/blob-service.ts as a child process on a migrated SQLite file in a temp dir. */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type Database from 'better-sqlite3'
import { freshDb } from '../../adapters/sqlite/testing/blob-seed.ts'

export interface ChildService {
  url: string
  db: Database.Database
  dir: string
  stop(): Promise<void>
}

/** Migrate a database file, let `seed` fill it, then start the service process on it. */
export async function spawnService(seed: (db: Database.Database) => void): Promise<ChildService> {
  const dir = await mkdtemp(join(tmpdir(), 'zapcade-svc-'))
  const dbFile = join(dir, 'market.db')
  const db = freshDb(dbFile)
  seed(db)
  const script = fileURLToPath(new URL('./blob-service.ts', import.meta.url))
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', script, dbFile, join(dir, 'blobs')],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    },
  )
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! })
    rl.once('line', (l) => {
      rl.close()
      resolve(l)
    })
    child.once('exit', (code) => reject(new Error(`service exited with ${code}`)))
  })
  const { url } = JSON.parse(line) as { url: string }
  return {
    url,
    db,
    dir,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await exited
      db.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
