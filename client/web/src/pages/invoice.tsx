/**
 * Paying one invoice: QR code, the invoice text to copy, an "open in wallet" lightning: link, WebLN when
 * the browser has it, or a pasted NWC URI (NIP-47 pay_invoice from this page). `poll` reports the
 * purchase status; the view polls it until it is final and says so in a live region.
 */
import { useEffect, useRef, useState } from 'preact/hooks'
import { satsText } from '../lib/format.ts'
import { nwcErrorText } from '../lib/nwc-errors.ts'
import { bolt11ExpiresAt } from '../lib/bolt11-expiry.ts'

export type PayState = 'PENDING' | 'PAID' | 'EXPIRED' | 'FAILED'

interface WebLN {
  enable(): Promise<void>
  sendPayment(pr: string): Promise<{ preimage: string }>
}

const POLL_MS = 1500
/** How long the page waits for the buyer's wallet over NWC before saying so and offering a retry. */
export const NWC_WAIT_MS = 30_000

/** "Waiting for your wallet… 25 s" while a wallet request is out, counting down to NWC_WAIT_MS. */
function WalletWait({ since }: { since: number }) {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(t)
  }, [since])
  const left = Math.max(0, Math.ceil((since + NWC_WAIT_MS - now) / 1000))
  return <span data-testid="wallet-wait">Waiting for your wallet to pay… {left} s</span>
}

/** "12:34 left" until `expiresAt` (unix seconds), ticking each second; "expired" after it. */
export function Countdown({ expiresAt }: { expiresAt: number }) {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(t)
  }, [expiresAt])
  const left = Math.max(0, Math.floor(expiresAt - now / 1000))
  const text =
    left === 0
      ? 'expired'
      : `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')} left to pay`
  // Not a live region: a screen reader would hear every second. The status line above announces the outcome.
  return (
    <span
      class="countdown muted"
      data-testid="invoice-countdown"
      title={`Expires at ${new Date(expiresAt * 1000).toLocaleTimeString()}`}
    >
      {text}
    </span>
  )
}

