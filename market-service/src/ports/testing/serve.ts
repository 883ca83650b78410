/**
 * Test harness: serve a Hono app on 127.0.0.1 port 0 with AppError rendered as problem+json, until
 * the service's createApp carries these routes itself.
 */
import { serve } from '@hono/node-server'
import type { Server } from 'node:http'
import type { Hono } from 'hono'
import { AppError } from '@zapcade/shared/errors'

export interface Served {
  url: string
  close(): Promise<void>
}

/** Install a problem+json onError on `app` (for harness use only). */
export function withProblems(app: Hono): Hono {
  app.onError((err, c) => {
    if (err instanceof AppError) {
      return c.json(
        {
          type: 'about:blank',
          title: err.code,
          status: err.status,
          detail: err.message,
          code: err.code,
        },
        err.status as 400,
        { 'content-type': 'application/problem+json' },
      )
    }
    return c.json(
      {
        type: 'about:blank',
        title: 'Internal',
        status: 500,
        code: 'INTERNAL',
        detail: String(err),
      },
      500,
    )
  })
  return app
}

/** Listen on an ephemeral loopback port; the app is built once its base URL is known. */
export async function serveApp(build: (baseUrl: string) => Hono): Promise<Served> {
  const holder: { app?: Hono } = {}
  const server = await new Promise<Server>((resolve) => {
    const s = serve(
      { fetch: (req) => holder.app!.fetch(req), hostname: '127.0.0.1', port: 0 },
      () => resolve(s as Server),
    )
  })
  const addr = server.address()
  const port = typeof addr === 'object' && addr ? addr.port : 0
  holder.app = build(`http://127.0.0.1:${port}`)
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
