/**
 * Request ids and structured access logs: every request gets an id (a sane incoming `x-request-id` is
 * kept, otherwise a fresh UUID), echoed in the response header and in every log line and problem body.
 */
import { randomUUID } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import { routePath } from 'hono/route'
import type { Logger } from 'pino'
import type { Metrics } from './metrics.ts'

const SANE_ID = /^[A-Za-z0-9._-]{8,64}$/

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
    o.metrics.observeRequest(c.req.method, route, c.res.status, ms)
    const line = { request_id: requestId, method: c.req.method, path: c.req.path, route, status: c.res.status, ms }
    if (c.res.status >= 500) o.log.error(line, 'request')
    else o.log.info(line, 'request')
  }
}

/** The request id set by `requestLog`. */
export function requestIdOf(c: { get(key: never): unknown }): string | undefined {
  return c.get('requestId' as never) as string | undefined
}
