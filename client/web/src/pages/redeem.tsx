/**
 * Redeeming a download key (`/redeem`): signed in, the key entitles the session's pubkey (NIP-98) and
 * the game is in the library; as a guest, the market answers a receipt code, shown once like a guest
 * checkout's, to claim into an account later.
 */
import { useState } from 'preact/hooks'
import { gamePath } from '../lib/api.ts'
import { redeemKey, type RedeemKeyResponse } from '../lib/commerce.ts'
import { useSession } from '../lib/session.ts'

export default function Redeem() {
  const session = useSession()
  const [key, setKey] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  const [done, setDone] = useState<RedeemKeyResponse>()

  const submit = async (e: Event) => {
    e.preventDefault()
    setBusy(true)
    setError(undefined)
    try {
      setDone(await redeemKey(key))
    } catch (err) {
      // Unknown, revoked and spent keys read as such (KEY_INVALID, KEY_REVOKED, KEY_REDEEMED in api.ts).
      setError(err instanceof Error ? err.message : String(err))
    } finally {
      setBusy(false)
    }
  }

  if (done) {
    const href = `/game/${gamePath(done.game)}`
    return (
      <section aria-labelledby="redeemed-h" class="buy paid">
        <h1 id="redeemed-h">Redeemed — {done.game.title} is yours</h1>
        {done.receipt_code ? (
          <div class="receipt" role="alert">
            <p>
              <strong>Keep this receipt code.</strong> It is the only proof of your redemption: the
              market stores just a hash of it and cannot show it again. Write it down, or sign in
              and claim it into an account.
            </p>
            <p class="code" data-testid="receipt-code">
              {done.receipt_code}
            </p>
            <button
              type="button"
              class="secondary"
              onClick={() => void navigator.clipboard?.writeText(done.receipt_code ?? '')}
            >
              Copy code
            </button>
          </div>
        ) : (
          <p role="status">
            It is in your <a href="/library">library</a>, with every future release.
          </p>
        )}
        <p>
          <a href={href}>Go to {done.game.title}</a>
        </p>
      </section>
    )
  }

  return (
    <section>
      <h1>Redeem a download key</h1>
      <form class="panel" onSubmit={(e) => void submit(e)}>
        <div class="field">
          <label for="key">Download key</label>
          <input
            id="key"
            value={key}
            onInput={(e) => setKey((e.currentTarget as HTMLInputElement).value)}
            autocomplete="off"
            spellcheck={false}
            minLength={8}
            required
          />
          <small>
            {session
              ? 'The game goes into the library of the account you are signed in with.'
              : 'As a guest you get a receipt code. Sign in first to put the game in your library.'}
          </small>
        </div>
        {error ? (
          <p role="alert" class="error">
            {error}
          </p>
        ) : null}
        <button type="submit" disabled={busy}>
          Redeem
        </button>
      </form>
      {!session ? (
        <p class="note">
          <a href="/signin?next=%2Fredeem">Sign in</a> to redeem into your library.
        </p>
      ) : null}
    </section>
  )
}
