/**
 * A game's page: icon, images, the developer's markdown description rendered safely (lib/markdown.ts),
 * price, releases with notes, the developer's profile and the zap count; then the buy panel, or the
 * download button when the visitor owns it (library when signed in, a saved guest receipt the market says
 * is PAID), a guest's pending checkout to resume or forget, or "coming soon" for a game with no build.
 */
import { useEffect, useRef, useState } from 'preact/hooks'
import { api, ApiError, gamePath } from '../lib/api.ts'
import { dateText, priceText, shortKey, sizeText } from '../lib/format.ts'
import { renderMarkdown } from '../lib/markdown.ts'
import {
  checkReceipt,
  forgetReceipt,
  receiptsFor,
  resumable,
  setReceiptStatus,
  type SavedReceipt,
} from '../lib/receipts.ts'
import { useSession } from '../lib/session.ts'
import type { GameDetail, Info, LibraryResponse, PurchaseView } from '../lib/types.ts'
import { BuyPanel, DownloadButton } from './buy.tsx'
import { InvoiceView, type PayState } from './invoice.tsx'
import { Icon } from './game-card.tsx'
import { mediaOf } from '../lib/media.ts'
import { PlatformList } from '../lib/platform-ui.tsx'
import { Gallery, TrailerPlayer } from './media.tsx'
import { ownsGame } from './library-data.ts'
import { Nip05Badge } from './nip05-badge.tsx'
import { RefundPolicyNote } from './refund.tsx'

let infoCache: Promise<Info> | undefined
/** The market's public info (pubkey, relays, lud16), fetched once per page load. */
export function marketInfo(): Promise<Info> {
  return (infoCache ??= api<Info>('GET', '/api/v1/info').catch((e: unknown) => {
    infoCache = undefined
    throw e
  }))
}

function Markdown({ text, label }: { text: string; label: string }) {
  return (
    <div
      class="markdown"
      aria-label={label}
      dangerouslySetInnerHTML={{ __html: renderMarkdown(text, 2) }}
    />
  )
}

