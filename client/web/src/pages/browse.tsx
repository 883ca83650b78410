/**
 * The catalog: search words, tag and platform filters and a sort order, kept in the URL's query so a
 * filtered view can be shared and the back button works; a select applies as soon as it changes (the
 * words on Enter or "Search"), with a result count and "Clear filters"; a featured shelf above the results.
 */
import { useEffect, useState } from 'preact/hooks'
import { api, ApiError } from '../lib/api.ts'
import { navigate } from '../lib/router.ts'
import type { GameItem, Page } from '../lib/types.ts'
import { GameCard } from './game-card.tsx'
import { familyChoices } from '../lib/platform-ui.tsx'
import { FAMILY_LABELS, platformLabel, type PlatformFamily } from '@zapcade/shared/platforms'

/** A select's option: [value, label]. */
type Choice = [string, string]

const SORTS: Choice[] = [
  ['', 'Best match'],
  ['new', 'Newest'],
  ['featured', 'Featured first'],
  ['title', 'Title A–Z'],
  ['price', 'Price'],
]

/** One labelled filter select of the search form, starting at the value in the URL. */
function FilterSelect({
  name,
  label,
  value,
  options,
  onPick,
}: {
  name: string
  label: string
  value: string | null
  options: Choice[]
  onPick: (e: Event) => void
}) {
  // A value in the URL that the choices do not hold (a shared link) stays selectable.
  const opts =
    value && !options.some(([v]) => v === value)
      ? [...options, [value, name === 'platform' ? platformLabel(value) : value] as Choice]
      : options
  return (
    <div class="field">
      <label for={name}>{label}</label>
      <select id={name} name={name} value={value ?? ''} onChange={onPick}>
        {opts.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </div>
  )
}

function catalogUrl(q: URLSearchParams, cursor?: string): string {
  const p = new URLSearchParams()
  for (const k of ['q', 'tag', 'platform', 'sort']) {
    const v = q.get(k)
    if (v) p.set(k, v)
  }
  p.set('limit', '24')
  if (cursor) p.set('cursor', cursor)
  return `/api/v1/games?${p.toString()}`
}

export function Browse({ query }: { query: URLSearchParams }) {
  const [items, setItems] = useState<GameItem[]>()
  const [cursor, setCursor] = useState<string | null>(null)
  const [error, setError] = useState<string>()
  const [all, setAll] = useState<GameItem[]>([])
  const key = query.toString()

  // One unfiltered page feeds the featured shelf and the filter choices.
  useEffect(() => {
    api<Page>('GET', '/api/v1/games?sort=featured&limit=100').then(
      (p) => setAll(p.items),
      () => setAll([]),
    )
  }, [])

  useEffect(() => {
    setItems(undefined)
    setError(undefined)
    api<Page>('GET', catalogUrl(query)).then(
      (p) => {
        setItems(p.items)
        setCursor(p.next_cursor ?? null)
      },
      (e: unknown) => setError(e instanceof ApiError ? e.message : String(e)),
    )
  }, [key])

  const more = async () => {
    if (!cursor) return
    const p = await api<Page>('GET', catalogUrl(query, cursor))
    setItems((old) => [...(old ?? []), ...p.items])
    setCursor(p.next_cursor ?? null)
  }

  /** The form's state as the URL (empty fields left out), one history entry per change so Back undoes it. */
  const apply = (form: HTMLFormElement) => {
    const p = new URLSearchParams()
    for (const [k, v] of new FormData(form).entries())
      if (typeof v === 'string' && v.trim()) p.set(k, v.trim())
    const to = p.size ? `/?${p.toString()}` : '/'
    if (to !== location.pathname + location.search) navigate(to)
  }
  const onSubmit = (e: Event) => {
    e.preventDefault()
    apply(e.currentTarget as HTMLFormElement)
  }
  const onPick = (e: Event) => {
    const form = (e.target as HTMLSelectElement).form
    if (form) apply(form)
  }

  const tags = [...new Set(all.flatMap((g) => g.tags))].sort()
  const platforms = familyChoices(all.flatMap((g) => g.platforms))
  const featured = all.filter((g) => g.status === 'FEATURED')
  const filtered = ['q', 'tag', 'platform'].some((k) => query.get(k))
  const platformName = (v: string) =>
    v in FAMILY_LABELS ? FAMILY_LABELS[v as PlatformFamily] : platformLabel(v)
  const summary = [
    query.get('q') ? `“${query.get('q')}”` : '',
    query.get('tag') ?? '',
    query.get('platform') ? platformName(query.get('platform')!) : '',
  ]
    .filter(Boolean)
    .join(' · ')

  return (
    <>
      <h1 class="visually-hidden">Zapcade games</h1>
      <form class="filters" role="search" onSubmit={onSubmit} key={key}>
        <div class="field grow">
          <label for="q">Search games</label>
          <input
            id="q"
            name="q"
            type="search"
            defaultValue={query.get('q') ?? ''}
            placeholder="roguelike, puzzle, space…"
          />
        </div>
        <FilterSelect
          name="tag"
          label="Tag"
          value={query.get('tag')}
          options={[['', 'Any tag'], ...tags.map((t): Choice => [t, t])]}
          onPick={onPick}
        />
        <FilterSelect
          name="platform"
          label="Platform"
          value={query.get('platform')}
          options={[['', 'Any platform'], ...platforms]}
          onPick={onPick}
        />
        <FilterSelect
          name="sort"
          label="Sort"
          value={query.get('sort')}
          options={SORTS}
          onPick={onPick}
        />
        <button type="submit">Search</button>
      </form>

      {!filtered && featured.length > 0 ? (
        <section aria-labelledby="featured-h" class="featured">
          <h2 id="featured-h">Featured</h2>
          <ul class="shelf">
            {featured.map((g) => (
              <GameCard g={g} key={`${g.pubkey}/${g.slug}`} />
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="results-h" aria-busy={items === undefined}>
        <div class="results-head">
          <h2 id="results-h">{filtered ? 'Results' : 'All games'}</h2>
          {items !== undefined ? (
            <p class="count" aria-live="polite" data-testid="result-count">
              {items.length}
              {cursor ? '+' : ''} {items.length === 1 ? 'game' : 'games'}
              {summary ? <span class="muted"> for {summary}</span> : null}
            </p>
          ) : null}
          {filtered ? (
            <a
              class="button small secondary"
              href={query.get('sort') ? `/?sort=${encodeURIComponent(query.get('sort')!)}` : '/'}
            >
              Clear filters
            </a>
          ) : null}
        </div>
        {error ? (
          <p role="alert" class="error">
            {error}
          </p>
        ) : null}
        {items === undefined && !error ? <p>Loading games…</p> : null}
        {items?.length === 0 ? <p>No game matches. Try fewer words or another tag.</p> : null}
        <ul class="grid" data-testid="results">
          {items?.map((g) => (
            <GameCard g={g} key={`${g.pubkey}/${g.slug}`} />
          ))}
        </ul>
        {cursor ? (
          <button type="button" class="secondary" onClick={() => void more()}>
            More games
          </button>
        ) : null}
      </section>
    </>
  )
}
