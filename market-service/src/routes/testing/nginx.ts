/**
 * Start Debian's nginx (`/usr/sbin/nginx`) as a non-daemon child process with the server block of
 * docs/deploy-nginx.md, so the test and the bench run the documented configuration itself: only its
 * listen address, upstream and blob directory are replaced. Everything nginx writes (pid, temp files,
 * logs) stays in a temp dir. `.ci/run` installs the package.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const NGINX_BIN = '/usr/sbin/nginx'

export function nginxInstalled(): boolean {
  return existsSync(NGINX_BIN)
}

const DOC = fileURLToPath(new URL('../../../../docs/deploy-nginx.md', import.meta.url))

/** The ```nginx block of docs/deploy-nginx.md, as written there. */
export function documentedServerBlock(): string {
  const m = /```nginx\n([\s\S]*?)```/.exec(readFileSync(DOC, 'utf8'))
  if (!m) throw new Error('docs/deploy-nginx.md has no nginx block')
  return m[1]!
}

function replaceOnce(text: string, from: string, to: string): string {
  if (text.split(from).length !== 2)
    throw new Error(`docs/deploy-nginx.md: expected ${JSON.stringify(from)} exactly once`)
  return text.replace(from, to)
}

export interface NginxOptions {
  /** Port nginx listens on, on 127.0.0.1 (pick one with `freePort`). */
  port: number
  /** The service, `host:port`. */
  upstream: string
  /** `<data dir>/blobs` (no trailing slash needed). */
  blobDir: string
  /** Extra `location` blocks added inside the server block (the bench's nginx-alone baseline). */
  extraLocations?: string
}

export interface RunningNginx {
  url: string
  stop(): Promise<void>
}

/**
 * A port that is free on 127.0.0.1, for nginx (which cannot listen on port 0 and report it). Taken below
 * the kernel's ephemeral range (32768 and up on Linux), so the port-0 listeners and outgoing connections
 * of other tests cannot be handed it between this check and nginx's bind.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000)
    const s = createServer()
    const ok = await new Promise<boolean>((resolve) => {
      s.once('error', () => resolve(false))
      s.listen(port, '127.0.0.1', () => resolve(true))
    })
    if (ok) {
      await new Promise((r) => s.close(r))
      return port
    }
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1')
    sock.once('connect', () => {
      sock.destroy()
      resolve(true)
    })
    sock.once('error', () => resolve(false))
  })
}

/** Write the config, start nginx in the foreground, resolve once it accepts connections. */
export async function startNginx(o: NginxOptions): Promise<RunningNginx> {
  const dir = await mkdtemp(join(tmpdir(), 'zapcade-nginx-'))
  let block = documentedServerBlock()
  block = replaceOnce(block, 'listen 127.0.0.1:8080;', `listen 127.0.0.1:${o.port};`)
  block = replaceOnce(block, 'server 127.0.0.1:8787;', `server ${o.upstream};`)
  block = replaceOnce(
    block,
    'alias /var/lib/zapcade/blobs/;',
    `alias ${o.blobDir.replace(/\/+$/, '')}/;`,
  )
  if (o.extraLocations) block = block.replace(/}\s*$/, `${o.extraLocations}\n}\n`)
  // Debian's nginx.conf around the block, reduced to what the block relies on (sendfile on at http level).
  const conf = `${process.getuid?.() === 0 ? 'user root;' : ''}
worker_processes auto;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  sendfile on;
  tcp_nopush on;
  types { application/zip zip; }
  default_type application/octet-stream;
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
${block}
}
`
  await writeFile(join(dir, 'nginx.conf'), conf)
  const child: ChildProcess = spawn(
    NGINX_BIN,
    ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')],
    { stdio: 'ignore' },
  )
  let exited: number | null | undefined
  const exit = new Promise<void>((r) =>
    child.once('exit', (code) => {
      exited = code
      r()
    }),
  )
  for (let i = 0; ; i++) {
    if (exited !== undefined) {
      const log = existsSync(join(dir, 'error.log'))
        ? readFileSync(join(dir, 'error.log'), 'utf8')
        : ''
      await rm(dir, { recursive: true, force: true })
      throw new Error(`nginx exited with ${exited}: ${log.slice(-2000)}`)
    }
    if (await canConnect(o.port)) break
    if (i > 200) throw new Error('nginx did not start listening within 10 s')
    await new Promise((r) => setTimeout(r, 50))
  }
  return {
    url: `http://127.0.0.1:${o.port}`,
    async stop() {
      if (exited === undefined) {
        child.kill('SIGQUIT') // graceful: workers finish, master exits
        await exit
      }
      await rm(dir, { recursive: true, force: true })
    },
  }
}