export default function GamePage({ pubkey, slug }: { pubkey: string; slug: string }) {
  const session = useSession()
  const [game, setGame] = useState<GameDetail>()
  const [info, setInfo] = useState<Info>()
  const [error, setError] = useState<string>()
  const [owned, setOwned] = useState(false)
  const ref = `${pubkey}/${slug}`
  const guest = useGuestReceipt(ref)
  const receipt = guest.paid

  useEffect(() => {
    setGame(undefined)
    setError(undefined)
    api<GameDetail>('GET', `/api/v1/games/${gamePath({ pubkey, slug })}`, {
      auth: 'optional',
    }).then(
      (g) => {
        setGame(g)
        document.title = `${g.title} — Zapcade`
      },
      (e: unknown) => setError(e instanceof ApiError ? e.message : String(e)),
    )
    marketInfo().then(setInfo, () => setInfo(undefined))
  }, [ref])

  useEffect(() => {
    setOwned(false)
    if (!session) return
    api<LibraryResponse>('GET', '/api/v1/me/library', { auth: true }).then(
      (lib) => setOwned(ownsGame(lib, { pubkey, slug })),
      () => setOwned(false),
    )
  }, [ref, session?.pubkey])

  if (error) {
    return (
      <section>
        <h1>Game not available</h1>
        <p role="alert">{error}</p>
        <p>
          <a href="/">Back to the catalog</a>
        </p>
      </section>
    )
  }
  if (!game) return <p aria-busy="true">Loading the game…</p>

  const dev = game.developer
  const devName = dev?.display_name || shortKey(game.pubkey)
  // The API orders releases newest first by version (loose versions such as 1.0 or v1.2 by their coercion).
  const releases = game.releases ?? []
  const free = game.price_msat === 0
  const media = mediaOf(game.images ?? [], game.description ?? '', game.videos ?? [])
  const latest = releases[0]

  return (
    <article class="game" data-testid="game-page">
      <header class="game-head">
        <Icon src={game.icon} title={game.title} size={96} />
        <div>
          <h1>{game.title}</h1>
          {game.summary ? <p class="summary">{game.summary}</p> : null}
          <p class="meta">
            {game.sale ? (
              <span class="sale" data-testid="sale-price">
                <s class="muted" aria-label={`List price ${priceText(game.sale.list_price_msat)}`}>
                  {priceText(game.sale.list_price_msat)}
                </s>{' '}
                <span class="price big">{priceText(game.sale.sale_price_msat)}</span>{' '}
                <span class="pill">
                  −{game.sale.percent_off}% until {dateText(game.sale.ends_at)}
                </span>
              </span>
            ) : (
              <span class="price big">{priceText(game.price_msat)}</span>
            )}
            <span class="zaps" title="Paid zaps for this game">
              ⚡ {game.zaps.count} {game.zaps.count === 1 ? 'zap' : 'zaps'}
            </span>
            {game.status === 'UNLISTED' ? <span class="pill warn">unlisted</span> : null}
          </p>
          {game.tags.length > 0 ? (
            <p class="tags" aria-label="Genres">
              {game.tags.map((t) => (
                <a class="tag" key={t} href={`/?tag=${encodeURIComponent(t)}`}>
                  {t}
                </a>
              ))}
            </p>
          ) : null}
          <p class="by">
            by <a href={`/developer/${game.pubkey}`}>{devName}</a>
          </p>
        </div>
      </header>

      {media.trailer ? (
        <TrailerPlayer title={game.title} trailer={media.trailer} poster={media.screenshots[0]} />
      ) : null}
      <Gallery title={game.title} images={media.screenshots} />

      <div class="game-cols">
        <section class="description" aria-labelledby="about-h">
          <h2 id="about-h">About this game</h2>
          <Markdown text={game.description ?? ''} label="Description" />
        </section>
        <aside class="side">
          {owned || receipt ? (
            <section class="buy owned" aria-labelledby="own-h">
              <h2 id="own-h">You own this game</h2>
              {!owned && receipt ? (
                <p class="note">
                  Guest receipt saved in this browser: <code class="mono">{receipt.code}</code>.
                  Keep a copy, or <a href="/library">claim it</a> into an account.
                </p>
              ) : null}
              <DownloadButton
                game={game}
                {...(!owned && receipt ? { receiptCode: receipt.code } : {})}
              />
            </section>
          ) : guest.checking ? (
            <p aria-busy="true">Checking your saved receipt…</p>
          ) : guest.pending ? (
            <PendingCheckout
              receipt={guest.pending}
              onFinal={(state) => {
                setReceiptStatus(guest.pending!.purchaseId, state)
                guest.recheck()
              }}
              onForget={() => {
                forgetReceipt(guest.pending!.code)
                guest.recheck()
              }}
            />
          ) : game.coming_soon ? (
            <section class="buy soon" aria-labelledby="soon-h" data-testid="coming-soon">
              <h2 id="soon-h">Coming soon</h2>
              <p>
                No build of this game has been released here yet, so it is not on sale. Come back
                when its first release is out.
              </p>
            </section>
          ) : free ? (
            <section class="buy" aria-labelledby="free-h">
              <h2 id="free-h">Free to play</h2>
              <DownloadButton game={game} />
            </section>
          ) : info && game.zap_pubkey !== info.market_pubkey ? (
            <section class="buy" aria-labelledby="nosale-h">
              <h2 id="nosale-h">Not sold here</h2>
              <p>
                This game's listing does not route payments to this market, so it cannot be bought
                here.
              </p>
            </section>
          ) : (
            <BuyPanel game={game} info={info} onGuestCheckout={guest.recheck} />
          )}
          {!free && !game.coming_soon ? <RefundPolicyNote game={game} /> : null}
          <section class="facts" aria-labelledby="facts-h">
            <h2 id="facts-h">Details</h2>
            <dl>
              <dt>Platforms</dt>
              <dd>
                {game.platforms.length > 0 ? <PlatformList ids={game.platforms} /> : 'Not stated'}
              </dd>
              {latest ? (
                <>
                  <dt>Latest version</dt>
                  <dd>
                    {latest.version} <span class="muted">({dateText(latest.published_at)})</span>
                  </dd>
                </>
              ) : null}
              {latest?.asset ? (
                <>
                  <dt>Download size</dt>
                  <dd>{sizeText(latest.asset.size_bytes)}</dd>
                </>
              ) : null}
              <dt>Listed</dt>
              <dd>{dateText(game.created_at)}</dd>
              <dt>License</dt>
              <dd>{game.license ?? 'Not stated'}</dd>
            </dl>
          </section>
          <section class="developer" aria-labelledby="dev-h">
            <h2 id="dev-h">Developer</h2>
            <p class="dev">
              {dev?.picture ? (
                <img
                  src={dev.picture}
                  alt=""
                  width={40}
                  height={40}
                  class="avatar"
                  referrerpolicy="no-referrer"
                />
              ) : null}
              <a href={`/developer/${game.pubkey}`}>
                <strong>{devName}</strong>
              </a>
            </p>
            {dev?.nip05 ? <Nip05Badge nip05={dev.nip05} pubkey={game.pubkey} /> : null}
            {dev?.lud16 ? <p class="muted">⚡ {dev.lud16}</p> : null}
            <p class="muted mono" title={game.pubkey}>
              {dev?.npub ? `${dev.npub.slice(0, 16)}…${dev.npub.slice(-6)}` : shortKey(game.pubkey)}
            </p>
            {game.url ? (
              <p>
                <a href={game.url} rel="noopener noreferrer nofollow" target="_blank">
                  Website
                </a>
              </p>
            ) : null}
          </section>
        </aside>
      </div>

      <section aria-labelledby="rel-h" class="releases">
        <h2 id="rel-h">Releases and changelog</h2>
        {releases.length === 0 ? <p>No release yet.</p> : null}
        <ol>
          {releases.map((r) => (
            <li key={r.version}>
              <h3>
                {r.version} <small class="muted">{dateText(r.published_at)}</small>
                {r.asset ? <small class="muted"> · {sizeText(r.asset.size_bytes)}</small> : null}
              </h3>
              {r.notes ? <Markdown text={r.notes} label={`Release notes ${r.version}`} /> : null}
              {r.files.length > 0 ? (
                <details class="files">
                  <summary>Other files ({r.files.length})</summary>
                  <ul class="plain">
                    {r.files.map((f) => (
                      <li key={f.sha256}>
                        {f.variant ?? f.content_type}
                        {f.platforms.length > 0 ? ` · ${f.platforms.join(', ')}` : ''}
                        {f.size_bytes ? ` · ${sizeText(f.size_bytes)}` : ''}
                        {f.urls.map((u, i) => (
                          <span key={u}>
                            {' · '}
                            <a href={u} rel="nofollow noopener noreferrer">
                              {i === 0 ? 'download' : `mirror ${i}`}
                            </a>
                          </span>
                        ))}
                        <br />
                        <small class="mono muted">sha256 {f.sha256}</small>
                      </li>
                    ))}
                  </ul>
                </details>
              ) : null}
            </li>
          ))}
        </ol>
      </section>
    </article>
  )
}

