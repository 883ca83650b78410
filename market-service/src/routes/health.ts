/** GET /healthz: the process answers and the database is readable. */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi'
import { AppError } from '@zapcade/shared/errors'
import { zodHook } from '../http/validate.ts'

export const HealthResponse = z.object({ ok: z.literal(true) })

const route = createRoute({
  method: 'get',
  path: '/healthz',
  summary: 'Liveness and database check',
  responses: {
    200: { description: 'healthy', content: { 'application/json': { schema: HealthResponse } } },
  },
})

export function healthRoutes(d: { ping(): void }): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: zodHook })
  app.openapi(route, (c) => {
    try {
      d.ping()
    } catch {
      throw new AppError('SERVICE_UNAVAILABLE', 'database unavailable')
    }
    return c.json({ ok: true as const }, 200)
  })
  return app
}
