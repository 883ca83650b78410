/**
 * The library: games owned by the signed-in pubkey (GET /api/v1/me/library) with download buttons;
 * claiming a guest receipt into the account (POST /api/v1/purchases/claim, NIP-98); and the guest
 * receipts saved in this browser, downloadable without an account.
 */
import { useEffect, useState } from 'preact/hooks'
import { api, ApiError, gamePath } from '../lib/api.ts'
import { dateText } from '../lib/format.ts'
import { forgetReceipt, savedReceipts } from '../lib/receipts.ts'
import { useSession } from '../lib/session.ts'
import type { LibraryItem, LibraryResponse } from '../lib/types.ts'
import { DownloadButton } from './buy.tsx'
import { itemRef } from './library-data.ts'

export default function Library() {
  const session = useSession()
  const [items, setItems] = useState<LibraryItem[]>()
  const [error, setError] = useState<string>()
  const [claimMsg, setClaimMsg] = useState<{ ok: boolean; text: string }>()
  const [receipts, setReceipts] = useState(savedReceipts)
  const [code, setCode] = useState('')

  const load = () => {
    if (!session) return setItems(undefined)
    api<LibraryResponse>('GET', '/api/v1/me/library', { auth: true }).then(
      (lib) => setItems(lib.items),
      (e: unknown) => setError(e instanceof ApiError ? e.message : String(e)),
    )
  }
  useEffect(load, [session?.pubkey])

  const claim = async (receiptCode: string) => {
    setClaimMsg(undefined)
    try {
      await api('POST', '/api/v1/purchases/claim', { body: { receipt_code: receiptCode.trim() }, auth: true })
      forgetReceipt(receiptCode.trim())
      setReceipts(savedReceipts())
      setCode('')
      setClaimMsg({ ok: true, text: 'Claimed: the game is now in your library.' })
      load()
    } catch (e) {
      setClaimMsg({ ok: false, text: e instanceof ApiError ? e.message : String(e) })
    }
  }

  return (
    <section>
      <h1>Library</h1>
      {!session ? (
        <p>
          <a href="/signin?next=%2Flibrary">Sign in</a> to see the games you own. Guest purchases saved in this browser are below.
        </p>
      ) : (
        <>
          {error ? <p role="alert" class="error">{error}</p> : null}
          {items === undefined && !error ? <p aria-busy="true">Loading your games…</p> : null}
          {items?.length === 0 ? <p>No games yet. <a href="/">Find one</a>.</p> : null}
          <ul class="library" data-testid="library">
            {items?.map((i) => {
              const ref = itemRef(i)
              const title = i.game.title || ref.slug
              return (
                <li key={`${ref.pubkey}/${ref.slug}`}>
                  <a href={`/game/${gamePath(ref)}`}>{title}</a>
                  <small class="muted"> since {dateText(i.granted_at)}</small>
                  {i.revoked_at !== null ? <small class="error"> revoked</small> : null}
                  <DownloadButton game={ref} />
                </li>
              )
            })}
          </ul>
          <form
            class="panel claim"
            onSubmit={(e) => {
              e.preventDefault()
              void claim(code)
            }}
          >
            <h2>Claim a guest receipt</h2>
            <div class="field">
              <label for="receipt">Receipt code</label>
              <input id="receipt" value={code} onInput={(e) => setCode((e.currentTarget as HTMLInputElement).value)} autocomplete="off" spellcheck={false} required />
            </div>
            <button type="submit">Claim into my account</button>
          </form>
          {claimMsg ? (
            <p role={claimMsg.ok ? 'status' : 'alert'} class={claimMsg.ok ? 'ok' : 'error'}>
              {claimMsg.text}
            </p>
          ) : null}
        </>
      )}
      {receipts.length > 0 ? (
        <section aria-labelledby="guest-h" class="panel">
          <h2 id="guest-h">Guest purchases saved in this browser</h2>
          <p class="note">These receipt codes live only in this browser. Keep a copy elsewhere, or claim them into an account.</p>
          <ul class="library">
            {receipts.map((r) => {
              const [pubkey = '', slug = ''] = r.game.split('/')
              return (
                <li key={r.purchaseId}>
                  <a href={`/game/${gamePath({ pubkey, slug })}`}>{r.title}</a> <code class="mono">{r.code}</code>
                  <DownloadButton game={{ pubkey, slug }} receiptCode={r.code} />
                  {session ? (
                    <button type="button" class="secondary" onClick={() => void claim(r.code)}>
                      Claim
                    </button>
                  ) : null}
                </li>
              )
            })}
          </ul>
        </section>
      ) : null}
    </section>
  )
}
