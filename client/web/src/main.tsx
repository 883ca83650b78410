/**
 * Zapcade storefront entry: the app shell (header, navigation, main landmark) and the routes. Only the
 * catalog is in the first bundle; every other page, the signers, markdown, QR and NWC load on demand
 * to keep the first load small (under 200 KB of JavaScript gzipped).
 */
import { render } from 'preact'
import type { ComponentType } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import './style.css'
import { installLinkInterceptor, match, useLocation } from './lib/router.ts'
import { useMe } from './lib/me.ts'
import { isLocked, setSession, useSession } from './lib/session.ts'
import { shortKey } from './lib/format.ts'
import { Browse } from './pages/browse.tsx'
import { safeNext } from './lib/safe-next.ts'

/** A page component loaded on first use. */
function lazyPage<P extends object>(
  load: () => Promise<{ default: ComponentType<P> }>,
): ComponentType<P> {
  let loaded: ComponentType<P> | undefined
  return function LazyPage(props: P) {
    const [C, setC] = useState<ComponentType<P> | undefined>(() => loaded)
    const [err, setErr] = useState<string>()
    useEffect(() => {
      if (C) return
      load().then(
        (m) => {
          loaded = m.default
          setC(() => m.default)
        },
        (e: unknown) => setErr(String(e)),
      )
    }, [])
    if (err) return <p role="alert">This page failed to load: {err}</p>
    return C ? <C {...props} /> : <p aria-busy="true">Loading…</p>
  }
}

const GamePage = lazyPage<{ pubkey: string; slug: string }>(() => import('./pages/game.tsx'))
const SignIn = lazyPage<{ next: string }>(() => import('./pages/sign-in.tsx'))
const Library = lazyPage<object>(() => import('./pages/library.tsx'))
const Developer = lazyPage<object>(() => import('./pages/developer.tsx'))
const Admin = lazyPage<object>(() => import('./pages/admin.tsx'))
const DeveloperPage = lazyPage<{ pubkey: string }>(() => import('./pages/developer-page.tsx'))
const Redeem = lazyPage<object>(() => import('./pages/redeem.tsx'))

function Routes() {
  const loc = useLocation()
  const g = match('/game/:pubkey/:slug', loc.path)
  if (loc.path === '/' || loc.path === '') return <Browse query={loc.query} />
  if (g?.pubkey && g.slug) return <GamePage pubkey={g.pubkey} slug={g.slug} />
  if (loc.path === '/signin') return <SignIn next={safeNext(loc.query.get('next'))} />
  if (loc.path === '/library') return <Library />
  if (loc.path === '/redeem') return <Redeem />
  if (loc.path === '/developer') return <Developer />
  const d = match('/developer/:pubkey', loc.path)
  if (d?.pubkey) return <DeveloperPage pubkey={d.pubkey} />
  if (loc.path === '/admin') return <Admin />
  return (
    <section>
      <h1>Not found</h1>
      <p>
        Nothing lives at this address. <a href="/">Back to the catalog</a>.
      </p>
    </section>
  )
}

function Header() {
  const s = useSession()
  // The Admin link only for a pubkey the market names as admin (GET /api/v1/me).
  const me = useMe()
  const path = useLocation().path
  const link = (href: string, label: string) => (
    <a href={href} aria-current={path === href ? 'page' : undefined}>
      {label}
    </a>
  )
  return (
    <header class="site">
      <a class="brand" href="/">
        <span aria-hidden="true">⚡</span> Zapcade
      </a>
      <nav aria-label="Main">
        {link('/', 'Games')}
        {link('/library', 'Library')}
        {link('/developer', 'Developers')}
        {s && me?.is_admin ? link('/admin', 'Admin') : null}
      </nav>
      <div class="who">
        {s ? (
          <>
            <a
              class="pill"
              href="/signin"
              title={s.pubkey}
              aria-label={`Your account ${shortKey(s.pubkey)}`}
            >
              {shortKey(s.pubkey)}
            </a>
            <button type="button" class="link" onClick={() => setSession(undefined)}>
              Sign out
            </button>
          </>
        ) : (
          <a class="button small" href={`/signin?next=${encodeURIComponent(path)}`}>
            {isLocked() ? 'Unlock' : 'Sign in'}
          </a>
        )}
      </div>
    </header>
  )
}

function App() {
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <Header />
      <main id="main" tabIndex={-1}>
        <Routes />
      </main>
      <footer class="site">
        Games signed on Nostr, paid over Lightning. The market never asks for your private key.
      </footer>
    </>
  )
}

installLinkInterceptor()
// Bring back a NIP-07 or NIP-46 session without a prompt; the embedded key waits for its password.
if (
  localStorage.getItem('zapcade.signer') === 'nip07' ||
  localStorage.getItem('zapcade.signer') === 'nip46'
) {
  void import('./lib/signers.ts').then((m) => m.restoreSession())
}
const root = document.getElementById('app')
if (root) render(<App />, root)
