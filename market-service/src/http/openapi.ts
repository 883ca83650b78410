/**
 * Small helpers for `createRoute` declarations (docs/architecture.md "HTTP API rules"): a JSON answer
 * and a required JSON body. Every JSON route is declared once with createRoute, and `/openapi.json` is
 * generated from those declarations; routes that answer bytes, text or redirects register their path
 * with `documentPath` next to their handler.
 */
import type { OpenAPIHono, RouteConfig } from '@hono/zod-openapi'
import type { z } from 'zod'

/** A `responses` entry answering `schema` as JSON. */
export const jsonContent = <S extends z.ZodType>(schema: S, description: string) => ({
  description,
  content: { 'application/json': { schema } },
})

/** A required JSON request body checked by `schema`. */
export const jsonBody = <S extends z.ZodType>(schema: S) => ({
  required: true as const,
  content: { 'application/json': { schema } },
})

/** Document a route whose handler is not an OpenAPI handler (bytes, text, redirects, LNURL). */
export function documentPath(app: OpenAPIHono, route: RouteConfig): void {
  const { middleware: _m, ...doc } = route
  app.openAPIRegistry.registerPath(doc)
}
