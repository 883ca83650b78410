/**
 * The market's Lightning address (LUD-16) for zaps: `GET /.well-known/lnurlp/:name` answers the pay
 * request (NIP-57 `allowsNostr`, `nostrPubkey`) and `GET /lnurlp/:name/callback?amount=&nostr=` the
 * invoice. Refusals are LUD-06 style `{status: "ERROR", reason}` with HTTP 400 and our stable `code`
 * (wallet trouble: 503). CORS is open, as web wallets call these from the browser.
 */
import { Hono } from 'hono'
import type { Context } from 'hono'
import { AppError } from '@zapcade/shared/errors'
import { payRequest, zapCallback, type ZapDeps } from '../domain/zap/zap-callback.ts'

/** Where the callback lives for a name (the config's callbackUrl points here). */
export const lnurlCallbackPath = (name: string): string => `/lnurlp/${name}/callback`

/**
 * A query parameter percent-decoded exactly once and otherwise untouched: the zap request bytes must
 * be hashed as sent (NIP-57), so `+` is not turned into a space as form decoding would.
 */
export function rawQueryParam(url: string, name: string): string | undefined {
  const q = url.indexOf('?')
  if (q < 0) return undefined
  const end = url.indexOf('#', q)
  for (const pair of url.slice(q + 1, end < 0 ? undefined : end).split('&')) {
    const eq = pair.indexOf('=')
    const key = eq < 0 ? pair : pair.slice(0, eq)
    if (key !== name) continue
    const value = eq < 0 ? '' : pair.slice(eq + 1)
    try {
      return decodeURIComponent(value)
    } catch {
      throw new AppError('VALIDATION_FAILED', `${name}: bad percent-encoding`)
    }
  }
  return undefined
}

function lnurlError(c: Context, e: unknown): Response {
  if (e instanceof AppError) {
    const status = e.status >= 500 ? 503 : 400
    return c.json({ status: 'ERROR', reason: e.message, code: e.code }, status)
  }
  throw e
}

/** Hono routes of the LNURL server; mount at the app root. */
export function lnurlRoutes(d: ZapDeps): Hono {
  const app = new Hono()
  app.use('/.well-known/lnurlp/*', async (c, next) => { await next(); c.header('access-control-allow-origin', '*') })
  app.use('/lnurlp/*', async (c, next) => { await next(); c.header('access-control-allow-origin', '*') })
  app.get('/.well-known/lnurlp/:name', (c) => {
    if (c.req.param('name') !== d.config.name) return lnurlError(c, new AppError('NOT_FOUND', 'unknown lightning address'))
    return c.json(payRequest(d.config))
  })
  app.get('/lnurlp/:name/callback', async (c) => {
    try {
      if (c.req.param('name') !== d.config.name) throw new AppError('NOT_FOUND', 'unknown lightning address')
      const url = c.req.url
      const answer = await zapCallback(d, { amount: rawQueryParam(url, 'amount'), nostr: rawQueryParam(url, 'nostr') })
      c.header('cache-control', 'no-store')
      return c.json({ pr: answer.pr, routes: answer.routes })
    } catch (e) {
      return lnurlError(c, e)
    }
  })
  return app
}
