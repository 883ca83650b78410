/**
 * Sign in without handing a key to the market: a NIP-07 extension, a NIP-46 bunker, or an embedded key
 * made in this browser and stored only NIP-49 encrypted under a password (exportable), or go on as a guest.
 */
import { useState } from 'preact/hooks'
import { navigate } from '../lib/router.ts'
import { useSession } from '../lib/session.ts'
import * as signers from '../lib/signers.ts'
import { safeNext } from '../lib/safe-next.ts'

function useAction(next: string) {
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState<string>()
  const run = (label: string, f: () => Promise<unknown>) => async (e?: Event) => {
    e?.preventDefault()
    setBusy(label)
    setError(undefined)
    try {
      await f()
      navigate(next, true)
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
    } finally {
      setBusy(undefined)
    }
  }
  return { error, busy, run }
}

const val = (form: EventTarget | null, name: string): string => {
  const el = (form as HTMLFormElement | null)?.elements.namedItem(name)
  return el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement ? el.value : ''
}

function KeyExport() {
  const [shown, setShown] = useState<string>()
  const [err, setErr] = useState<string>()
  const enc = signers.storedNcryptsec()
  if (!enc) return null
  const reveal = (e: Event) => {
    e.preventDefault()
    try {
      setShown(signers.exportNsec(val(e.currentTarget, 'export-pw')))
      setErr(undefined)
    } catch (x) {
      setErr(x instanceof Error ? x.message : String(x))
    }
  }
  return (
    <section aria-labelledby="export-h" class="panel">
      <h2 id="export-h">Back up your key</h2>
      <p>
        This browser keeps your key encrypted with your password (NIP-49). Copy the encrypted key to
        keep it somewhere safe; any Nostr app that reads ncryptsec can open it.
      </p>
      <div class="field">
        <label for="ncryptsec">Encrypted key (ncryptsec)</label>
        <textarea id="ncryptsec" readOnly rows={3} value={enc} />
      </div>
      <form onSubmit={reveal}>
        <div class="field">
          <label for="export-pw">Password, to show the unencrypted key (nsec)</label>
          <input
            id="export-pw"
            name="export-pw"
            type="password"
            autocomplete="current-password"
            required
          />
        </div>
        <button type="submit" class="secondary">
          Show nsec
        </button>
      </form>
      {err ? (
        <p role="alert" class="error">
          {err}
        </p>
      ) : null}
      {shown ? (
        <div class="field">
          <label for="nsec-out">Your secret key — anyone who sees it controls your account</label>
          <input id="nsec-out" readOnly value={shown} class="mono" />
        </div>
      ) : null}
    </section>
  )
}

