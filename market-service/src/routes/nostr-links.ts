/**
 * Links from any Nostr client to the storefront (NIP-89 handler templates): `/a/<naddr>` and
 * `/e/<nevent|note>` redirect (302) to the game's page `/game/<pubkey>/<slug>`. A listing's naddr names it
 * directly; a release's naddr (`d` = `<slug>@<version>`) its game; an event id any version of a listing,
 * a release or a build asset the indexer saw. What names no game answers 404 problem+json.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi'
import { nip19 } from 'nostr-tools'
import { ProblemResponse } from '@zapcade/shared/api/problem'
import { AppError } from '@zapcade/shared/errors'
import { Kind } from '@zapcade/shared/kinds'
import type { ZapTargetRef } from '../domain/zap/zap-callback.ts'

const gamePage = (pubkey: string, slug: string): string =>
  `/game/${pubkey}/${encodeURIComponent(slug)}`

function decode(code: string): ReturnType<typeof nip19.decode> {
  try {
    return nip19.decode(code.replace(/^nostr:/, '') as never)
  } catch {
    throw new AppError('NOT_FOUND', 'not a NIP-19 naddr, nevent or note')
  }
}

const problem = {
  description: 'names no game',
  content: { 'application/problem+json': { schema: ProblemResponse } },
}
const link = (path: '/a/{code}' | '/e/{code}', summary: string) =>
  createRoute({
    method: 'get',
    path,
    tags: ['identity'],
    summary,
    request: { params: z.object({ code: z.string().max(2000) }) },
    responses: { 302: { description: 'to the game page /game/<pubkey>/<slug>' }, 404: problem },
  })

export function nostrLinkRoutes(
  listingOf: (eventId: string) => ZapTargetRef | undefined,
): OpenAPIHono {
  const app = new OpenAPIHono()
  const byEvent = (id: string): string => {
    const ref = listingOf(id)
    if (!ref) throw new AppError('NOT_FOUND', 'this market has seen no game for that event')
    return gamePage(ref.pubkey, ref.slug)
  }
  app.openapi(
    link('/a/{code}', 'NIP-89 link: an naddr of a game listing or release → its game page'),
    (c) => {
      const d = decode(c.req.param('code'))
      if (d.type !== 'naddr') throw new AppError('NOT_FOUND', 'expected an naddr')
      if (d.data.kind === Kind.Game)
        return c.redirect(gamePage(d.data.pubkey, d.data.identifier), 302)
      if (d.data.kind === Kind.Release)
        return c.redirect(gamePage(d.data.pubkey, d.data.identifier.split('@')[0]!), 302)
      throw new AppError('NOT_FOUND', `kind ${d.data.kind} is not a game or a release`)
    },
  )
  app.openapi(
    link(
      '/e/{code}',
      'NIP-89 link: an nevent or note of a listing version, release or build asset → its game page',
    ),
    (c) => {
      const d = decode(c.req.param('code'))
      if (d.type === 'nevent') return c.redirect(byEvent(d.data.id), 302)
      if (d.type === 'note') return c.redirect(byEvent(d.data), 302)
      if (d.type === 'naddr') return c.redirect(`/a/${c.req.param('code')}`, 302)
      throw new AppError('NOT_FOUND', 'expected an nevent or a note')
    },
  )
  return app
}
