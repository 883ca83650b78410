/**
 * Buying a game: pay what you want (at least the price) by private checkout (POST /api/v1/purchases,
 * signed with NIP-98 when signed in, else as a guest who receives a receipt code once), or, signed in,
 * by zap (NIP-57, lib/zap.ts). Either way the invoice view polls until the purchase is final.
 */
import { useEffect, useRef, useState } from 'preact/hooks'
import { api, ApiError, gamePath } from '../lib/api.ts'
import { fiatText, satsText } from '../lib/format.ts'
import { saveReceipt, setReceiptStatus } from '../lib/receipts.ts'
import { startDownload } from '../lib/download.ts'
import { isLocked, useSession } from '../lib/session.ts'
import type { GameDetail, Info, LibraryResponse, Purchase, PurchaseView } from '../lib/types.ts'
import { InvoiceView, type PayState } from './invoice.tsx'
import { ownsGame } from './library-data.ts'

type Step =
  | { at: 'form' }
  | {
      at: 'invoice'
      bolt11: string
      amountMsat: number
      expiresAt?: number
      purchase?: Purchase
      zap?: boolean
      /** The recipient as the buyer typed it (npub or hex), for a gift. */
      giftLabel?: string
    }
  | { at: 'done'; state: PayState; purchase?: Purchase; zap?: boolean; giftLabel?: string }

/**
 * `onGuestCheckout` is told when a guest's checkout is left (cancelled, or final), so the game page can
 * show it as resumable (pending) or owned (paid) from the saved receipt.
 */
