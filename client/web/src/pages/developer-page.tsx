/**
 * A developer's public page, `/developer/<pubkey>`: their profile as their kind 0 names it (name,
 * picture, NIP-05 checked at its domain, about, lud16; through a game's detail, which carries the
 * indexed profile) and every game they list (`GET /api/v1/games?author=`).
 */
import { useEffect, useState } from 'preact/hooks'
import { api, ApiError } from '../lib/api.ts'
import { shortKey } from '../lib/format.ts'
import type { GameDetail, GameItem, Page } from '../lib/types.ts'
import { GameCard } from './game-card.tsx'
import { Nip05Badge } from './nip05-badge.tsx'

type Profile = GameDetail['developer']

export default function DeveloperPage({ pubkey }: { pubkey: string }) {
  const [items, setItems] = useState<GameItem[]>()
  const [cursor, setCursor] = useState<string | null>(null)
  const [profile, setProfile] = useState<Profile>()
  const [error, setError] = useState<string>()
  const valid = /^[0-9a-f]{64}$/.test(pubkey)

  const load = async (after?: string) => {
    const p = await api<Page>(
      'GET',
      `/api/v1/games?author=${pubkey}&sort=new&limit=24${after ? `&cursor=${encodeURIComponent(after)}` : ''}`,
    )
    setItems((old) => [...(after ? (old ?? []) : []), ...p.items])
    setCursor(p.next_cursor)
    return p
  }

  useEffect(() => {
    setItems(undefined)
    setProfile(undefined)
    setError(undefined)
    if (!valid) return
    load().then(
      async (p) => {
        const first = p.items[0]
        if (!first) return
        const g = await api<GameDetail>(
          'GET',
          `/api/v1/games/${first.pubkey}/${encodeURIComponent(first.slug)}`,
        )
        setProfile(g.developer)
      },
      (e: unknown) => setError(e instanceof ApiError ? e.message : String(e)),
    )
  }, [pubkey])

  useEffect(() => {
    document.title = `${profile?.display_name ?? 'Developer'} — Zapcade`
  }, [profile])

  if (!valid) {
    return (
      <section>
        <h1>Developer not found</h1>
        <p>
          This address does not name a developer key. <a href="/">Back to the catalog</a>.
        </p>
      </section>
    )
  }
  const name = profile?.display_name || shortKey(pubkey)
  return (
    <section class="dev-page" aria-labelledby="dev-name" data-testid="developer-page">
      <header class="dev-head">
        {profile?.picture ? (
          <img
            class="avatar"
            src={profile.picture}
            alt=""
            width={72}
            height={72}
            referrerpolicy="no-referrer"
          />
        ) : null}
        <div>
          <h1 id="dev-name">{name}</h1>
          {profile?.nip05 ? <Nip05Badge nip05={profile.nip05} pubkey={pubkey} /> : null}
          {profile?.lud16 ? <p class="muted">⚡ {profile.lud16}</p> : null}
          <p class="muted mono" title={pubkey}>
            {profile?.npub
              ? `${profile.npub.slice(0, 20)}…${profile.npub.slice(-6)}`
              : shortKey(pubkey)}
          </p>
        </div>
      </header>
      {profile?.about ? (
        <p class="about" data-testid="developer-about">
          {profile.about}
        </p>
      ) : null}
      <h2>Games</h2>
      {error ? (
        <p role="alert" class="error">
          {error}
        </p>
      ) : null}
      {items === undefined && !error ? <p aria-busy="true">Loading games…</p> : null}
      {items?.length === 0 ? <p>This developer lists no games here yet.</p> : null}
      {items && items.length > 0 ? (
        <p class="muted" aria-live="polite">
          {items.length}
          {cursor ? '+' : ''} {items.length === 1 ? 'game' : 'games'}
        </p>
      ) : null}
      <ul class="grid" data-testid="developer-games">
        {items?.map((g) => (
          <GameCard g={g} key={g.slug} />
        ))}
      </ul>
      {cursor ? (
        <button type="button" class="secondary" onClick={() => void load(cursor)}>
          More games
        </button>
      ) : null}
    </section>
  )
}
