/**
 * `GET /.well-known/nostr.json` (NIP-05): the market's name → its pubkey, with its relays; and each
 * developer's claimed Lightning-address name → their pubkey (so `name@host` verifies as their NIP-05).
 */
import { OpenAPIHono, createRoute } from '@hono/zod-openapi'
import { NostrJsonQuery, NostrJsonResponse } from '@zapcade/shared/api/info'
import type { RouteContext } from './context.ts'
import { zodHook } from '../http/validate.ts'

export function wellKnownRoutes(ctx: RouteContext): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: zodHook })
  const names = ctx.ports.lnNames
  app.openapi(
    createRoute({
      method: 'get',
      path: '/.well-known/nostr.json',
      tags: ['identity'],
      summary: "NIP-05: the market's name and pubkey",
      request: { query: NostrJsonQuery },
      responses: {
        200: {
          description: 'names',
          content: { 'application/json': { schema: NostrJsonResponse } },
        },
      },
    }),
    (c) => {
      const { name } = c.req.valid('query')
      const ours = ctx.config.lud16Name
      c.header('access-control-allow-origin', '*')
      if (name !== undefined && name.toLowerCase() !== ours) {
        const dev = names.ownerOf(name.toLowerCase())
        return c.json({ names: dev === undefined ? {} : { [name.toLowerCase()]: dev } }, 200)
      }
      return c.json(
        {
          names: { [ours]: ctx.signer.pubkey },
          relays: { [ctx.signer.pubkey]: ctx.config.relays },
        },
        200,
      )
    },
  )
  return app
}
