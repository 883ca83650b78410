/**
 * The signed-in caller as the market sees it (`GET /api/v1/me`, NIP-98): admin or not, payout address,
 * game count. Asked once per signed-in pubkey and shared by every view (one signature, not one per page);
 * a failed answer is not kept, so the next view asks again. Showing or hiding a link grants nothing:
 * the admin routes still check the key themselves.
 */
import { useEffect, useState } from 'preact/hooks'
import { api } from './api.ts'
import { getSession, useSession } from './session.ts'
import type { Me as MeResponse } from './types.ts'

let cached: { pubkey: string; answer: Promise<MeResponse | undefined> } | undefined

/** The caller's `/api/v1/me`, or undefined for a guest or when the market could not answer. */
export function loadMe(): Promise<MeResponse | undefined> {
  const s = getSession()
  if (!s) return Promise.resolve(undefined)
  if (cached?.pubkey !== s.pubkey) {
    const entry: { pubkey: string; answer: Promise<MeResponse | undefined> } = {
      pubkey: s.pubkey,
      answer: Promise.resolve(undefined),
    }
    entry.answer = api<MeResponse>('GET', '/api/v1/me', { auth: true }).catch(() => {
      if (cached === entry) cached = undefined
      return undefined
    })
    cached = entry
  }
  return cached.answer
}

/** Forget the cached answer after the caller changed what it reports (e.g. the payout address). */
export function forgetMe(): void {
  cached = undefined
}

/** Preact hook: the signed-in caller's `/api/v1/me` once known, else undefined. */
export function useMe(): MeResponse | undefined {
  const session = useSession()
  const [me, setMe] = useState<MeResponse>()
  useEffect(() => {
    setMe(undefined)
    if (!session) return
    let live = true
    void loadMe().then((m) => {
      if (live && m?.pubkey === session.pubkey) setMe(m)
    })
    return () => {
      live = false
    }
  }, [session?.pubkey])
  return me
}
