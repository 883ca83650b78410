/**
 * The storefront's static build, on demand: `ensureWebBuilt()` answers client/web/dist, running
 * `vite build` first when dist is missing or older than its sources. This is how `npm start` gets a
 * storefront on a fresh clone without a postinstall script (install scripts are opt-in under npm 11's
 * allowScripts, and a build step at install would slow every `npm install` for people who only use the
 * CLI); a build takes about a second. The build goes to a temporary folder and is renamed into place so
 * a server never sees half a dist.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const webDir = dirname(fileURLToPath(import.meta.url))
export const distDir = join(webDir, 'dist')

const SOURCES = [
  join(webDir, 'index.html'),
  join(webDir, 'vite.config.ts'),
  join(webDir, 'src'),
  join(webDir, '../src/signers'),
  join(webDir, '../../shared/src'),
]

/** Newest modification time among the storefront's sources (tests and fakes do not count). */
function newestSourceMs(paths: string[] = SOURCES): number {
  let newest = 0
  for (const p of paths) {
    if (!existsSync(p)) continue
    const st = statSync(p)
    if (st.isDirectory()) {
      const children = readdirSync(p).filter(
        (n) => !n.endsWith('.test.ts') && n !== 'testing' && n !== 'node_modules',
      )
      newest = Math.max(newest, newestSourceMs(children.map((n) => join(p, n))))
    } else newest = Math.max(newest, st.mtimeMs)
  }
  return newest
}

/** True when dist/index.html exists and is not older than any source. */
export function isWebBuildFresh(): boolean {
  const index = join(distDir, 'index.html')
  return existsSync(index) && statSync(index).mtimeMs >= newestSourceMs()
}

/** Run `vite build` into dist (via a temporary folder swapped in at the end). */
export async function buildWeb(): Promise<string> {
  const { build } = await import('vite')
  const tmp = join(webDir, `.dist-tmp-${process.pid}-${Date.now()}`)
  await build({
    configFile: join(webDir, 'vite.config.ts'),
    root: webDir,
    logLevel: 'warn',
    build: { outDir: tmp, emptyOutDir: true },
  })
  const old = join(webDir, `.dist-old-${process.pid}-${Date.now()}`)
  // Another process may swap its own build in at the same time; either fresh build is fine.
  try {
    if (existsSync(distDir)) renameSync(distDir, old)
    renameSync(tmp, distDir)
  } catch {
    rmSync(tmp, { recursive: true, force: true })
  }
  rmSync(old, { recursive: true, force: true })
  return distDir
}

const LOCK = join(webDir, '.build-lock')
const STALE_LOCK_MS = 120_000

/**
 * Build under a lock directory (mkdir is atomic) so parallel test processes on a fresh clone build once:
 * the others wait until the build is fresh. A lock older than two minutes is a crashed builder's.
 */
async function buildOnce(): Promise<string> {
  for (;;) {
    try {
      mkdirSync(LOCK)
      break
    } catch (e) {
      if ((e as { code?: string }).code !== 'EEXIST') throw e
    }
    try {
      if (Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS)
        rmSync(LOCK, { recursive: true, force: true })
    } catch {
      // The lock went away between the two calls: try again.
    }
    await new Promise((r) => setTimeout(r, 200))
    if (isWebBuildFresh()) return distDir
  }
  try {
    return isWebBuildFresh() ? distDir : await buildWeb()
  } finally {
    rmSync(LOCK, { recursive: true, force: true })
  }
}

let pending: Promise<string> | undefined

/** The storefront's dist folder, built first when missing or stale (once per process, once across processes). */
export function ensureWebBuilt(): Promise<string> {
  if (isWebBuildFresh()) return Promise.resolve(distDir)
  pending ??= buildOnce().finally(() => {
    pending = undefined
  })
  return pending
}
