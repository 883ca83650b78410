/** `GET /.well-known/nostr.json` (NIP-05): the market's name → its pubkey, with its relays. */
import { OpenAPIHono, createRoute } from '@hono/zod-openapi'
import { NostrJsonQuery, NostrJsonResponse } from '@zapcade/shared/api/info'
import type { MountContext } from '../app.ts'
import { zodHook } from '../http/validate.ts'

export function wellKnownRoutes(ctx: MountContext): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: zodHook })
  app.openapi(createRoute({
    method: 'get', path: '/.well-known/nostr.json', tags: ['identity'],
    summary: "NIP-05: the market's name and pubkey",
    request: { query: NostrJsonQuery },
    responses: { 200: { description: 'names', content: { 'application/json': { schema: NostrJsonResponse } } } },
  }), (c) => {
    const { name } = c.req.valid('query')
    const ours = ctx.config.lud16Name
    c.header('access-control-allow-origin', '*')
    if (name !== undefined && name.toLowerCase() !== ours) return c.json({ names: {} }, 200)
    return c.json({ names: { [ours]: ctx.signer.pubkey }, relays: { [ctx.signer.pubkey]: ctx.config.relays } }, 200)
  })
  return app
}