export function InvoiceView(props: {
  bolt11: string
  amountMsat: number
  expiresAt?: number
  poll: () => Promise<PayState>
  onFinal: (s: PayState) => void
}) {
  const { bolt11 } = props
  const [qr, setQr] = useState<string>()
  const [state, setState] = useState<PayState>('PENDING')
  const [payMsg, setPayMsg] = useState<string>()
  const [payErr, setPayErr] = useState<string>()
  const [busy, setBusy] = useState(false)
  const [nwcSince, setNwcSince] = useState<number>()
  const nwcRef = useRef<HTMLInputElement>(null)
  const webln = (window as { webln?: WebLN }).webln
  // Every invoice shows its time left: the market's expires_at, else the invoice's own (a zap's invoice).
  const expiresAt = props.expiresAt ?? bolt11ExpiresAt(bolt11)

  useEffect(() => {
    void import('qrcode')
      .then((m) =>
        m.toDataURL(`lightning:${bolt11}`.toUpperCase(), {
          margin: 1,
          width: 280,
          errorCorrectionLevel: 'L',
        }),
      )
      .then(setQr)
  }, [bolt11])

  useEffect(() => {
    let stop = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const tick = async () => {
      try {
        const s = await props.poll()
        if (stop) return
        setState(s)
        if (s !== 'PENDING') return props.onFinal(s)
      } catch {
        // A failed poll is retried; the status line keeps saying we are waiting.
      }
      if (!stop) timer = setTimeout(() => void tick(), POLL_MS)
    }
    void tick()
    return () => {
      stop = true
      clearTimeout(timer)
    }
  }, [bolt11])

  const pay = async (
    how: () => Promise<unknown>,
    what: string,
    errorText: (e: unknown) => string,
  ) => {
    setBusy(true)
    setPayErr(undefined)
    setPayMsg(`Paying with ${what}…`)
    try {
      await how()
      setPayMsg(`${what} reports the payment as sent. Waiting for the market to confirm…`)
    } catch (e) {
      setPayMsg(undefined)
      setPayErr(errorText(e))
    } finally {
      setBusy(false)
      setNwcSince(undefined)
    }
  }

  const payNwc = (e?: Event) => {
    e?.preventDefault()
    const uri = nwcRef.current?.value ?? ''
    if (!uri.trim()) return setPayErr(nwcErrorText({ code: 'BAD_URI' }))
    setNwcSince(Date.now())
    void pay(
      async () => {
        const { nwcPayInvoice } = await import('../lib/nwc.ts')
        await nwcPayInvoice(uri, bolt11, NWC_WAIT_MS)
        // The URI is a spending credential: clear it from the page once used.
        if (nwcRef.current) nwcRef.current.value = ''
      },
      'your wallet connection',
      nwcErrorText,
    )
  }

  return (
    <div class="invoice">
      <p class="status" role="status" aria-live="polite" data-testid="pay-status">
        {state === 'PENDING' ? `Waiting for payment of ${satsText(props.amountMsat)}…` : null}
        {state === 'PAID' ? 'Paid. Thank you!' : null}
        {state === 'EXPIRED'
          ? 'This invoice expired before it was paid. Start again for a new one.'
          : null}
        {state === 'FAILED' ? 'The payment failed. Start again for a new invoice.' : null}
      </p>
      {state === 'PENDING' ? (
        <>
          {expiresAt !== undefined ? (
            <p>
              <Countdown expiresAt={expiresAt} />
            </p>
          ) : null}
          <div class="qr">
            {qr ? (
              <img
                src={qr}
                width={280}
                height={280}
                alt="QR code of the Lightning invoice: scan it with a wallet"
              />
            ) : (
              <p>Drawing the QR code…</p>
            )}
          </div>
          <div class="field">
            <label for="bolt11">Lightning invoice</label>
            <textarea
              id="bolt11"
              readOnly
              rows={3}
              value={bolt11}
              onFocus={(e) => (e.currentTarget as HTMLTextAreaElement).select()}
            />
          </div>
          <div class="row">
            <a class="button" href={`lightning:${bolt11}`} data-external>
              Open in wallet
            </a>
            <button
              type="button"
              class="secondary"
              onClick={() => void navigator.clipboard?.writeText(bolt11)}
            >
              Copy invoice
            </button>
            {webln ? (
              <button
                type="button"
                disabled={busy}
                onClick={() =>
                  void pay(
                    async () => (await webln.enable(), webln.sendPayment(bolt11)),
                    'WebLN',
                    (e) =>
                      `WebLN could not pay: ${e instanceof Error ? e.message : String(e)}. Try again, or pay with the QR code.`,
                  )
                }
              >
                Pay with WebLN
              </button>
            ) : null}
          </div>
          <form class="nwc" onSubmit={payNwc}>
            <div class="field">
              <label for="nwc">Or pay directly with a wallet connection (NWC) URI</label>
              <input
                id="nwc"
                ref={nwcRef}
                type="password"
                autocomplete="off"
                spellcheck={false}
                placeholder="nostr+walletconnect://…"
                required
              />
              <small>
                Used for this payment only, from your browser to your wallet; never stored or sent
                to the market.
              </small>
            </div>
            <button type="submit" disabled={busy}>
              Pay from my wallet
            </button>
          </form>
          {payMsg ? (
            <p class="note" role="status">
              {nwcSince !== undefined ? <WalletWait since={nwcSince} /> : payMsg}
            </p>
          ) : null}
          {payErr ? (
            <div class="error" role="alert" data-testid="pay-error">
              <p>{payErr}</p>
              {nwcRef.current?.value ? (
                <button type="button" class="secondary" disabled={busy} onClick={() => payNwc()}>
                  Try the wallet again
                </button>
              ) : null}
            </div>
          ) : null}
        </>
      ) : null}
    </div>
  )
}
