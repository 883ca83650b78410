/**
 * Request ids and structured access logs: every request gets an id (a sane incoming `x-request-id` is
 * kept, otherwise a fresh UUID), echoed in the response header and in every log line and problem body.
 */
import { randomUUID } from 'node:crypto'
import type { Context, MiddlewareHandler } from 'hono'
import { routePath } from 'hono/route'
import type { Logger } from 'pino'
import type { Metrics } from './metrics.ts'

const SANE_ID = /^[A-Za-z0-9._-]{8,64}$/

/** The status logged and counted for a request whose client closed the connection first (nginx's 499). */
export const CLIENT_CLOSED_REQUEST = 499

/** What @hono/node-server puts in `c.env.incoming` that tells a closed connection. */
interface IncomingState {
  complete?: boolean
  destroyed?: boolean
  errored?: unknown
}

/**
 * True when the client closed the connection before the exchange finished: the request's abort
 * signal fired (the node adapter aborts it on a premature close), or the body stream broke off
 * before its end (the 'close' event that fires the signal can come a tick after the body's error).
 */
export function clientAborted(c: Context): boolean {
  if (c.req.raw.signal.aborted) return true
  const incoming = (c.env as { incoming?: IncomingState } | undefined)?.incoming
  return (
    incoming !== undefined &&
    incoming.complete === false &&
    (incoming.destroyed === true || Boolean(incoming.errored))
  )
}

/** Mark the request as abandoned by its client: `requestLog` then logs a warning, not an error. */
export function markClientAbort(c: Context): void {
  c.set('clientAbort' as never, true as never)
}

export interface RequestLogOptions {
  log: Logger
  metrics: Metrics
  nowMs: () => number
}

/** First middleware: id, timing, one JSON log line per request, metrics by route pattern. */
export function requestLog(o: RequestLogOptions): MiddlewareHandler {
  return async (c, next) => {
    const incoming = c.req.header('x-request-id')
    const requestId = incoming && SANE_ID.test(incoming) ? incoming : randomUUID()
    c.set('requestId' as never, requestId as never)
    const started = o.nowMs()
    await next()
    c.res.headers.set('x-request-id', requestId)
    const matched = routePath(c, -1)
    const route = !matched || matched === '/*' || matched === '*' ? 'unmatched' : matched
    const ms = o.nowMs() - started
    // A failure while the client had already gone (a body read cut short) is the client's abort, not ours.
    const aborted =
      c.get('clientAbort' as never) === true || (c.res.status >= 500 && clientAborted(c))
    const status = aborted ? CLIENT_CLOSED_REQUEST : c.res.status
    o.metrics.observeRequest(c.req.method, route, status, ms)
    const line = {
      request_id: requestId,
      method: c.req.method,
      path: c.req.path,
      route,
      status,
      ms,
    }
    if (aborted) o.log.warn({ ...line, client_abort: true }, 'request aborted by the client')
    else if (status >= 500) o.log.error(line, 'request')
    else o.log.info(line, 'request')
  }
}

/** The request id set by `requestLog`. */
export function requestIdOf(c: { get(key: never): unknown }): string | undefined {
  return c.get('requestId' as never) as string | undefined
}