export default function SignIn(props: { next: string }) {
  // Checked again here: whoever renders this page, only a same-origin path is followed or linked.
  const next = safeNext(props.next)
  const session = useSession()
  const { error, busy, run } = useAction(next)
  const stored = signers.storedNcryptsec()
  const [authUrl, setAuthUrl] = useState<string>()

  if (session) {
    return (
      <section>
        <h1>Signed in</h1>
        <p>
          You are signed in as <code class="mono">{session.pubkey}</code> (
          {session.kind === 'embedded'
            ? 'key in this browser'
            : session.kind === 'nip07'
              ? 'browser extension'
              : 'remote signer'}
          ).
        </p>
        <p>
          <a href={next}>Continue</a>
        </p>
        {session.kind === 'embedded' ? <KeyExport /> : null}
      </section>
    )
  }

  return (
    <section class="signin">
      <h1>Sign in</h1>
      <p>
        Zapcade never asks for your private key. Choose how your key signs for you, or continue as a
        guest.
      </p>
      {error ? (
        <p role="alert" class="error">
          {error}
        </p>
      ) : null}

      <div class="panels">
        <section class="panel" aria-labelledby="embedded-h">
          <h2 id="embedded-h">Key in this browser</h2>
          {stored ? (
            <>
              <form
                onSubmit={(e) =>
                  void run('unlock', () =>
                    signers.unlockEmbedded(val(e.currentTarget, 'unlock-pw')),
                  )(e)
                }
              >
                <div class="field">
                  <label for="unlock-pw">Password of the key stored here</label>
                  <input
                    id="unlock-pw"
                    name="unlock-pw"
                    type="password"
                    autocomplete="current-password"
                    required
                  />
                </div>
                <button type="submit" disabled={!!busy}>
                  {busy === 'unlock' ? 'Unlocking…' : 'Unlock'}
                </button>
              </form>
              <button
                type="button"
                class="link"
                onClick={() => {
                  if (
                    confirm(
                      'Forget the key stored in this browser? Without a backup you lose this account.',
                    )
                  ) {
                    signers.forgetEmbedded()
                    navigate(`/signin?next=${encodeURIComponent(next)}`, true)
                  }
                }}
              >
                Forget the stored key
              </button>
            </>
          ) : (
            <>
              <form
                onSubmit={(e) => {
                  const pw = val(e.currentTarget, 'new-pw')
                  if (pw !== val(e.currentTarget, 'new-pw2')) {
                    e.preventDefault()
                    return void run('create', () =>
                      Promise.reject(new Error('The two passwords differ.')),
                    )()
                  }
                  void run('create', () => signers.createEmbedded(pw))(e)
                }}
              >
                <p>
                  Make a new Nostr key here. It is stored encrypted (NIP-49) with your password and
                  never leaves this browser unencrypted.
                </p>
                <div class="field">
                  <label for="new-pw">New password</label>
                  <input
                    id="new-pw"
                    name="new-pw"
                    type="password"
                    autocomplete="new-password"
                    minLength={8}
                    required
                  />
                </div>
                <div class="field">
                  <label for="new-pw2">Repeat the password</label>
                  <input
                    id="new-pw2"
                    name="new-pw2"
                    type="password"
                    autocomplete="new-password"
                    minLength={8}
                    required
                  />
                </div>
                <button type="submit" disabled={!!busy}>
                  {busy === 'create' ? 'Creating…' : 'Create key'}
                </button>
              </form>
              <details>
                <summary>Import a key (nsec or ncryptsec)</summary>
                <form
                  onSubmit={(e) =>
                    void run('import', () =>
                      signers.importEmbedded(
                        val(e.currentTarget, 'import-key'),
                        val(e.currentTarget, 'import-pw'),
                      ),
                    )(e)
                  }
                >
                  <div class="field">
                    <label for="import-key">nsec1…, hex or ncryptsec1…</label>
                    <input
                      id="import-key"
                      name="import-key"
                      type="password"
                      autocomplete="off"
                      required
                    />
                  </div>
                  <div class="field">
                    <label for="import-pw">
                      Password (to encrypt it here, or to open the ncryptsec)
                    </label>
                    <input
                      id="import-pw"
                      name="import-pw"
                      type="password"
                      autocomplete="new-password"
                      required
                    />
                  </div>
                  <button type="submit" disabled={!!busy}>
                    Import
                  </button>
                </form>
              </details>
            </>
          )}
        </section>

        <section class="panel" aria-labelledby="ext-h">
          <h2 id="ext-h">Browser extension (NIP-07)</h2>
          <p>Use Alby, nos2x or another Nostr extension; it asks you before each signature.</p>
          <button
            type="button"
            disabled={!signers.hasNip07() || !!busy}
            onClick={() => void run('nip07', signers.connectNip07)()}
          >
            Sign in with extension
          </button>
          {!signers.hasNip07() ? <p class="muted">No extension found in this browser.</p> : null}
        </section>

        <section class="panel" aria-labelledby="bunker-h">
          <h2 id="bunker-h">Remote signer (NIP-46)</h2>
          <form
            onSubmit={(e) =>
              void run('bunker', () =>
                signers.connectBunker(val(e.currentTarget, 'bunker'), (u) =>
                  setAuthUrl(/^https?:\/\//i.test(u) ? u : undefined),
                ),
              )(e)
            }
          >
            <div class="field">
              <label for="bunker">Bunker URI</label>
              <input
                id="bunker"
                name="bunker"
                type="text"
                placeholder="bunker://…?relay=wss://…"
                autocomplete="off"
                spellcheck={false}
                required
              />
            </div>
            <button type="submit" disabled={!!busy}>
              {busy === 'bunker' ? 'Waiting for the bunker…' : 'Connect'}
            </button>
          </form>
          {authUrl ? (
            <p role="status">
              Your signer asks for approval:{' '}
              <a href={authUrl} target="_blank" rel="noopener noreferrer">
                open it
              </a>
              .
            </p>
          ) : null}
        </section>

        <section class="panel" aria-labelledby="guest-h">
          <h2 id="guest-h">Guest</h2>
          <p>
            Buy without an account: you get a receipt code to download with, and can claim it into
            an account later.
          </p>
          <a class="button secondary" href={next}>
            Continue as guest
          </a>
        </section>
      </div>
    </section>
  )
}
