/**
 * Developer publishing from the browser: a game event (kind 32267) is signed by the developer's own
 * signer and submitted to POST /api/v1/events. A draft carries ["status","draft"] and stays on the
 * market; listing it = signing a newer version without that tag (docs/architecture.md "Event profile").
 */
import { buildGame, type GameInput } from '@zapcade/shared/events/game'
import { api, gamePath } from './api.ts'
import { getSession } from './session.ts'
import type { GameDetail, Info, SignedEvent } from './types.ts'

type MaybeWithEvent = GameDetail & { event?: SignedEvent | null }

const DRAFTS_KEY = 'zapcade.drafts'
type Drafts = Record<string, SignedEvent>
const drafts = (): Drafts => {
  try {
    return (JSON.parse(localStorage.getItem(DRAFTS_KEY) ?? '{}') as Drafts | null) ?? {}
  } catch {
    return {}
  }
}
const draftKey = (pubkey: string, slug: string) => `${pubkey}/${slug}`

/** Sign and submit; a draft signed here is also kept locally so it can be listed later from this browser. */
async function submit(t: {
  kind: number
  created_at: number
  tags: string[][]
  content: string
}): Promise<SignedEvent> {
  const s = getSession()
  if (!s) throw new Error('Sign in first.')
  const ev = await s.signer.signEvent(t)
  await api('POST', '/api/v1/events', { body: ev, auth: false })
  const slug = ev.tags.find((x) => x[0] === 'd')?.[1]
  if (slug !== undefined) {
    const all = drafts()
    if (ev.tags.some((x) => x[0] === 'status' && x[1] === 'draft'))
      all[draftKey(ev.pubkey, slug)] = ev
    else delete all[draftKey(ev.pubkey, slug)]
    localStorage.setItem(DRAFTS_KEY, JSON.stringify(all))
  }
  return ev
}

const nowSec = () => Math.floor(Date.now() / 1000)

/** Sign and submit a game from form fields (a paid game routes zaps to the market, docs/architecture.md "Event profile"). */
export function publishGame(
  input: Omit<GameInput, 'createdAtSec' | 'market'>,
  info: Info,
): Promise<SignedEvent> {
  const paid = (input.priceSats ?? 0) > 0
  const g: GameInput = { ...input, createdAtSec: nowSec() }
  if (paid) g.market = { pubkey: info.market_pubkey, relay: info.relays[0] ?? '' }
  return submit(buildGame(g))
}

/**
 * List a draft: the same event without the `status` tag, newer than the draft. Uses the stored signed
 * event when the service returns it (or the copy this browser signed), else rebuilds it from the game's
 * detail (read with NIP-98).
 */
export async function listDraft(
  game: { pubkey: string; slug: string; event?: SignedEvent | null | undefined },
  info: Info,
): Promise<SignedEvent> {
  let ev = game.event ?? drafts()[draftKey(game.pubkey, game.slug)]
  if (!ev) {
    const d = await api<MaybeWithEvent>('GET', `/api/v1/games/${gamePath(game)}`, { auth: true })
    ev = d.event ?? undefined
    if (!ev) {
      const input: GameInput = {
        slug: d.slug,
        title: d.title,
        description: d.description ?? '',
        tags: d.tags,
        platforms: d.platforms,
        images: d.images ?? [],
        priceSats: Math.floor(d.price_msat / 1000),
        createdAtSec: nowSec(),
      }
      if (d.summary) input.summary = d.summary
      if (d.icon) input.icon = d.icon
      if (d.url) input.url = d.url
      if (d.license) input.license = d.license
      if (d.price_msat > 0)
        input.market = { pubkey: info.market_pubkey, relay: info.relays[0] ?? '' }
      return submit(buildGame(input))
    }
  }
  const tags = ev.tags.filter((t) => t[0] !== 'status')
  // created_at must be newer than the draft's for the replacement rule (newest wins).
  return submit({
    kind: ev.kind,
    created_at: Math.max(nowSec(), ev.created_at + 1),
    tags,
    content: ev.content,
  })
}
