/**
 * Application handler, kind 31990 (NIP-89), signed by the market key: tells any Nostr client that meets
 * a game listing (32267) or a release (30063) where to send its user — the storefront's `/a/<naddr>` and
 * `/e/<nevent>` links, which the service redirects to the game's page. `content` is kind-0-style metadata.
 */
import { Kind } from '../kinds.ts'
import type { UnsignedEvent } from './event.ts'

export const APP_HANDLER_KIND = 31990
/** The handler's `d`: one handler per market. */
export const APP_HANDLER_D = 'zapcade-storefront'

export interface AppHandlerInput {
  /** The storefront's public base URL, no trailing slash. */
  publicUrl: string
  name: string
  picture?: string | undefined
  about?: string | undefined
  nip05?: string | undefined
  createdAtSec: number
}

/** The unsigned kind-31990 handler for games and releases. */
export function buildAppHandler(h: AppHandlerInput): UnsignedEvent {
  const meta: Record<string, string> = { name: h.name, website: h.publicUrl }
  if (h.picture) meta.picture = h.picture
  if (h.about) meta.about = h.about
  if (h.nip05) meta.nip05 = h.nip05
  return {
    kind: APP_HANDLER_KIND,
    created_at: h.createdAtSec,
    content: JSON.stringify(meta),
    tags: [
      ['d', APP_HANDLER_D],
      ['k', String(Kind.Game)],
      ['k', String(Kind.Release)],
      ['web', `${h.publicUrl}/a/<bech32>`, 'naddr'],
      ['web', `${h.publicUrl}/e/<bech32>`, 'nevent'],
      ['alt', `Nostr app handler: ${h.name}, a game store`],
    ],
  }
}