export function BuyPanel({
  game,
  info,
  onGuestCheckout,
}: {
  game: GameDetail
  info: Info | undefined
  onGuestCheckout?: () => void
}) {
  const session = useSession()
  const [step, setStep] = useState<Step>({ at: 'form' })
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)
  // A running sale lowers the least the checkout accepts (the market charges its sale price).
  const minMsat = game.sale?.sale_price_msat ?? game.price_msat
  const priceSats = Math.ceil(minMsat / 1000)
  const [giftTo, setGiftTo] = useState('')
  const [amountSats, setAmountSats] = useState(String(priceSats))
  const ref = `${game.pubkey}/${game.slug}`
  const invoiceRef = useRef<HTMLElement>(null)
  // After "Buy" the invoice replaces the form: bring it into view and move focus to it (keyboard and
  // screen-reader users land on "Pay … for …", and the QR code is not left below the fold).
  useEffect(() => {
    if (step.at !== 'invoice' || !invoiceRef.current) return
    invoiceRef.current.scrollIntoView({ block: 'start' })
    invoiceRef.current.focus({ preventScroll: true })
  }, [step.at])

  const amountMsat = (): number | undefined => {
    if (!/^[0-9]{1,12}$/.test(amountSats.trim())) return undefined
    const v = Number(amountSats.trim()) * 1000
    return v >= minMsat ? v : undefined
  }

  const checkout = async (e: Event) => {
    e.preventDefault()
    const amt = amountMsat()
    if (amt === undefined) return setError(`Enter a whole number of sats, at least ${priceSats}.`)
    const gift = giftTo.trim()
    if (gift && !/^(npub1[02-9ac-hj-np-z]{58}|[0-9a-f]{64})$/.test(gift))
      return setError('A gift goes to an npub (npub1…, 63 characters) or a 64-character hex key.')
    setBusy(true)
    setError(undefined)
    try {
      const p = await api<Purchase>('POST', '/api/v1/purchases', {
        body: { game: ref, amount_msat: amt, ...(gift ? { gift_to: gift } : {}) },
        auth: 'optional',
      })
      // Saved as PENDING with its invoice: resumable and forgettable, never "owned" until the market says PAID.
      // A gift is not saved: the game is the recipient's, and this browser must not show it as owned.
      if (p.receipt_code && !gift) {
        saveReceipt({
          game: ref,
          title: game.title,
          code: p.receipt_code,
          purchaseId: p.id,
          savedAtMs: Date.now(),
          status: 'PENDING',
          bolt11: p.bolt11,
          amountMsat: p.amount_msat,
          expiresAt: p.expires_at,
        })
      }
      setStep({
        at: 'invoice',
        bolt11: p.bolt11,
        amountMsat: p.amount_msat,
        expiresAt: p.expires_at,
        purchase: p,
        ...(gift ? { giftLabel: gift } : {}),
      })
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err))
    } finally {
      setBusy(false)
    }
  }

  const zap = async () => {
    const amt = amountMsat()
    if (amt === undefined) return setError(`Enter a whole number of sats, at least ${priceSats}.`)
    if (!session || !info?.lud16) return
    setBusy(true)
    setError(undefined)
    try {
      const { zapInvoice } = await import('../lib/zap.ts')
      const bolt11 = await zapInvoice(info, game, amt, session.signer)
      setStep({ at: 'invoice', bolt11, amountMsat: amt, zap: true })
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
    } finally {
      setBusy(false)
    }
  }

  if (step.at === 'invoice') {
    const p = step.purchase
    const poll = async (): Promise<PayState> => {
      if (step.zap || !p) {
        // A zap purchase is recorded for the zap request's pubkey: it is paid once the library has it.
        const lib = await api<LibraryResponse>('GET', '/api/v1/me/library', { auth: true })
        return ownsGame(lib, game) ? 'PAID' : 'PENDING'
      }
      const cur = await api<PurchaseView>(
        'GET',
        `/api/v1/purchases/${encodeURIComponent(p.id)}`,
        p.receipt_code ? { receiptCode: p.receipt_code, auth: false } : { auth: true },
      )
      return cur.status === 'REFUNDED' ? 'FAILED' : cur.status
    }
    return (
      <section
        class="buy"
        aria-labelledby="buy-h"
        ref={invoiceRef}
        tabIndex={-1}
        data-testid="checkout-invoice"
      >
        <h2 id="buy-h">
          Pay {satsText(step.amountMsat)} for {game.title}
          {fiatText(step.amountMsat, info?.fiat_rate) ? (
            <span class="muted fiat"> ({fiatText(step.amountMsat, info?.fiat_rate)})</span>
          ) : null}
        </h2>
        {p?.receipt_code && !step.giftLabel ? (
          <p class="note">
            You are buying as a guest. Your receipt code appears here once the payment arrives; it
            is also kept in this browser.
          </p>
        ) : null}
        <InvoiceView
          bolt11={step.bolt11}
          amountMsat={step.amountMsat}
          {...(step.expiresAt !== undefined ? { expiresAt: step.expiresAt } : {})}
          poll={poll}
          onFinal={(state) => {
            if (p?.receipt_code) setReceiptStatus(p.id, state)
            setStep({
              at: 'done',
              state,
              ...(p ? { purchase: p } : {}),
              ...(step.zap ? { zap: true } : {}),
              ...(step.giftLabel ? { giftLabel: step.giftLabel } : {}),
            })
          }}
        />
        <button
          type="button"
          class="link"
          onClick={() => {
            setStep({ at: 'form' })
            if (p?.receipt_code) onGuestCheckout?.()
          }}
        >
          {p?.receipt_code ? 'Pay later' : 'Cancel'}
        </button>
      </section>
    )
  }

  if (step.at === 'done') {
    const code = step.purchase?.receipt_code
    if (step.state !== 'PAID') {
      return (
        <section class="buy">
          <p role="alert">
            {step.state === 'EXPIRED' ? 'The invoice expired.' : 'The payment failed.'}
          </p>
          <button
            type="button"
            onClick={() => {
              setStep({ at: 'form' })
              if (step.purchase?.receipt_code) onGuestCheckout?.()
            }}
          >
            Try again
          </button>
        </section>
      )
    }
    if (step.giftLabel) {
      return (
        <section class="buy paid" aria-labelledby="paid-h" data-testid="gift-done">
          <h2 id="paid-h" tabIndex={-1}>
            Paid — {game.title} is a gift
          </h2>
          <p role="status">
            Gifted to <code class="mono gift-to">{step.giftLabel}</code>: that key owns it now, and
            the market tells them by a private Nostr message.
          </p>
          {code ? (
            <p class="note">
              Your receipt code for this gift: <code class="mono">{code}</code>
            </p>
          ) : null}
          <button type="button" class="secondary" onClick={() => setStep({ at: 'form' })}>
            Buy another
          </button>
        </section>
      )
    }
    return (
      <section class="buy paid" aria-labelledby="paid-h">
        <h2 id="paid-h" tabIndex={-1}>
          Paid — {game.title} is yours
        </h2>
        {code ? (
          <div class="receipt" role="alert">
            <p>
              <strong>Keep this receipt code.</strong> It is the only proof of your guest purchase:
              the market stores just a hash of it and cannot show it again. Write it down, or sign
              in and claim it into your account from the library.
            </p>
            <p class="code" data-testid="receipt-code">
              {code}
            </p>
            <button
              type="button"
              class="secondary"
              onClick={() => void navigator.clipboard?.writeText(code)}
            >
              Copy code
            </button>
          </div>
        ) : (
          <p>
            It is in your <a href="/library">library</a>, with every future release.
          </p>
        )}
        <DownloadButton game={game} {...(code ? { receiptCode: code } : {})} />
      </section>
    )
  }

  return (
    <form class="buy" onSubmit={(e) => void checkout(e)} aria-labelledby="buy-h">
      <h2 id="buy-h">Buy {game.title}</h2>
      <div class="field">
        <label for="amount">
          Amount in sats (pay what you want, at least {priceSats.toLocaleString('en-US')})
        </label>
        <input
          id="amount"
          name="amount"
          inputMode="numeric"
          pattern="[0-9]*"
          value={amountSats}
          onInput={(e) => setAmountSats((e.currentTarget as HTMLInputElement).value)}
          aria-describedby="amount-help"
          required
        />
        <small id="amount-help">
          {amountMsat() !== undefined && fiatText(amountMsat()!, info?.fiat_rate) ? (
            <span data-testid="fiat-approx">
              {fiatText(amountMsat()!, info?.fiat_rate)} at the market's rate.{' '}
            </span>
          ) : null}
          One payment gives you the whole game, including future releases.
        </small>
      </div>
      <div class="field">
        <label for="gift-to">Gift to (npub, optional)</label>
        <input
          id="gift-to"
          name="gift_to"
          value={giftTo}
          onInput={(e) => setGiftTo((e.currentTarget as HTMLInputElement).value)}
          placeholder="npub1…"
          autocomplete="off"
          spellcheck={false}
          aria-describedby="gift-help"
        />
        <small id="gift-help">
          The game goes to this key's library instead of yours, and they get a message.
        </small>
      </div>
      {error ? (
        <p role="alert" class="error">
          {error}
        </p>
      ) : null}
      <div class="row">
        <button type="submit" disabled={busy}>
          {giftTo.trim() ? 'Buy as a gift' : session ? 'Buy' : 'Buy as guest'}
        </button>
        {session && info?.lud16 && !giftTo.trim() ? (
          <button type="button" class="secondary" disabled={busy} onClick={() => void zap()}>
            Zap to buy
          </button>
        ) : null}
      </div>
      {!session && isLocked() ? (
        <p class="note">
          Your key in this browser is locked:{' '}
          <a href={`/signin?next=${encodeURIComponent(`/game/${gamePath(game)}`)}`}>
            unlock it with its password
          </a>{' '}
          to buy into your library.
        </p>
      ) : !session ? (
        <p class="note">
          <a href={`/signin?next=${encodeURIComponent(`/game/${gamePath(game)}`)}`}>Sign in</a> to
          keep purchases in a library, or buy as a guest and get a receipt code.
        </p>
      ) : null}
    </form>
  )
}

export function DownloadButton({
  game,
  receiptCode,
  version,
}: {
  game: { pubkey: string; slug: string }
  receiptCode?: string
  version?: string
}) {
  const [msg, setMsg] = useState<string>()
  const [busy, setBusy] = useState(false)
  const go = async () => {
    setBusy(true)
    setMsg(undefined)
    try {
      await startDownload(game, {
        ...(receiptCode ? { receiptCode } : {}),
        ...(version ? { version } : {}),
      })
      setMsg('Your download has started.')
    } catch (e) {
      setMsg(e instanceof Error ? e.message : String(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <span class="download">
      <button type="button" disabled={busy} onClick={() => void go()}>
        Download{version ? ` ${version}` : ''}
      </button>
      {msg ? <span role="status"> {msg}</span> : null}
    </span>
  )
}
