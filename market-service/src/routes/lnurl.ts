/**
 * The market's Lightning addresses (LUD-16) for zaps: the market's own and every developer's
 * (`<npub>@host` or a claimed short name). `GET /.well-known/lnurlp/:name` answers the pay request
 * (NIP-57 `allowsNostr`, `nostrPubkey`) and `GET /lnurlp/:name/callback?amount=&nostr=` the invoice.
 * Refusals are LUD-06 style `{status: "ERROR", reason}` with HTTP 400 and our stable `code` (an unknown
 * name: 404; wallet trouble: 503). CORS is open, as web wallets call these from the browser.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { BlankEnv } from 'hono/types'
import { LnurlError, LnurlInvoice, LnurlPayRequest } from '@zapcade/shared/api/lnurl'
import { AppError } from '@zapcade/shared/errors'
import {
  lnurlCallbackPath,
  payRequest,
  resolveZapAddress,
  zapCallback,
  type ZapDeps,
} from '../domain/zap/zap-callback.ts'
import { jsonContent } from '../http/openapi.ts'

export { lnurlCallbackPath }

/** A query parameter exactly as it stands in the URL (not decoded), or undefined when absent. */
function queryValue(url: string, name: string): string | undefined {
  const q = url.indexOf('?')
  if (q < 0) return undefined
  const end = url.indexOf('#', q)
  for (const pair of url.slice(q + 1, end < 0 ? undefined : end).split('&')) {
    const eq = pair.indexOf('=')
    const key = eq < 0 ? pair : pair.slice(0, eq)
    if (key !== name) continue
    return eq < 0 ? '' : pair.slice(eq + 1)
  }
  return undefined
}

function percentDecode(name: string, value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    throw new AppError('VALIDATION_FAILED', `${name}: bad percent-encoding`)
  }
}

/**
 * A query parameter percent-decoded exactly once and otherwise untouched: the zap request bytes must
 * be hashed as sent (NIP-57), so `+` is not turned into a space as form decoding would.
 */
export function rawQueryParam(url: string, name: string): string | undefined {
  const v = queryValue(url, name)
  return v === undefined ? undefined : percentDecode(name, v)
}

/**
 * The readings of a query parameter a zap server tries, in order: percent-decoded only (a literal `+`
 * stays, as Damus sends it), then form-decoded (`+` is a space, as URLSearchParams, Amethyst and NDK
 * send it). One reading when they agree.
 */
export function queryReadings(url: string, name: string): string[] {
  const v = queryValue(url, name)
  if (v === undefined) return []
  const asSent = percentDecode(name, v)
  if (!v.includes('+')) return [asSent]
  return [asSent, percentDecode(name, v.replace(/\+/g, ' '))]
}

function lnurlError(c: Context, e: unknown): Response {
  if (e instanceof AppError) {
    // LUD-06 clients read the body whatever the status; ours: 404 unknown name, 503 wallet, else 400.
    const status = e.status >= 500 ? 503 : e.code === 'NOT_FOUND' ? 404 : 400
    return c.json({ status: 'ERROR', reason: e.message, code: e.code }, status)
  }
  throw e
}

const name = z.object({ name: z.string().max(200) })
const refusal = (description: string) => jsonContent(LnurlError, description)

/** The LNURL server's routes; mount at the app root. */
export function lnurlRoutes(d: ZapDeps): OpenAPIHono<BlankEnv> {
  const app = new OpenAPIHono<BlankEnv>()
  app.use('/.well-known/lnurlp/*', async (c, next) => {
    await next()
    c.header('access-control-allow-origin', '*')
  })
  app.use('/lnurlp/*', async (c, next) => {
    await next()
    c.header('access-control-allow-origin', '*')
  })
  const addressee = (name: string) => {
    const to = resolveZapAddress(d, name)
    if (!to) throw new AppError('NOT_FOUND', 'unknown lightning address')
    return to
  }
  app.openapi(
    createRoute({
      method: 'get',
      path: '/.well-known/lnurlp/{name}',
      tags: ['zaps'],
      summary:
        'LUD-16/LUD-06 pay request of the market or a developer (NIP-57 allowsNostr, nostrPubkey)',
      request: { params: name },
      responses: {
        200: jsonContent(LnurlPayRequest, 'the pay request'),
        404: refusal('unknown name'),
      },
    }),
    (c) => {
      try {
        return c.json(payRequest(d.config, addressee(c.req.param('name'))), 200)
      } catch (e) {
        return lnurlError(c, e) as never
      }
    },
  )
  app.openapi(
    createRoute({
      method: 'get',
      path: '/lnurlp/{name}/callback',
      tags: ['zaps'],
      summary:
        'LUD-06 callback: an invoice for `amount` msat, a zap when `nostr` is a NIP-57 zap request',
      request: {
        params: name,
        query: z.object({ amount: z.string().optional(), nostr: z.string().optional() }),
      },
      responses: {
        200: jsonContent(LnurlInvoice, 'the invoice'),
        400: refusal('a bad amount or zap request'),
        404: refusal('unknown name'),
        503: refusal('the wallet cannot make an invoice now'),
      },
    }),
    async (c) => {
      try {
        const to = addressee(c.req.param('name'))
        // The zap request is hashed as sent (NIP-57): read from the raw URL, not the parsed query.
        const url = c.req.url
        const answer = await zapCallback(d, {
          amount: rawQueryParam(url, 'amount'),
          nostr: queryReadings(url, 'nostr'),
          to,
        })
        c.header('cache-control', 'no-store')
        return c.json({ pr: answer.pr, routes: answer.routes }, 200)
      } catch (e) {
        return lnurlError(c, e) as never
      }
    },
  )
  return app
}
