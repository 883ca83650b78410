/**
 * A small history-API router: the service answers index.html for every non-API path (SPA fallback in
 * market-service/src/routes/web.ts), so deep links such as /game/<pubkey>/<slug> load directly.
 */
import { useEffect, useState } from 'preact/hooks'

export interface Location {
  path: string
  query: URLSearchParams
}

const listeners = new Set<() => void>()
const read = (): Location => ({
  path: location.pathname,
  query: new URLSearchParams(location.search),
})

/** Go to a path inside the app (pushes history, scrolls to the top, moves focus to the main heading). */
export function navigate(to: string, replace = false): void {
  if (replace) history.replaceState(null, '', to)
  else history.pushState(null, '', to)
  for (const l of listeners) l()
  window.scrollTo(0, 0)
  // Keyboard and screen-reader users land on the new page's content, not at the end of the old one.
  queueMicrotask(() => document.getElementById('main')?.focus({ preventScroll: true }))
}

/** Preact hook: the current location, re-rendered on navigation and back/forward. */
export function useLocation(): Location {
  const [loc, setLoc] = useState(read)
  useEffect(() => {
    const l = () => setLoc(read())
    listeners.add(l)
    window.addEventListener('popstate', l)
    return () => {
      listeners.delete(l)
      window.removeEventListener('popstate', l)
    }
  }, [])
  return loc
}

/** Intercept plain left-clicks on same-origin links so navigation stays inside the app. */
export function installLinkInterceptor(): void {
  document.addEventListener('click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey)
      return
    const a = (e.target as Element | null)?.closest?.('a')
    if (!a || a.target || a.hasAttribute('download') || a.dataset.external !== undefined) return
    // In-page anchors (the skip link) keep the browser's own behaviour: scroll and focus the target.
    if (a.getAttribute('href')?.startsWith('#')) return
    const url = new URL(a.href, location.href)
    if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return
    e.preventDefault()
    navigate(url.pathname + url.search)
  })
}

/** Match `/game/:pubkey/:slug` style patterns; answers the params or undefined. */
export function match(pattern: string, path: string): Record<string, string> | undefined {
  const p = pattern.split('/')
  const s = path.split('/')
  if (p.length !== s.length) return undefined
  const out: Record<string, string> = {}
  for (let i = 0; i < p.length; i++) {
    const seg = p[i] ?? ''
    const val = s[i] ?? ''
    if (seg.startsWith(':')) {
      if (!val) return undefined
      out[seg.slice(1)] = decodeURIComponent(val)
    } else if (seg !== val) return undefined
  }
  return out
}
