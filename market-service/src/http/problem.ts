/**
 * Every failure is `application/problem+json` (RFC 9457) with `type`, `title`, `status`, `detail` and a
 * stable `code` (docs/architecture.md "HTTP API rules"). AppError carries the code; anything else is a 500 INTERNAL whose
 * detail names only the request id (the error itself goes to the log, never to the client).
 */
import type { Context, ErrorHandler, NotFoundHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { Logger } from 'pino'
import { ProblemResponse } from '@zapcade/shared/api/problem'
import { AppError, statusOf, titleOf, type ErrorCode } from '@zapcade/shared/errors'
import { requestIdOf } from './request-log.ts'

export const PROBLEM_TYPE_BASE = 'https://zapcade.dev/problems/'

export interface Problem {
  type: string
  title: string
  status: number
  detail: string
  code: ErrorCode
  request_id?: string
  [extra: string]: unknown
}

/** The problem document for a code. */
export function problemOf(
  code: ErrorCode,
  detail: string,
  extra: Record<string, unknown> = {},
  requestId?: string,
): Problem {
  const p: Problem = {
    ...extra,
    type: `${PROBLEM_TYPE_BASE}${code.toLowerCase().replace(/_/g, '-')}`,
    title: titleOf(code),
    status: statusOf(code),
    detail,
    code,
  }
  if (requestId !== undefined) p.request_id = requestId
  return p
}

/** OpenAPI `responses` entries: a problem+json body for each status code. */
export const problems = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((s) => [
      s,
      {
        description: 'problem',
        content: { 'application/problem+json': { schema: ProblemResponse } },
      },
    ]),
  )

/** Respond with a problem document. */
export function problemResponse(c: Context, p: Problem): Response {
  // c.body keeps headers a handler set before throwing (e.g. Retry-After).
  return c.body(JSON.stringify(p), p.status as ContentfulStatusCode, {
    'content-type': 'application/problem+json',
  })
}

const httpCode = (status: number): ErrorCode => {
  if (status === 413) return 'BODY_TOO_LARGE'
  if (status === 401) return 'AUTH_REQUIRED'
  if (status === 403) return 'FORBIDDEN'
  if (status === 404) return 'NOT_FOUND'
  if (status === 405) return 'METHOD_NOT_ALLOWED'
  if (status === 415) return 'UNSUPPORTED_MEDIA_TYPE'
  if (status >= 400 && status < 500) return 'VALIDATION_FAILED'
  return 'INTERNAL'
}

/** `app.onError`: AppError → its problem; HTTPException → its status's code; anything else → INTERNAL. */
export function problemErrorHandler(log: Logger): ErrorHandler {
  return (err, c) => {
    const requestId = requestIdOf(c)
    if (err instanceof AppError) {
      if (err.status >= 500)
        log.error({ err, request_id: requestId, code: err.code }, 'request failed')
      if (err.code === 'RATE_LIMITED' && typeof err.extra?.retry_after_sec === 'number')
        c.header('retry-after', String(err.extra.retry_after_sec))
      return problemResponse(c, problemOf(err.code, err.message, err.extra, requestId))
    }
    if (err instanceof HTTPException) {
      const code = httpCode(err.status)
      if (code === 'INTERNAL') log.error({ err, request_id: requestId }, 'request failed')
      return problemResponse(
        c,
        problemOf(
          code,
          code === 'INTERNAL'
            ? `internal error (request ${requestId ?? '?'})`
            : err.message || titleOf(code),
          {},
          requestId,
        ),
      )
    }
    log.error({ err, request_id: requestId }, 'unhandled error')
    return problemResponse(
      c,
      problemOf('INTERNAL', `internal error; quote request id ${requestId ?? '?'}`, {}, requestId),
    )
  }
}

/** `app.notFound`: unknown routes are a NOT_FOUND problem too. */
export const problemNotFound: NotFoundHandler = (c) =>
  problemResponse(
    c,
    problemOf(
      'NOT_FOUND',
      `no route for ${c.req.method} ${new URL(c.req.url).pathname}`,
      {},
      requestIdOf(c),
    ),
  )