/** The guest's saved receipts for this game, as the market sees them now: one PAID, or one pending checkout. */
function useGuestReceipt(ref: string): {
  checking: boolean
  paid?: SavedReceipt
  pending?: SavedReceipt
  recheck: () => void
} {
  const [state, setState] = useState<{
    checking: boolean
    paid?: SavedReceipt
    pending?: SavedReceipt
  }>({ checking: false })
  const [round, setRound] = useState(0)
  useEffect(() => {
    let live = true
    const mine = receiptsFor(ref)
    setState({ checking: mine.length > 0 })
    if (mine.length === 0) return
    void (async () => {
      let pending: SavedReceipt | undefined
      for (const r of mine) {
        const now = await checkReceipt(r)
        if (!live) return
        if (now === 'PAID') return setState({ checking: false, paid: r })
        // Unreachable market: a receipt last seen PAID still is (money received always entitles).
        if (now === 'UNKNOWN' && r.status === 'PAID') return setState({ checking: false, paid: r })
        if (now === 'PENDING' && !pending && resumable(r)) pending = r
      }
      if (live) setState(pending ? { checking: false, pending } : { checking: false })
    })()
    return () => {
      live = false
    }
  }, [ref, round])
  return { ...state, recheck: () => setRound((n) => n + 1) }
}

/** A guest checkout left unpaid: its invoice again with the time left, or forget it and buy afresh. */
function PendingCheckout({
  receipt,
  onFinal,
  onForget,
}: {
  receipt: SavedReceipt
  onFinal: (s: PayState) => void
  onForget: () => void
}) {
  const poll = async (): Promise<PayState> => {
    const v = await api<PurchaseView>(
      'GET',
      `/api/v1/purchases/${encodeURIComponent(receipt.purchaseId)}`,
      { receiptCode: receipt.code, auth: false },
    )
    return v.status === 'REFUNDED' ? 'FAILED' : v.status
  }
  // A resumed checkout (a reload, "Resume payment" in the library) brings its invoice into view with focus.
  const box = useRef<HTMLElement>(null)
  useEffect(() => {
    box.current?.scrollIntoView({ block: 'start' })
    box.current?.focus({ preventScroll: true })
  }, [receipt.purchaseId])
  return (
    <section
      class="buy pending"
      aria-labelledby="pending-h"
      data-testid="pending-checkout"
      ref={box}
      tabIndex={-1}
    >
      <h2 id="pending-h">Checkout waiting for payment</h2>
      <p class="note">
        You started buying this game as a guest and the invoice is not paid yet. Pay it below, or
        forget it to start again. Receipt code (valid once paid):{' '}
        <code class="mono">{receipt.code}</code>
      </p>
      <InvoiceView
        bolt11={receipt.bolt11 ?? ''}
        amountMsat={receipt.amountMsat ?? 0}
        {...(receipt.expiresAt !== undefined ? { expiresAt: receipt.expiresAt } : {})}
        poll={poll}
        onFinal={onFinal}
      />
      <button type="button" class="link" onClick={onForget}>
        Forget this checkout
      </button>
    </section>
  )
}
