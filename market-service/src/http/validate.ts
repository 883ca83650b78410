/**
 * zod at the edge, failures as VALIDATION_FAILED problems listing every issue (docs/architecture.md "HTTP API rules").
 * `zodHook` is the defaultHook for OpenAPIHono routes; `parseBody`/`parseWith` serve plain handlers.
 */
import type { Context } from 'hono'
import type { z } from 'zod'
import { AppError } from '@zapcade/shared/errors'

export interface Issue {
  path: string
  message: string
}

/** zod issues as `{path, message}` pairs (path dotted, `(root)` for the whole value). */
export function issuesOf(error: z.ZodError): Issue[] {
  return error.issues.map((i) => ({
    path: i.path.length > 0 ? i.path.map(String).join('.') : '(root)',
    message: i.code === 'unrecognized_keys' ? `unknown field(s): ${i.keys.join(', ')}` : i.message,
  }))
}

/** The VALIDATION_FAILED error for a zod failure, with `issues` in the problem body. */
export function validationError(error: z.ZodError, where = 'request'): AppError {
  const issues = issuesOf(error)
  return new AppError(
    'VALIDATION_FAILED',
    `${where}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    { issues },
  )
}

/** Parse `value` or throw VALIDATION_FAILED. */
export function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where = 'request',
): z.infer<S> {
  const r = schema.safeParse(value)
  if (!r.success) throw validationError(r.error, where)
  return r.data
}

/** Read the JSON body (invalid JSON → VALIDATION_FAILED) and parse it with `schema`. */
export async function parseBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  let json: unknown
  try {
    json = await c.req.json()
  } catch {
    throw new AppError('VALIDATION_FAILED', 'body: must be JSON', {
      issues: [{ path: '(root)', message: 'must be JSON' }],
    })
  }
  return parseWith(schema, json, 'body')
}

/** defaultHook for @hono/zod-openapi: a failed target becomes VALIDATION_FAILED. */
export function zodHook(result: { success: boolean; error?: unknown; target?: string }): void {
  if (!result.success) throw validationError(result.error as z.ZodError, result.target ?? 'request')
}
