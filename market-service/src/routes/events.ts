/**
 * `POST /api/v1/events`: take a signed event, verify it, parse it with the shared profile, then either
 * keep it (a `["status","draft"]` game, visible to its developer only) or forward it to the configured
 * relays and report each relay's OK or reason. A build asset (3063) must name a VERIFIED upload of its
 * developer. If no relay accepts the event now, the outbox keeps retrying it (status QUEUED).
 */
import { OpenAPIHono, createRoute } from '@hono/zod-openapi'
import { PublishEventRequest, PublishEventResponse } from '@zapcade/shared/api/events'
import { MAX_FUTURE_SEC } from '@zapcade/shared/events/event'
import { problems } from '../http/problem.ts'
import { AppError } from '@zapcade/shared/errors'
import { BUILD_MIME, asBuild, parseAsset } from '@zapcade/shared/events/build-asset'
import { parseDeletion } from '@zapcade/shared/events/deletion'
import { parseEventShape, type NostrEvent } from '@zapcade/shared/events/event'
import { parseGame } from '@zapcade/shared/events/game'
import { parseProfile } from '@zapcade/shared/events/profile'
import { parseRelease } from '@zapcade/shared/events/release'
import { parseGameCoordinate } from '@zapcade/shared/ids'
import { Kind } from '@zapcade/shared/kinds'
import type { Parsed } from '@zapcade/shared/result'
import type { RouteContext } from './context.ts'
import { zodHook } from '../http/validate.ts'

export const publishEventRoute = createRoute({
  method: 'post',
  path: '/api/v1/events',
  tags: ['publishing'],
  summary: 'Submit a signed event: drafts are kept, anything else is forwarded to the relays',
  request: {
    body: { required: true, content: { 'application/json': { schema: PublishEventRequest } } },
  },
  responses: {
    200: {
      description: 'kept as a draft, or accepted by at least one relay',
      content: { 'application/json': { schema: PublishEventResponse } },
    },
    202: {
      description: 'no relay accepted it yet; queued in the outbox',
      content: { 'application/json': { schema: PublishEventResponse } },
    },
    ...problems(400, 409, 413, 415, 422),
  },
})

const ACCEPTED_KINDS: Record<number, (ev: NostrEvent) => Parsed<unknown>> = {
  [Kind.Game]: parseGame,
  [Kind.Release]: parseRelease,
  [Kind.BuildAsset]: parseAsset,
  [Kind.FileMetadata]: parseAsset,
  [Kind.Deletion]: parseDeletion,
  [Kind.Profile]: parseProfile,
}

export function eventsRoutes(ctx: RouteContext): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: zodHook })
  const { drafts, outbox } = ctx.ports
  app.openapi(publishEventRoute, async (c) => {
    const shape = parseEventShape(c.req.valid('json'))
    if (!shape.ok) throw new AppError('VALIDATION_FAILED', shape.reason)
    const ev = shape.value
    if (!ctx.verifyEvent(ev)) throw new AppError('INVALID_EVENT', 'id or signature is invalid')
    const now = ctx.clock.nowSec()
    if (ev.created_at > now + MAX_FUTURE_SEC)
      throw new AppError('INVALID_EVENT', 'created_at: more than 10 minutes in the future')
    const parse = ACCEPTED_KINDS[ev.kind]
    if (!parse)
      throw new AppError(
        'INVALID_EVENT',
        `kind ${ev.kind} is not accepted here (games, releases, build assets, deletions, profiles)`,
      )
    const parsed = parse(ev)
    if (!parsed.ok) throw new AppError('INVALID_EVENT', parsed.reason)

    if (ev.kind === Kind.Game) {
      const game = parseGame(ev)
      if (game.ok && game.value.listing === 'DRAFT') {
        if (!drafts.put(ev.pubkey, game.value.slug, ev, now))
          throw new AppError('CONFLICT', 'a newer draft of this game is already kept')
        return c.json(
          { id: ev.id, kind: ev.kind, status: 'DRAFT_STORED' as const, relays: [] },
          200,
        )
      }
    }
    if (ev.kind === Kind.BuildAsset || ev.kind === Kind.FileMetadata) {
      // The zip is the build the market serves: it must name a verified upload. A release's other assets
      // (an APK, a signature…) are only listed, never served, and need none.
      const asset = parseAsset(ev)
      if (asset.ok && asset.value.mime === BUILD_MIME) {
        const build = asBuild(asset.value)
        if (!build.ok) throw new AppError('INVALID_EVENT', build.reason)
        if (!ctx.ports.hasVerifiedUpload(ev.pubkey, build.value.sha256, build.value.sizeBytes)) {
          throw new AppError(
            'UPLOAD_INVALID',
            'x/size name no verified upload of this developer; upload the build first',
          )
        }
      }
    }

    if (ev.kind === Kind.Deletion) {
      // A NIP-09 deletion by the same author also removes a kept draft (by `a` coordinate or `e` id).
      const del = parseDeletion(ev)
      if (del.ok) {
        for (const a of del.value.coordinates) {
          const g = parseGameCoordinate(a)
          if (g && g.pubkey === ev.pubkey) drafts.dropIfNotNewer(ev.pubkey, g.slug, ev.created_at)
        }
        for (const d of drafts.listByPubkey(ev.pubkey)) {
          if (del.value.eventIds.includes(d.event.id as never))
            drafts.dropIfNotNewer(ev.pubkey, d.slug, Number.MAX_SAFE_INTEGER)
        }
      }
    }

    const answers = await ctx.relays.publish(ev)
    const accepted = answers.some((a) => a.ok)
    if (ev.kind === Kind.Game && accepted) {
      const game = parseGame(ev)
      if (game.ok) drafts.dropIfNotNewer(ev.pubkey, game.value.slug, ev.created_at)
    }
    if (!accepted) {
      outbox.enqueue({
        type: 'PUBLISH_EVENT',
        payload: ev,
        idempotencyKey: `event:${ev.id}`,
        nowSec: now,
      })
      ctx.log.warn({ event_id: ev.id, answers }, 'no relay accepted a submitted event; queued')
    }
    return c.json(
      {
        id: ev.id,
        kind: ev.kind,
        status: accepted ? ('FORWARDED' as const) : ('QUEUED' as const),
        relays: answers,
      },
      accepted ? 200 : 202,
    )
  })
  return app
}
