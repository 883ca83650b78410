/**
 * Developer dashboard (NIP-98 as the developer): their games including drafts, each draft listable in
 * one click (a newer signed 32267 without the draft tag; a game without a verified build is listed only
 * after a warning that it will show as coming soon), releases with a zip upload form (dev-release.tsx), the events the market refused or
 * holds (with the reason), sales, balance owed, payouts, and the payout Lightning address; download
 * keys, sales, discount codes and refund requests (dev-commerce.tsx).
 */
import { useEffect, useState } from 'preact/hooks'
import { api, ApiError, gamePath } from '../lib/api.ts'
import { dateText, priceText, satsText } from '../lib/format.ts'
import { forgetMe, useMe } from '../lib/me.ts'
import { useSession } from '../lib/session.ts'
import type {
  DevGame,
  DeveloperGamesResponse,
  GameDetail,
  DeveloperLedgerResponse,
  PayoutsResponse,
  SalesResponse,
} from '../lib/types.ts'
import { marketInfo } from './game.tsx'
import { Sats } from '../lib/sats.tsx'
import { DraftForm } from './dev-draft.tsx'
import { ReleaseForm } from './dev-release.tsx'
import { CommercePanel, RefundsPanel } from './dev-commerce.tsx'
import type { DeveloperEvent, DeveloperEventsResponse } from '@zapcade/shared/api/developer'

type Sale = SalesResponse['items'][number]
type Payout = PayoutsResponse['items'][number]

const KIND_NAMES: Record<number, string> = {
  32267: 'Game',
  30063: 'Release',
  3063: 'Build asset',
  1063: 'File (legacy)',
  5: 'Deletion',
  0: 'Profile',
}

/** Events the indexer refused (a rule broken: publish a corrected event) or holds (what they wait for). */
function EventsPanel({ events }: { events: DeveloperEvent[] | undefined }) {
  return (
    <section aria-labelledby="events-h">
      <h2 id="events-h">Refused or waiting events</h2>
      {events?.length === 0 ? (
        <p>Nothing refused or waiting: every event the market saw from you is in its catalog.</p>
      ) : null}
      <ul class="plain" data-testid="dev-events">
        {events?.map((e) => (
          <li key={e.event_id}>
            <span class={e.state === 'REFUSED' ? 'pill warn' : 'pill'}>
              {e.state === 'REFUSED' ? 'Refused' : 'Waiting'}
            </span>{' '}
            {KIND_NAMES[e.kind] ?? `Kind ${e.kind}`} of {dateText(e.created_at)} ·{' '}
            <code title={e.event_id}>{e.event_id.slice(0, 12)}…</code>
            <br />
            <small class="reason">{e.reason}</small>
          </li>
        ))}
      </ul>
    </section>
  )
}

