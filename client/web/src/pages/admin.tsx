/**
 * Admin page (NIP-98 by a pubkey in ZAPCADE_ADMIN_PUBKEYS): feature, list or ban a game, run the
 * ledger invariant check, and see and resolve payment alerts (proven payments settlement could not
 * book). A non-admin sees the service's refusal.
 */
import { useEffect, useState } from 'preact/hooks'
import { api, ApiError } from '../lib/api.ts'
import { useSession } from '../lib/session.ts'
import { satsText } from '../lib/format.ts'
import type {
  GameItem,
  LedgerCheckResponse as LedgerCheck,
  Page,
  PaymentAlert,
  PaymentAlertsResponse,
} from '../lib/types.ts'

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`

export default function Admin() {
  const session = useSession()
  const [game, setGame] = useState('')
  const [status, setStatus] = useState('FEATURED')
  const [msg, setMsg] = useState<{ ok: boolean; text: string }>()
  const [check, setCheck] = useState<LedgerCheck>()
  const [alerts, setAlerts] = useState<PaymentAlert[]>()
  const [games, setGames] = useState<GameItem[]>([])
  const loadGames = () =>
    void api<Page>('GET', '/api/v1/games?sort=featured&limit=100').then(
      (p) => setGames(p.items),
      () => setGames([]),
    )
  useEffect(loadGames, [])
  const fail = (e: unknown) =>
    setMsg({ ok: false, text: e instanceof ApiError ? e.message : String(e) })

  if (!session)
    return (
      <section>
        <h1>Admin</h1>
        <p>
          <a href="/signin?next=%2Fadmin">Sign in</a> with an admin key.
        </p>
      </section>
    )

  const apply = async (pubkey: string, slug: string, to: string) => {
    try {
      await api('POST', `/api/v1/admin/games/${pubkey}/${encodeURIComponent(slug)}/status`, {
        body: { status: to },
        auth: true,
      })
      setMsg({ ok: true, text: `${slug} is now ${to}.` })
      loadGames()
    } catch (x) {
      fail(x)
    }
  }
  const setGameStatus = async (e: Event) => {
    e.preventDefault()
    const m = /^([0-9a-f]{64})\/([A-Za-z0-9][A-Za-z0-9._-]{0,63})$/.exec(game.trim())
    if (!m?.[1] || !m[2]) return setMsg({ ok: false, text: 'Game: <hex pubkey>/<slug>.' })
    await apply(m[1], m[2], status)
  }
  const runCheck = () =>
    api<LedgerCheck>('GET', '/api/v1/admin/ledger/check', { auth: true }).then(setCheck, fail)
  const loadAlerts = () =>
    api<PaymentAlertsResponse>('GET', '/api/v1/admin/payment-alerts', { auth: true }).then(
      (r) => setAlerts(r.items),
      fail,
    )
  const resolveAlert = async (a: PaymentAlert) => {
    const note = prompt(
      `What was done about purchase ${a.purchase_id}? (refunded, booked by hand…)`,
    )
    if (!note) return
    try {
      await api(
        'POST',
        `/api/v1/admin/payment-alerts/${encodeURIComponent(a.purchase_id)}/resolve`,
        { body: { note }, auth: true },
      )
      setMsg({ ok: true, text: `Alert for ${a.purchase_id} resolved.` })
      await loadAlerts()
    } catch (x) {
      fail(x)
    }
  }

  return (
    <section>
      <h1>Admin</h1>
      {msg ? (
        <p role={msg.ok ? 'status' : 'alert'} class={msg.ok ? 'ok' : 'error'}>
          {msg.text}
        </p>
      ) : null}
      <form class="panel" onSubmit={(e) => void setGameStatus(e)}>
        <h2>Set a game's status by address</h2>
        <p class="note">
          For any game, including banned or unlisted ones that the catalog does not show.
        </p>
        <div class="field">
          <label for="a-game">Game (pubkey/slug)</label>
          <input
            id="a-game"
            value={game}
            onInput={(e) => setGame((e.currentTarget as HTMLInputElement).value)}
            spellcheck={false}
            required
          />
        </div>
        <div class="field">
          <label for="a-status">Status</label>
          <select
            id="a-status"
            value={status}
            onChange={(e) => setStatus((e.currentTarget as HTMLSelectElement).value)}
          >
            <option value="FEATURED">Featured</option>
            <option value="LISTED">Listed</option>
            <option value="BANNED">Banned</option>
          </select>
        </div>
        <button type="submit">Apply</button>
      </form>
      <section aria-labelledby="catalog-h">
        <h2 id="catalog-h">Catalog</h2>
        <table class="table" data-testid="admin-games">
          <thead>
            <tr>
              <th scope="col">Game</th>
              <th scope="col">Status</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {games.map((g) => (
              <tr key={`${g.pubkey}/${g.slug}`}>
                <td data-label="Game">{g.title}</td>
                <td data-label="Status">{g.status}</td>
                <td data-label="">
                  <span class="row">
                    {g.status !== 'FEATURED' ? (
                      <button
                        type="button"
                        class="secondary"
                        aria-label={`Feature ${g.title}`}
                        onClick={() => void apply(g.pubkey, g.slug, 'FEATURED')}
                      >
                        Feature
                      </button>
                    ) : null}
                    {g.status === 'FEATURED' ? (
                      <button
                        type="button"
                        class="secondary"
                        aria-label={`Unfeature ${g.title}`}
                        onClick={() => void apply(g.pubkey, g.slug, 'LISTED')}
                      >
                        Unfeature
                      </button>
                    ) : null}
                    <button
                      type="button"
                      class="secondary"
                      aria-label={`Ban ${g.title}`}
                      onClick={() =>
                        confirm(`Ban ${g.title}? Buyers keep what they bought.`) &&
                        void apply(g.pubkey, g.slug, 'BANNED')
                      }
                    >
                      Ban
                    </button>
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section class="panel" aria-labelledby="alerts-h">
        <h2 id="alerts-h">Payment alerts</h2>
        <p class="note">
          Payments the wallet proved that could not be booked (less than the invoice, or for a
          failed purchase).
        </p>
        <button type="button" onClick={() => void loadAlerts()}>
          Show open payment alerts
        </button>
        {alerts?.length === 0 ? (
          <p role="status" class="ok">
            No open payment alerts.
          </p>
        ) : null}
        {alerts?.length ? (
          <ul data-testid="payment-alerts">
            {alerts.map((a) => (
              <li key={a.purchase_id}>
                <strong>{a.reason}</strong> — purchase {a.purchase_id} ({a.purchase_status}),
                invoice {satsText(a.amount_msat)}, seen {plural(a.seen_count, 'time')}{' '}
                <button type="button" class="secondary" onClick={() => void resolveAlert(a)}>
                  Resolve
                </button>
              </li>
            ))}
          </ul>
        ) : null}
      </section>
      <section class="panel" aria-labelledby="ledger-h">
        <h2 id="ledger-h">Ledger check</h2>
        <button type="button" onClick={() => void runCheck()}>
          Check the ledger invariants
        </button>
        {check ? (
          <p role="status" class={check.ok ? 'ok' : 'error'}>
            {check.ok ? 'All invariants hold.' : `${check.violations.length} violation(s):`}
          </p>
        ) : null}
        {check ? (
          <p class="muted">
            Checked {plural(check.checked.purchases, 'purchase')},{' '}
            {plural(check.checked.entries, 'ledger entry', 'ledger entries')},{' '}
            {plural(check.checked.developers, 'developer')}.
          </p>
        ) : null}
        {check && !check.ok ? (
          <ul>
            {check.violations.map((v, i) => (
              <li key={i}>
                <strong>{v.rule}</strong> {v.subject}: {v.detail}
              </li>
            ))}
          </ul>
        ) : null}
      </section>
    </section>
  )
}
