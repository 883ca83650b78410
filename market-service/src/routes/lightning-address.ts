/**
 * A developer's market-hosted Lightning address (docs/architecture.md "Zaps"): every developer has
 * `<npub>@<host>` without registering anything, and may claim one short `name@<host>` (first come,
 * unique, changeable, also answered by NIP-05). Put either in the kind-0 `lud16` and every zap from every
 * client pays through the market: zaps naming a game buy (or count toward) it, others are tips; the
 * market holds the money until the payout to the developer's payout address.
 */
import { OpenAPIHono, createRoute } from '@hono/zod-openapi'
import { AppError } from '@zapcade/shared/errors'
import { toNpub } from '@zapcade/shared/ids'
import {
  LightningAddressResponse,
  PutLightningAddressBody,
} from '@zapcade/shared/api/lightning-address'
import { ProblemResponse } from '@zapcade/shared/api/problem'
import type { RouteContext } from './context.ts'
import { authMiddleware, callerOf } from '../http/auth-nip98.ts'
import { zodHook } from '../http/validate.ts'

const problem = {
  description: 'problem',
  content: { 'application/problem+json': { schema: ProblemResponse } },
}
const json = (schema: typeof LightningAddressResponse) => ({ 'application/json': { schema } })

/** Names that would confuse buyers or collide with the market's own. */
const RESERVED = new Set([
  'admin',
  'administrator',
  'root',
  'support',
  'market',
  'zapcade',
  'www',
  'help',
  'info',
  'security',
  'abuse',
])

export function lightningAddressRoutes(ctx: RouteContext): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: zodHook })
  const { lnNames: names, developers } = ctx.ports
  const host = new URL(ctx.config.publicUrl).host
  const answer = (pubkey: string): LightningAddressResponse => {
    const npub = toNpub(pubkey)
    const name = names.nameOf(pubkey)
    return {
      npub_address: `${npub}@${host}`,
      name_address: name === null ? null : `${name}@${host}`,
      name,
      lnurlp_url: `${ctx.config.publicUrl}/.well-known/lnurlp/${npub}`,
      nostr_pubkey: ctx.signer.pubkey,
      payout_ln_address: developers.payoutAddress(pubkey),
    }
  }

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/developer/lightning-address',
      tags: ['developer'],
      security: [{ nip98: [] }],
      middleware: [authMiddleware(ctx.auth, 'required')] as const,
      summary:
        "The caller's market-hosted Lightning addresses (<npub>@host and a claimed short name)",
      responses: {
        200: { description: 'addresses', content: json(LightningAddressResponse) },
        401: problem,
      },
    }),
    (c) => c.json(answer(callerOf(c)), 200),
  )

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/v1/developer/lightning-address',
      tags: ['developer'],
      security: [{ nip98: [] }],
      middleware: [authMiddleware(ctx.auth, 'required')] as const,
      summary: 'Claim, change (name) or release (null) the short name of your Lightning address',
      request: {
        body: {
          content: { 'application/json': { schema: PutLightningAddressBody } },
          required: true,
        },
      },
      responses: {
        200: { description: 'addresses', content: json(LightningAddressResponse) },
        400: problem,
        401: problem,
        409: problem,
      },
    }),
    (c) => {
      const pubkey = callerOf(c)
      const { name } = c.req.valid('json')
      if (
        name !== null &&
        (name === ctx.config.lud16Name || RESERVED.has(name) || name.startsWith('npub1'))
      )
        throw new AppError('NAME_TAKEN', `name: "${name}" is reserved`)
      if (names.claim(pubkey, name, ctx.clock.nowSec()) === 'TAKEN')
        throw new AppError('NAME_TAKEN', `name: "${name}" is taken`)
      return c.json(answer(pubkey), 200)
    },
  )
  return app
}
