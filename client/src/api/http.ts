/**
 * The one request path of the SDK: build the URL, serialise the JSON body once, sign NIP-98 over those
 * exact bytes, map failures to the three error classes, and parse the answer with the shared zod schema.
 * Browser-safe (fetch, WebCrypto).
 */
import type { z } from 'zod'
import type { Signer } from '../signers/signer.ts'
import { problemFrom, ZapcadeNetworkError, ZapcadeResponseError } from './errors.ts'
import { nip98Header } from './nip98.ts'

export type Auth = 'none' | 'optional' | 'required'
type QueryValue = string | number | boolean | undefined

export interface RequestSpec<S extends z.ZodType> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  path: string
  query?: Record<string, QueryValue>
  body?: unknown
  /** none: never sign; optional: sign when a signer is present; required: fail without a signer. */
  auth: Auth
  headers?: Record<string, string>
  schema: S
}

export interface HttpContext {
  baseUrl: string
  signer: Signer | undefined
  fetch: typeof fetch
  now: () => number
}

/** Absolute URL for a path and query; undefined values are left out. This exact string is NIP-98's `u`. */
export function urlFor(
  baseUrl: string,
  path: string,
  query: Record<string, QueryValue> = {},
): string {
  const u = new URL(path, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`)
  for (const [k, v] of Object.entries(query)) if (v !== undefined) u.searchParams.set(k, String(v))
  return u.toString()
}

/** Run `fetch`, turning a transport failure into ZapcadeNetworkError. */
export async function send(ctx: HttpContext, url: string, init: RequestInit): Promise<Response> {
  try {
    return await ctx.fetch(url, init)
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e
    throw new ZapcadeNetworkError(url, e)
  }
}

/** Authorization header for a request, per the spec's auth mode. */
export async function authHeaders(
  ctx: HttpContext,
  auth: Auth,
  url: string,
  method: string,
  body?: Uint8Array,
): Promise<Record<string, string>> {
  if (auth === 'none' || (auth === 'optional' && !ctx.signer)) return {}
  if (!ctx.signer)
    throw new Error(
      'this request needs a key: sign in (or set ZAPCADE_NSEC / run `zapcade key new`)',
    )
  return { authorization: await nip98Header(ctx.signer, url, method, body, ctx.now()) }
}

/** One JSON request; resolves to the parsed response or throws ZapcadeApiError / NetworkError / ResponseError. */
export async function request<S extends z.ZodType>(
  ctx: HttpContext,
  spec: RequestSpec<S>,
): Promise<z.infer<S>> {
  const url = urlFor(ctx.baseUrl, spec.path, spec.query)
  const body =
    spec.body === undefined ? undefined : new TextEncoder().encode(JSON.stringify(spec.body))
  const headers: Record<string, string> = { accept: 'application/json', ...spec.headers }
  if (body) headers['content-type'] = 'application/json'
  Object.assign(headers, await authHeaders(ctx, spec.auth, url, spec.method, body))
  const init: RequestInit = { method: spec.method, headers, redirect: 'manual' }
  if (body) init.body = body as Uint8Array<ArrayBuffer>
  const res = await send(ctx, url, init)
  if (!res.ok) throw await problemFrom(res)
  let json: unknown
  try {
    json = res.status === 204 ? {} : await res.json()
  } catch {
    throw new ZapcadeResponseError(`${spec.method} ${spec.path}`, 'body is not JSON')
  }
  const parsed = spec.schema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new ZapcadeResponseError(
      `${spec.method} ${spec.path}`,
      issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'schema mismatch',
    )
  }
  return parsed.data
}
