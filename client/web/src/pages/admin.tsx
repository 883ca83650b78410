/**
 * Admin page (NIP-98 by a pubkey in ZAPCADE_ADMIN_PUBKEYS): feature, list or ban a game, and run the
 * ledger invariant check. A non-admin sees the service's refusal.
 */
import { useState } from 'preact/hooks'
import { api, ApiError } from '../lib/api.ts'
import { useSession } from '../lib/session.ts'
import type { LedgerCheckResponse as LedgerCheck } from '../lib/types.ts'


export default function Admin() {
  const session = useSession()
  const [game, setGame] = useState('')
  const [status, setStatus] = useState('FEATURED')
  const [msg, setMsg] = useState<{ ok: boolean; text: string }>()
  const [check, setCheck] = useState<LedgerCheck>()
  const fail = (e: unknown) => setMsg({ ok: false, text: e instanceof ApiError ? e.message : String(e) })

  if (!session) return <section><h1>Admin</h1><p><a href="/signin?next=%2Fadmin">Sign in</a> with an admin key.</p></section>

  const setGameStatus = async (e: Event) => {
    e.preventDefault()
    const m = /^([0-9a-f]{64})\/([a-z0-9][a-z0-9._-]{0,63})$/.exec(game.trim())
    if (!m) return setMsg({ ok: false, text: 'Game: <hex pubkey>/<slug>.' })
    try {
      await api('POST', `/api/v1/admin/games/${m[1]}/${m[2]}/status`, { body: { status }, auth: true })
      setMsg({ ok: true, text: `${m[2]} is now ${status}.` })
    } catch (x) {
      fail(x)
    }
  }
  const runCheck = () => api<LedgerCheck>('GET', '/api/v1/admin/ledger/check', { auth: true }).then(setCheck, fail)

  return (
    <section>
      <h1>Admin</h1>
      {msg ? <p role={msg.ok ? 'status' : 'alert'} class={msg.ok ? 'ok' : 'error'}>{msg.text}</p> : null}
      <form class="panel" onSubmit={(e) => void setGameStatus(e)}>
        <h2>Feature or ban a game</h2>
        <div class="field">
          <label for="a-game">Game (pubkey/slug)</label>
          <input id="a-game" value={game} onInput={(e) => setGame((e.currentTarget as HTMLInputElement).value)} spellcheck={false} required />
        </div>
        <div class="field">
          <label for="a-status">Status</label>
          <select id="a-status" value={status} onChange={(e) => setStatus((e.currentTarget as HTMLSelectElement).value)}>
            <option value="FEATURED">Featured</option>
            <option value="LISTED">Listed</option>
            <option value="BANNED">Banned</option>
          </select>
        </div>
        <button type="submit">Apply</button>
      </form>
      <section class="panel" aria-labelledby="ledger-h">
        <h2 id="ledger-h">Ledger check</h2>
        <button type="button" onClick={() => void runCheck()}>Check the ledger invariants</button>
        {check ? (
          <p role="status" class={check.ok ? 'ok' : 'error'}>
            {check.ok ? 'All invariants hold.' : `${check.violations.length} violation(s):`}
          </p>
        ) : null}
        {check ? <p class="muted">Checked {check.checked.purchases} purchases, {check.checked.entries} entries, {check.checked.developers} developers.</p> : null}
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
