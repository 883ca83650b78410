/**
 * The developer's commerce tools in the dashboard (docs/keys-gifts-sales.md, docs/refunds.md), every
 * call NIP-98 with the session's signer: per game, mint download keys (offered as a CSV file, shown
 * once) and revoke one, schedule a sale and create discount codes (with the existing ones listed);
 * and the refund requests waiting for the developer, with approve and decline. Part of the dashboard's
 * lazily loaded chunk, so none of it weighs on the catalog's first load.
 */
import { useEffect, useState } from 'preact/hooks'
import type { KeyStatsResponse, MintKeysResponse } from '@zapcade/shared/api/keys'
import type { RefundListResponse } from '@zapcade/shared/api/refunds'
import type { CodeDto, SaleDto } from '@zapcade/shared/api/sales'
import { api, ApiError } from '../lib/api.ts'
import { dateText, satsText, shortKey } from '../lib/format.ts'
import type { DevGame } from '../lib/types.ts'

type Say = (ok: boolean, text: string) => void
const errText = (e: unknown) =>
  e instanceof ApiError || e instanceof Error ? e.message : String(e)
const dev = (slug: string, rest: string) =>
  `/api/v1/developer/games/${encodeURIComponent(slug)}/${rest}`

/** A `datetime-local` value (the browser's time zone) for a unix time, to the minute. */
function localInput(sec: number): string {
  const d = new Date(sec * 1000)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`
}
const toSec = (v: string) => Math.floor(new Date(v).getTime() / 1000)

/** One key a line under a `key` header: what a giveaway sheet or a mail merge imports. */
export function keysCsv(keys: string[]): string {
  return `key\r\n${keys.join('\r\n')}\r\n`
}

function KeysPanel({ game, say }: { game: DevGame; say: Say }) {
  const [count, setCount] = useState('10')
  const [stats, setStats] = useState<KeyStatsResponse>()
  const [csv, setCsv] = useState<{ url: string; n: number }>()
  const [revoke, setRevoke] = useState('')
  const loadStats = () =>
    void api<KeyStatsResponse>('GET', dev(game.slug, 'keys'), { auth: true }).then(
      setStats,
      () => undefined,
    )
  useEffect(() => {
    setCsv(undefined)
    loadStats()
  }, [game.slug])
  // The object URL holds the keys in memory: release it when a new batch replaces it.
  useEffect(() => () => csv && URL.revokeObjectURL(csv.url), [csv?.url])

  const mint = async (e: Event) => {
    e.preventDefault()
    try {
      const r = await api<MintKeysResponse>('POST', dev(game.slug, 'keys'), {
        body: { count: Number(count) },
        auth: true,
      })
      const blob = new Blob([keysCsv(r.keys)], { type: 'text/csv' })
      setCsv({ url: URL.createObjectURL(blob), n: r.keys.length })
      say(
        true,
        `${r.keys.length} keys minted for ${game.title}. Download them now: they are shown once.`,
      )
      loadStats()
    } catch (x) {
      say(false, errText(x))
    }
  }
  const revokeKey = async (e: Event) => {
    e.preventDefault()
    try {
      await api('POST', `/api/v1/developer/keys/${encodeURIComponent(revoke.trim())}/revoke`, {
        auth: true,
      })
      say(true, 'Key revoked: it can no longer be redeemed.')
      setRevoke('')
      loadStats()
    } catch (x) {
      say(false, errText(x))
    }
  }

  return (
    <div class="panel" data-testid="keys-panel">
      <h3>Download keys</h3>
      <p class="muted" data-testid="key-stats">
        {stats
          ? `${stats.minted} minted · ${stats.redeemed} redeemed · ${stats.revoked} revoked · ${stats.open} open`
          : '…'}
      </p>
      <form class="row" onSubmit={(e) => void mint(e)}>
        <label for="key-count">Number of keys</label>
        <input
          id="key-count"
          type="number"
          min={1}
          max={10000}
          value={count}
          onInput={(e) => setCount((e.currentTarget as HTMLInputElement).value)}
          required
        />
        <button type="submit">Mint keys</button>
      </form>
      {csv ? (
        <p>
          <a
            class="button"
            href={csv.url}
            download={`${game.slug}-keys.csv`}
            data-testid="keys-csv"
          >
            Download {csv.n} keys (CSV)
          </a>
        </p>
      ) : null}
      <form class="row" onSubmit={(e) => void revokeKey(e)}>
        <label for="revoke-key">Key to revoke</label>
        <input
          id="revoke-key"
          value={revoke}
          onInput={(e) => setRevoke((e.currentTarget as HTMLInputElement).value)}
          required
        />
        <button type="submit" class="secondary">
          Revoke key
        </button>
      </form>
    </div>
  )
}

function SalesPanel({ game, say }: { game: DevGame; say: Say }) {
  const now = Math.floor(Date.now() / 1000)
  const [sales, setSales] = useState<SaleDto[]>()
  const [codes, setCodes] = useState<CodeDto[]>()
  const [percent, setPercent] = useState('20')
  const [start, setStart] = useState(localInput(now))
  const [end, setEnd] = useState(localInput(now + 7 * 86400))
  const [code, setCode] = useState('')
  const [codeKind, setCodeKind] = useState<'percent' | 'sats'>('percent')
  const [codeValue, setCodeValue] = useState('10')
  const [maxUses, setMaxUses] = useState('100')
  const [expires, setExpires] = useState('')
  const load = () => {
    void api<{ items: SaleDto[] }>('GET', dev(game.slug, 'sales'), { auth: true }).then(
      (r) => setSales(r.items),
      () => undefined,
    )
    void api<{ items: CodeDto[] }>('GET', dev(game.slug, 'codes'), { auth: true }).then(
      (r) => setCodes(r.items),
      () => undefined,
    )
  }
  useEffect(load, [game.slug])

  const schedule = async (e: Event) => {
    e.preventDefault()
    try {
      await api('POST', dev(game.slug, 'sales'), {
        body: { percent_off: Number(percent), starts_at: toSec(start), ends_at: toSec(end) },
        auth: true,
      })
      say(true, `Sale of ${percent}% scheduled for ${game.title}.`)
      load()
    } catch (x) {
      say(false, errText(x))
    }
  }
  const createCode = async (e: Event) => {
    e.preventDefault()
    const value = Number(codeValue)
    try {
      const c = await api<CodeDto>('POST', dev(game.slug, 'codes'), {
        body: {
          code,
          ...(codeKind === 'percent' ? { percent_off: value } : { amount_off_msat: value * 1000 }),
          max_uses: Number(maxUses),
          expires_at: expires ? toSec(expires) : null,
        },
        auth: true,
      })
      say(true, `Code ${c.code} created for ${game.title}.`)
      setCode('')
      load()
    } catch (x) {
      say(false, errText(x))
    }
  }
  const input = (set: (v: string) => void) => (e: Event) =>
    set((e.currentTarget as HTMLInputElement).value)

  return (
    <div class="panel" data-testid="sales-panel">
      <h3>Sales</h3>
      {sales?.length === 0 ? <p>No sale scheduled.</p> : null}
      <ul class="plain" data-testid="sale-list">
        {sales?.map((s) => (
          <li key={s.id}>
            −{s.percent_off}% from {dateText(s.starts_at)} to {dateText(s.ends_at)}
            {s.starts_at <= now && now < s.ends_at ? <span class="pill"> running</span> : null}
          </li>
        ))}
      </ul>
      <form onSubmit={(e) => void schedule(e)}>
        <div class="field">
          <label for="sale-percent">Percent off</label>
          <input
            id="sale-percent"
            type="number"
            min={1}
            max={100}
            value={percent}
            onInput={input(setPercent)}
            required
          />
        </div>
        <div class="field">
          <label for="sale-start">Starts</label>
          <input
            id="sale-start"
            type="datetime-local"
            value={start}
            onInput={input(setStart)}
            required
          />
        </div>
        <div class="field">
          <label for="sale-end">Ends</label>
          <input id="sale-end" type="datetime-local" value={end} onInput={input(setEnd)} required />
        </div>
        <button type="submit">Schedule sale</button>
      </form>

      <h3>Discount codes</h3>
      {codes?.length === 0 ? <p>No codes yet.</p> : null}
      <ul class="plain" data-testid="code-list">
        {codes?.map((c) => (
          <li key={c.id}>
            <code>{c.code}</code> ·{' '}
            {c.percent_off !== null ? `−${c.percent_off}%` : `−${satsText(c.amount_off_msat ?? 0)}`}{' '}
            · {c.uses}/{c.max_uses} used
            {c.expires_at !== null ? ` · expires ${dateText(c.expires_at)}` : ''}
          </li>
        ))}
      </ul>
      <form onSubmit={(e) => void createCode(e)}>
        <div class="field">
          <label for="code-code">Code</label>
          <input
            id="code-code"
            value={code}
            pattern="[A-Za-z0-9_\-]{3,40}"
            title="letters, digits, - and _, 3 to 40"
            onInput={input(setCode)}
            required
          />
        </div>
        <div class="field">
          <label for="code-kind">Discount</label>
          <select
            id="code-kind"
            value={codeKind}
            onChange={(e) =>
              setCodeKind((e.currentTarget as HTMLSelectElement).value as 'percent' | 'sats')
            }
          >
            <option value="percent">Percent off</option>
            <option value="sats">Sats off</option>
          </select>
          <label for="code-value" class="visually-hidden">
            Amount off
          </label>
          <input
            id="code-value"
            type="number"
            min={1}
            max={codeKind === 'percent' ? 100 : undefined}
            value={codeValue}
            onInput={input(setCodeValue)}
            required
          />
        </div>
        <div class="field">
          <label for="code-uses">Max uses</label>
          <input
            id="code-uses"
            type="number"
            min={1}
            value={maxUses}
            onInput={input(setMaxUses)}
            required
          />
        </div>
        <div class="field">
          <label for="code-expires">Expires (optional)</label>
          <input
            id="code-expires"
            type="datetime-local"
            value={expires}
            onInput={input(setExpires)}
          />
        </div>
        <button type="submit">Create code</button>
      </form>
    </div>
  )
}

/** Keys, sales and codes for one of the developer's listed games, picked from a list. */
export function CommercePanel({ games, say }: { games: DevGame[]; say: Say }) {
  const [slug, setSlug] = useState<string>()
  const game = games.find((g) => g.slug === slug) ?? games[0]
  if (!game) return null
  return (
    <section aria-labelledby="commerce-h">
      <h2 id="commerce-h">Keys, sales and codes</h2>
      <div class="field">
        <label for="commerce-game">Game</label>
        <select
          id="commerce-game"
          value={game.slug}
          onChange={(e) => setSlug((e.currentTarget as HTMLSelectElement).value)}
        >
          {games.map((g) => (
            <option key={g.slug} value={g.slug}>
              {g.title}
            </option>
          ))}
        </select>
      </div>
      <KeysPanel game={game} say={say} />
      <SalesPanel game={game} say={say} />
    </section>
  )
}

type Refund = RefundListResponse['items'][number]

/** Refund requests of the developer's games waiting for a decision (outside the refund policy). */
export function RefundsPanel({ say }: { say: Say }) {
  const [items, setItems] = useState<Refund[]>()
  const load = () =>
    void api<RefundListResponse>('GET', '/api/v1/developer/refunds?status=REQUESTED', {
      auth: true,
    }).then(
      (r) => setItems(r.items),
      () => undefined,
    )
  useEffect(load, [])
  const decide = async (r: Refund, action: 'approve' | 'decline') => {
    try {
      await api('POST', `/api/v1/developer/refunds/${encodeURIComponent(r.refund_id)}/${action}`, {
        body: {},
        auth: true,
      })
      say(true, action === 'approve' ? 'Refund approved: the money goes back.' : 'Refund declined.')
      load()
    } catch (x) {
      say(false, errText(x))
    }
  }
  return (
    <section aria-labelledby="refunds-h">
      <h2 id="refunds-h">Refund requests</h2>
      {items?.length === 0 ? <p>No refund request is waiting for you.</p> : null}
      <ul class="plain" data-testid="refund-requests">
        {items?.map((r) => (
          <li key={r.refund_id}>
            {r.game?.title ?? 'a removed game'} · {satsText(r.amount_msat)} ·{' '}
            {r.buyer_pubkey ? shortKey(r.buyer_pubkey) : 'a guest'}
            {r.reason ? (
              <>
                <br />
                <small class="reason">“{r.reason}”</small>
              </>
            ) : null}
            <div class="row">
              <button type="button" onClick={() => void decide(r, 'approve')}>
                Approve
              </button>
              <button type="button" class="secondary" onClick={() => void decide(r, 'decline')}>
                Decline
              </button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  )
}
