/**
 * Unlock the key kept in this browser after a reload: the session was signed in with the embedded key
 * (stored NIP-49 encrypted), so a password brings it back in place, without leaving the page. The signers
 * chunk (nostr-tools crypto, scrypt) loads only when the form is sent.
 */
import { useState } from 'preact/hooks'

export function UnlockKey({ what }: { what: string }) {
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)
  const submit = async (e: Event) => {
    e.preventDefault()
    const el = (e.currentTarget as HTMLFormElement).elements.namedItem('locked-pw')
    const pw = el instanceof HTMLInputElement ? el.value : ''
    setBusy(true)
    setError(undefined)
    try {
      const { unlockEmbedded } = await import('../lib/signers.ts')
      await unlockEmbedded(pw)
    } catch (x) {
      setError(x instanceof Error ? x.message : String(x))
    } finally {
      setBusy(false)
    }
  }
  return (
    <form
      class="unlock panel"
      onSubmit={(e) => void submit(e)}
      aria-labelledby="locked-h"
      data-testid="unlock-key"
    >
      <h2 id="locked-h">Your key is locked</h2>
      <p>You are signed in with the key kept in this browser. Enter its password to {what}.</p>
      <div class="field">
        <label for="locked-pw">Password of the key stored here</label>
        <input
          id="locked-pw"
          name="locked-pw"
          type="password"
          autocomplete="current-password"
          required
        />
      </div>
      {error ? (
        <p role="alert" class="error">
          {error}
        </p>
      ) : null}
      <button type="submit" disabled={busy}>
        {busy ? 'Unlocking…' : 'Unlock'}
      </button>
    </form>
  )
}
