/**
 * What can go wrong talking to the market, as three classes a caller can tell apart:
 * the service said no (problem+json, docs/architecture.md "HTTP API rules"), the service could not be reached, or it
 * answered something that does not match the shared schema.
 */

/** The service answered with an error (`application/problem+json`: status, stable code, human detail). */
export class ZapcadeApiError extends Error {
  readonly status: number
  readonly code: string
  readonly detail: string
  /** Extra fields of the problem document (e.g. `retry_after_sec`, `upload_id`). */
  readonly problem: Record<string, unknown>

  constructor(status: number, code: string, detail: string, problem: Record<string, unknown> = {}) {
    super(detail)
    this.name = 'ZapcadeApiError'
    this.status = status
    this.code = code
    this.detail = detail
    this.problem = problem
  }
}

/** The request never got an HTTP answer (connection refused, DNS, reset, timeout). */
export class ZapcadeNetworkError extends Error {
  readonly url: string
  constructor(url: string, cause: unknown) {
    super(`cannot reach ${new URL(url).origin} (${reasonOf(cause)})`)
    this.name = 'ZapcadeNetworkError'
    this.url = url
  }
}

/** The most specific errno in an error chain (undici wraps it as `fetch failed` → cause → AggregateError). */
function reasonOf(e: unknown, depth = 0): string {
  if (depth > 4 || !(e instanceof Error)) return String(e)
  const x = e as Error & { code?: unknown; errors?: unknown[] }
  if (typeof x.code === 'string' && /^E[A-Z]+$/.test(x.code)) return x.code
  const inner = x.errors?.[0] ?? x.cause
  return inner !== undefined ? reasonOf(inner, depth + 1) : e.message
}

/** The service answered 2xx with a body that does not match the shared schema (a version mismatch). */
export class ZapcadeResponseError extends Error {
  constructor(what: string, reason: string) {
    super(`unexpected answer from ${what}: ${reason}`)
    this.name = 'ZapcadeResponseError'
  }
}

/** Turn a non-2xx response into a ZapcadeApiError, whether or not it carries problem+json. */
export async function problemFrom(res: Response): Promise<ZapcadeApiError> {
  let body: unknown
  const text = await res.text().catch(() => '')
  try {
    body = JSON.parse(text)
  } catch {
    body = undefined
  }
  if (body && typeof body === 'object') {
    const p = body as Record<string, unknown>
    const code = typeof p.code === 'string' ? p.code : `HTTP_${res.status}`
    const detail =
      typeof p.detail === 'string'
        ? p.detail
        : typeof p.title === 'string'
          ? p.title
          : `${res.status} ${res.statusText}`
    const { type: _t, title: _ti, status: _s, detail: _d, code: _c, ...extra } = p
    return new ZapcadeApiError(res.status, code, detail, extra)
  }
  const short = text.trim().split('\n')[0]?.slice(0, 200)
  return new ZapcadeApiError(
    res.status,
    `HTTP_${res.status}`,
    short ? `${res.status} ${res.statusText}: ${short}` : `${res.status} ${res.statusText}`,
  )
}
