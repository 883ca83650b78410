/**
 * Lightning addresses (LUD-16) for every named devnet wallet, on plain http at 127.0.0.1 (LNURL clients
 * allow http only for loopback hosts outside production). LUD-06 pay request, LUD-12 comments; the
 * invoice's description hash is sha256 of the exact metadata string, as LUD-06 requires. Errors are
 * `{status: "ERROR", reason}`. The same server carries the control API under /control.
 */
import { createHash } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { msat } from '@zapcade/shared/money'
import { handleControl, type DevnetControl } from './control.ts'
import { LightningError, type LightningNode } from './lightning.ts'

export const MIN_SENDABLE_MSAT = 1_000
/** 0.1 BTC: plenty for devnet payouts, and a bound to test against. */
export const MAX_SENDABLE_MSAT = 10_000_000_000
/** LUD-12: characters of comment accepted. */
export const COMMENT_ALLOWED = 255

export interface LnurlServerOptions {
  node: LightningNode
  host?: string
  /** 0 or absent = any free port. */
  port?: number
  control?: DevnetControl
}

export interface LnurlServer {
  /** `http://host:port` */
  baseUrl: string
  /** `host:port`, the domain part of every address. */
  domain: string
  port: number
  /** `name@host:port` for a named wallet. */
  lud16(name: string): string
  /** The LUD-06 metadata string of a name (what the invoice's description hash commits to). */
  metadata(name: string): string
  close(): Promise<void>
}

const NAME = /^[a-z0-9._-]{1,64}$/

export async function startLnurlServer(opts: LnurlServerOptions): Promise<LnurlServer> {
  const host = opts.host ?? '127.0.0.1'
  let domain = ''
  let baseUrl = ''
  const metadata = (name: string) =>
    JSON.stringify([
      ['text/plain', `Payment to ${name} on Zapcade devnet`],
      ['text/identifier', `${name}@${domain}`],
    ])

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', baseUrl)
    const send = (status: number, body: unknown) => {
      res.writeHead(status, {
        'content-type': 'application/json',
        'access-control-allow-origin': '*',
      })
      res.end(JSON.stringify(body))
    }
    const fail = (status: number, reason: string) => send(status, { status: 'ERROR', reason })
    void (async () => {
      if (opts.control && (await handleControl(opts.control, req, res, url.pathname))) return
      if (req.method !== 'GET') return fail(405, 'only GET')
      const first = /^\/\.well-known\/lnurlp\/([^/]+)$/.exec(url.pathname)
      const callback = /^\/lnurlp\/([^/]+)\/callback$/.exec(url.pathname)
      const name = decodeURIComponent((first ?? callback)?.[1] ?? '')
      if (!first && !callback) return fail(404, 'not found')
      const wallet = NAME.test(name) ? opts.node.findWallet(name) : undefined
      if (!wallet) return fail(404, `no Lightning address ${name}@${domain}`)
      if (first) {
        return send(200, {
          tag: 'payRequest',
          callback: `${baseUrl}/lnurlp/${name}/callback`,
          minSendable: MIN_SENDABLE_MSAT,
          maxSendable: MAX_SENDABLE_MSAT,
          metadata: metadata(name),
          commentAllowed: COMMENT_ALLOWED,
        })
      }
      const amountText = url.searchParams.get('amount') ?? ''
      if (!/^[1-9][0-9]{0,15}$/.test(amountText))
        return fail(400, 'amount must be a positive integer of msat')
      const amount = Number(amountText)
      if (amount < MIN_SENDABLE_MSAT || amount > MAX_SENDABLE_MSAT)
        return fail(
          400,
          `amount must be between ${MIN_SENDABLE_MSAT} and ${MAX_SENDABLE_MSAT} msat`,
        )
      const comment = url.searchParams.get('comment') ?? undefined
      if (comment !== undefined && comment.length > COMMENT_ALLOWED)
        return fail(400, `comment is longer than ${COMMENT_ALLOWED} characters`)
      const meta = metadata(name)
      const tx = opts.node.makeInvoice(wallet.id, {
        amountMsat: msat(amount),
        descriptionHash: createHash('sha256').update(meta, 'utf8').digest('hex'),
        description: meta,
        ...(comment ? { metadata: { comment } } : {}),
      })
      return send(200, { pr: tx.invoice, routes: [] })
    })().catch((e: unknown) => {
      if (res.headersSent) return res.end()
      fail(
        e instanceof LightningError ? 400 : 500,
        e instanceof LightningError ? e.message : 'internal error',
      )
    })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  const hostPart = host.includes(':') ? `[${host}]` : host
  domain = `${hostPart}:${port}`
  baseUrl = `http://${domain}`
  return {
    baseUrl,
    domain,
    port,
    lud16: (name) => `${name}@${domain}`,
    metadata,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
