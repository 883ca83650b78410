/** A developer's NIP-05 identifier with its check: "verified" once their domain confirms the key. */
import { useEffect, useState } from 'preact/hooks'
import { nip05Text, verifyNip05, type Nip05State } from '../lib/nip05.ts'

export function Nip05Badge({ nip05, pubkey }: { nip05: string; pubkey: string }) {
  const [state, setState] = useState<Nip05State>('checking')
  useEffect(() => {
    let live = true
    setState('checking')
    verifyNip05(nip05, pubkey).then(
      (ok) => live && setState(ok ? 'verified' : 'unverified'),
      () => live && setState('unverified'),
    )
    return () => {
      live = false
    }
  }, [nip05, pubkey])
  const text = nip05Text(nip05)
  return (
    <p class={`nip05 ${state}`} data-testid="nip05" data-state={state}>
      {state === 'verified' ? (
        <span title={`${text} confirms this key (NIP-05)`}>
          <span aria-hidden="true">✓ </span>
          {text} <span class="pill ok">verified</span>
        </span>
      ) : (
        <span
          title={
            state === 'checking'
              ? `Checking ${text}…`
              : `${text} does not confirm this key (NIP-05): the name is only a claim`
          }
        >
          {text} <span class="pill warn">{state === 'checking' ? 'checking…' : 'unverified'}</span>
        </span>
      )}
    </p>
  )
}
