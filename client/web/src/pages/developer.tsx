/**
 * Developer dashboard (NIP-98 as the developer): their games including drafts, each draft listable in
 * one click (a newer signed 32267 without the draft tag), releases, sales, balance owed, payouts, and
 * the payout Lightning address.
 */
import { useEffect, useState } from 'preact/hooks'
import { api, ApiError, gamePath } from '../lib/api.ts'
import { dateText, priceText, satsText } from '../lib/format.ts'
import { useSession } from '../lib/session.ts'
import type { GameItem, SignedEvent } from '../lib/types.ts'
import { marketInfo } from './game.tsx'
import { DraftForm } from './dev-draft.tsx'

type Rows<T> = { items: T[] } | T[]
const rows = <T,>(r: Rows<T> | undefined): T[] => (r === undefined ? [] : Array.isArray(r) ? r : r.items)

interface DevGame extends GameItem {
  event?: SignedEvent | null
  releases?: Array<{ version: string; published_at: number }>
}
interface Sale {
  id?: string
  purchase_id?: string
  game?: string
  slug?: string
  amount_msat: number
  net_msat?: number
  fee_msat?: number
  paid_at?: number
  status?: string
}
interface Payout {
  id: string
  amount_msat: number
  status: string
  destination_ln_address?: string
  created_at?: number
  attempts?: number
}
interface LedgerRow {
  type: string
  amount_msat: number
}
interface Ledger {
  items?: LedgerRow[]
  balance_owed_msat?: number
}

/** Owed = Σ DEVELOPER_NET − Σ PAYOUT_SENT, unless the service states it (ledger invariant, DESIGN.md section 3). */
function owedMsat(l: Ledger | LedgerRow[] | undefined): number | undefined {
  if (!l) return undefined
  if (!Array.isArray(l) && typeof l.balance_owed_msat === 'number') return l.balance_owed_msat
  const items = Array.isArray(l) ? l : (l.items ?? [])
  const sum = (t: string) => items.filter((r) => r.type === t).reduce((a, r) => a + r.amount_msat, 0)
  return sum('DEVELOPER_NET') - sum('PAYOUT_SENT')
}

export default function Developer() {
  const session = useSession()
  const [games, setGames] = useState<DevGame[]>()
  const [sales, setSales] = useState<Sale[]>()
  const [payouts, setPayouts] = useState<Payout[]>()
  const [ledger, setLedger] = useState<Ledger | LedgerRow[]>()
  const [error, setError] = useState<string>()
  const [msg, setMsg] = useState<{ ok: boolean; text: string }>()
  const [address, setAddress] = useState('')

  const load = () => {
    if (!session) return
    const fail = (e: unknown) => setError(e instanceof ApiError ? e.message : String(e))
    api<Rows<DevGame>>('GET', '/api/v1/developer/games', { auth: true }).then((r) => setGames(rows(r)), fail)
    api<Rows<Sale>>('GET', '/api/v1/developer/sales', { auth: true }).then((r) => setSales(rows(r)), fail)
    api<Rows<Payout>>('GET', '/api/v1/developer/payouts', { auth: true }).then((r) => setPayouts(rows(r)), fail)
    api<Ledger | LedgerRow[]>('GET', '/api/v1/developer/ledger', { auth: true }).then(setLedger, fail)
  }
  useEffect(load, [session?.pubkey])

  if (!session) {
    return (
      <section>
        <h1>Developers</h1>
        <p>
          Sell your games for sats, signed with your own Nostr key. <a href="/signin?next=%2Fdeveloper">Sign in</a> to see your games, sales and payouts.
          The <code>zapcade</code> CLI publishes games and uploads releases.
        </p>
      </section>
    )
  }

  const say = (ok: boolean, text: string) => setMsg({ ok, text })
  const list = async (g: DevGame) => {
    try {
      const { listDraft } = await import('../lib/publish.ts')
      await listDraft(g, await marketInfo())
      say(true, `${g.title} is now listed.`)
      load()
    } catch (e) {
      say(false, e instanceof Error ? e.message : String(e))
    }
  }
  const saveAddress = async (e: Event) => {
    e.preventDefault()
    try {
      await api('PUT', '/api/v1/developer/profile', { body: { payout_ln_address: address.trim() }, auth: true })
      say(true, 'Payout address saved.')
    } catch (x) {
      say(false, x instanceof Error ? x.message : String(x))
    }
  }
  const owed = owedMsat(ledger)

  return (
    <section class="dashboard">
      <h1>Developer dashboard</h1>
      {error ? <p role="alert" class="error">{error}</p> : null}
      {msg ? (
        <p role={msg.ok ? 'status' : 'alert'} class={msg.ok ? 'ok' : 'error'}>
          {msg.text}
        </p>
      ) : null}

      <div class="stats">
        <p>
          <span class="muted">Balance owed to you</span> <strong data-testid="owed">{owed === undefined ? '…' : satsText(Math.max(0, owed))}</strong>
        </p>
        <p>
          <span class="muted">Sales</span> <strong>{sales?.length ?? '…'}</strong>
        </p>
      </div>

      <section aria-labelledby="games-h">
        <h2 id="games-h">Your games</h2>
        {games?.length === 0 ? <p>No games yet: create a draft below or use <code>zapcade game publish</code>.</p> : null}
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
                <td>{g.status === 'DRAFT' ? g.title : <a href={`/game/${gamePath(g)}`}>{g.title}</a>}</td>
                <td>
                  <span class={`pill ${g.status.toLowerCase()}`}>{g.status}</span>
                </td>
                <td>{priceText(g.price_msat)}</td>
                <td>{g.releases?.map((r) => r.version).join(', ') || '—'}</td>
                <td>
                  {g.status === 'DRAFT' ? (
                    <button type="button" onClick={() => void list(g)} aria-label={`List ${g.title}`}>
                      List it
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <DraftForm onDone={(ok, text) => (say(ok, text), ok && load())} />

      <section aria-labelledby="sales-h">
        <h2 id="sales-h">Sales</h2>
        {sales?.length === 0 ? <p>No sales yet.</p> : null}
        <ul class="plain">
          {sales?.map((s, i) => (
            <li key={s.id ?? s.purchase_id ?? i}>
              {s.game ?? s.slug ?? 'game'} · {satsText(s.amount_msat)}
              {s.net_msat !== undefined ? ` (net ${satsText(s.net_msat)})` : ''}
              {s.paid_at ? ` · ${dateText(s.paid_at)}` : ''}
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
              {satsText(p.amount_msat)} · <span class="pill">{p.status}</span>
              {p.destination_ln_address ? ` → ${p.destination_ln_address}` : ''}
              {p.created_at ? ` · ${dateText(p.created_at)}` : ''}
            </li>
          ))}
        </ul>
        <form onSubmit={(e) => void saveAddress(e)} class="panel">
          <div class="field">
            <label for="payout">Payout Lightning address</label>
            <input id="payout" type="email" inputMode="email" placeholder="you@wallet.example" value={address} onInput={(e) => setAddress((e.currentTarget as HTMLInputElement).value)} required />
          </div>
          <button type="submit">Save payout address</button>
        </form>
      </section>
    </section>
  )
}
