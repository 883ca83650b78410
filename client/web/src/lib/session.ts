/**
 * Who is signed in, as a tiny observable store. The market never holds the user's key: a session is a
 * Signer (NIP-07 extension, NIP-46 bunker or the embedded key) plus its pubkey, or nothing (a guest).
 */
import { useEffect, useState } from 'preact/hooks'
import type { Signer } from '@zapcade/client/signers/signer'

export type SignerKind = 'nip07' | 'nip46' | 'embedded'

export interface Session {
  kind: SignerKind
  pubkey: string
  signer: Signer
}

let current: Session | undefined
const listeners = new Set<() => void>()

/** The signed-in session, or undefined for a guest. */
export function getSession(): Session | undefined {
  return current
}

/** Replace the session (undefined = sign out) and notify views. */
export function setSession(s: Session | undefined): void {
  const old = current
  current = s
  if (old && old !== s) void old.signer.close?.()
  if (s) localStorage.setItem('zapcade.signer', s.kind)
  else localStorage.removeItem('zapcade.signer')
  for (const l of listeners) l()
}

/**
 * True when this browser keeps an embedded key (NIP-49 encrypted) that was signed in before a reload and
 * not signed out: the session survives as "locked", and the key's password unlocks it again. The key
 * itself is never kept unencrypted outside the tab's memory.
 */
export function isLocked(): boolean {
  return (
    !current &&
    localStorage.getItem('zapcade.signer') === 'embedded' &&
    localStorage.getItem('zapcade.ncryptsec') !== null
  )
}

/** Preact hook: re-render when the session changes. */
export function useSession(): Session | undefined {
  const [, tick] = useState(0)
  useEffect(() => {
    const l = () => tick((n) => n + 1)
    listeners.add(l)
    return () => void listeners.delete(l)
  }, [])
  return current
}