export default function Developer() {
  const session = useSession()
  const [games, setGames] = useState<DevGame[]>()
  const [sales, setSales] = useState<Sale[]>()
  const [payouts, setPayouts] = useState<Payout[]>()
  const [ledger, setLedger] = useState<DeveloperLedgerResponse>()
  const [events, setEvents] = useState<DeveloperEvent[]>()
  const [error, setError] = useState<string>()
  const [msg, setMsg] = useState<{ ok: boolean; text: string; link?: string | undefined }>()
  const [address, setAddress] = useState('')
  const [addressEdited, setAddressEdited] = useState(false)
  const me = useMe()
  // Pre-fill the payout form with the saved address, unless the developer already started typing.
  useEffect(() => {
    const saved = me?.developer.payout_ln_address
    if (saved && !addressEdited) setAddress(saved)
  }, [me])
  const [details, setDetails] = useState<Record<string, GameDetail>>({})
  /** The draft whose "List it" waits for a confirmation: it has no verified build yet. */
  const [confirmList, setConfirmList] = useState<string>()

  const load = () => {
    if (!session) return
    const fail = (e: unknown) => setError(e instanceof ApiError ? e.message : String(e))
    api<DeveloperGamesResponse>('GET', '/api/v1/developer/games', { auth: true }).then(
      (r) => setGames(r.items),
      fail,
    )
    api<SalesResponse>('GET', '/api/v1/developer/sales', { auth: true }).then(
      (r) => setSales(r.items),
      fail,
    )
    api<PayoutsResponse>('GET', '/api/v1/developer/payouts', { auth: true }).then(
      (r) => setPayouts(r.items),
      fail,
    )
    api<DeveloperLedgerResponse>('GET', '/api/v1/developer/ledger', { auth: true }).then(
      setLedger,
      fail,
    )
    api<DeveloperEventsResponse>('GET', '/api/v1/developer/events', { auth: true }).then(
      (r) => setEvents(r.items),
      fail,
    )
  }
  useEffect(load, [session?.pubkey])

  // Releases and build state come from each published game's public detail (drafts have none yet).
  useEffect(() => {
    for (const g of games ?? []) {
      if (g.source !== 'catalog') continue
      api<GameDetail>('GET', `/api/v1/games/${gamePath(g)}`).then(
        (d) => setDetails((r) => ({ ...r, [g.slug]: d })),
        () => undefined,
      )
    }
  }, [games])
  const releasesText = (slug: string) => {
    const d = details[slug]
    return d ? d.releases.map((x) => x.version).join(', ') || 'none yet' : '…'
  }
  /** True when the market holds a verified build of the game (a draft never has one). */
  const hasBuild = (g: DevGame) => details[g.slug]?.coming_soon === false

  if (!session) {
    return (
      <section>
        <h1>Developers</h1>
        <p>
          Sell your games for sats, signed with your own Nostr key.{' '}
          <a href="/signin?next=%2Fdeveloper">Sign in</a> to see your games, sales and payouts. The{' '}
          dashboard publishes drafts, listings and releases (drop a build zip); the{' '}
          <code>zapcade</code> CLI does the same from a terminal.
        </p>
      </section>
    )
  }

  const say = (ok: boolean, text: string, link?: string) => setMsg({ ok, text, link })
  const list = async (g: DevGame, confirmed = false) => {
    // Listing a game with no verified build is allowed, but it cannot be sold: say so first.
    if (!confirmed && !hasBuild(g)) return setConfirmList(g.slug)
    setConfirmList(undefined)
    try {
      const { listDraft } = await import('../lib/publish.ts')
      await listDraft(g, await marketInfo())
      say(true, `${g.title} is now listed.`)
      load()
      // The listing reaches the catalog through the relays and the indexer: refresh until it is there,
      // so the release form offers it without a reload.
      for (let i = 0; i < 30; i++) {
        await new Promise((r) => setTimeout(r, 1000))
        const r = await api<DeveloperGamesResponse>('GET', '/api/v1/developer/games', {
          auth: true,
        }).catch(() => undefined)
        if (r?.items.some((x) => x.slug === g.slug && x.source === 'catalog')) {
          setGames(r.items)
          break
        }
      }
    } catch (e) {
      say(false, e instanceof Error ? e.message : String(e))
    }
  }
  const saveAddress = async (e: Event) => {
    e.preventDefault()
    try {
      await api('PUT', '/api/v1/developer/profile', {
        body: { payout_ln_address: address.trim() },
        auth: true,
      })
      forgetMe()
      say(true, 'Payout address saved.')
    } catch (x) {
      say(false, x instanceof Error ? x.message : String(x))
    }
  }
  // Σ DEVELOPER_NET − Σ PAYOUT_SENT, as the service computes it (docs/architecture.md "Money flows").
  const owed = ledger?.balance_owed_msat

  return (
    <section class="dashboard">
      <h1>Developer dashboard</h1>
      {error ? (
        <p role="alert" class="error">
          {error}
        </p>
      ) : null}
      {msg ? (
        <p role={msg.ok ? 'status' : 'alert'} class={msg.ok ? 'ok' : 'error'}>
          {msg.text}
          {msg.link ? (
            <>
              {' '}
              <a href={msg.link}>Open its page</a>
            </>
          ) : null}
        </p>
      ) : null}

      <div class="stats">
        <p>
          <span class="muted">Balance owed to you</span>{' '}
          <strong data-testid="owed">
            {owed === undefined ? '…' : satsText(Math.max(0, owed))}
          </strong>
        </p>
        <p>
          <span class="muted">Sales</span> <strong>{sales?.length ?? '…'}</strong>
        </p>
      </div>

      <section aria-labelledby="games-h">
        <h2 id="games-h">Your games</h2>
        {games?.length === 0 ? (
          <p>
            No games yet: create a draft below or use <code>zapcade game publish</code>.
          </p>
        ) : null}
        <table class="table" data-testid="dev-games">
          <thead>
            <tr>
              <th scope="col">Game</th>
              <th scope="col">Status</th>
              <th scope="col">Price</th>
              <th scope="col">Releases</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {games?.map((g) => (
              <tr key={g.slug}>
                <td data-label="Game">
                  {g.status === 'DRAFT' ? g.title : <a href={`/game/${gamePath(g)}`}>{g.title}</a>}
                </td>
                <td data-label="Status">
                  <span class={`pill ${g.status.toLowerCase()}`}>{g.status}</span>
                </td>
                <td data-label="Price">{priceText(g.price_msat)}</td>
                <td data-label="Releases">{g.source === 'draft' ? '—' : releasesText(g.slug)}</td>
                <td data-label="">
                  {g.status === 'DRAFT' && confirmList === g.slug ? (
                    <div class="list-warning" role="alert" data-testid="list-warning">
                      <p>
                        {g.title} has no verified build yet. Once listed it shows as “Coming soon”
                        and cannot be bought or downloaded until you publish a release with a build
                        (below).
                      </p>
                      <div class="row">
                        <button type="button" onClick={() => void list(g, true)}>
                          List it anyway
                        </button>
                        <button
                          type="button"
                          class="secondary"
                          onClick={() => setConfirmList(undefined)}
                        >
                          Not yet
                        </button>
                      </div>
                    </div>
                  ) : g.status === 'DRAFT' ? (
                    <button
                      type="button"
                      onClick={() => void list(g)}
                      aria-label={`List ${g.title}`}
                    >
                      List it
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <ReleaseForm
        games={(games ?? []).filter((g) => g.source === 'catalog' && g.status !== 'BANNED')}
        details={details}
        onDone={(ok, text, link) => (say(ok, text, link), ok && load())}
      />

      <CommercePanel
        games={(games ?? []).filter((g) => g.source === 'catalog' && g.status !== 'BANNED')}
        say={say}
      />

      <RefundsPanel say={say} />

      <EventsPanel events={events} />

      <DraftForm onDone={(ok, text) => (say(ok, text), ok && load())} />

      <section aria-labelledby="sales-h">
        <h2 id="sales-h">Sales</h2>
        {sales?.length === 0 ? <p>No sales yet.</p> : null}
        <ul class="plain">
          {sales?.map((s) => (
            <li key={s.purchase_id}>
              {s.game?.title ?? 'a removed game'} · {satsText(s.amount_msat)} (net{' '}
              <Sats msat={s.developer_net_msat} />) · {s.kind === 'ZAP' ? 'zap' : 'checkout'}
              {s.is_tip ? ' · tip' : ''} · {dateText(s.paid_at)}
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="payouts-h">
        <h2 id="payouts-h">Payouts</h2>
        {payouts?.length === 0 ? <p>No payouts yet.</p> : null}
        <ul class="plain">
          {payouts?.map((p) => (
            <li key={p.id}>
              <Sats msat={p.amount_msat} /> · <span class="pill">{p.status}</span>
              {p.destination ? ` → ${p.destination}` : ''} · {dateText(p.created_at)}
              {p.last_error ? <small class="muted"> ({p.last_error})</small> : null}
            </li>
          ))}
        </ul>
        <form onSubmit={(e) => void saveAddress(e)} class="panel">
          <div class="field">
            <label for="payout">Payout Lightning address</label>
            <input
              id="payout"
              type="email"
              inputMode="email"
              placeholder="you@wallet.example"
              value={address}
              onInput={(e) => (
                setAddressEdited(true), setAddress((e.currentTarget as HTMLInputElement).value)
              )}
              required
            />
          </div>
          <button type="submit">Save payout address</button>
        </form>
      </section>
    </section>
  )
}
