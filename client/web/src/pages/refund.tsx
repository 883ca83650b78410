/**
 * Refunds as a buyer sees them: a game's refund policy (game page), and on an owned purchase a
 * "Request a refund" form (optional destination: a BOLT11 invoice for the amount paid, or a Lightning
 * address; optional reason), sent with NIP-98 or the guest's receipt code; then the refund's status and,
 * when the market pays by LNURL-withdraw (LUD-03), the link as text and as a QR code any wallet scans.
 */
import { useEffect, useState } from 'preact/hooks'
import { ApiError } from '../lib/api.ts'
import {
  policyText,
  readRefund,
  refundPolicy,
  refundStatusText,
  requestRefund,
  type RefundAuth,
  type RefundPolicy,
  type RefundView,
} from '../lib/commerce.ts'
import { dateText, satsText } from '../lib/format.ts'

/** The game's refund policy in one line (nothing while loading or when the market has none to say). */
export function RefundPolicyNote({ game }: { game: { pubkey: string; slug: string } }) {
  const [p, setP] = useState<RefundPolicy>()
  useEffect(() => {
    setP(undefined)
    refundPolicy(game).then(setP, () => setP(undefined))
  }, [game.pubkey, game.slug])
  if (!p) return null
  return (
    <p class="note" data-testid="refund-policy">
      <strong>Refunds:</strong> {policyText(p)}
    </p>
  )
}

/** A purchase's refund: its status when one exists, else a button that opens the request form. */
export function RefundPanel({
  purchaseId,
  auth,
  open: startOpen = false,
}: {
  purchaseId: string
  auth: RefundAuth
  open?: boolean
}) {
  const [open, setOpen] = useState(startOpen)
  const [refund, setRefund] = useState<RefundView | null>()
  const [destination, setDestination] = useState('')
  const [reason, setReason] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  const id = `refund-${purchaseId}`

  useEffect(() => {
    if (!open) return
    readRefund(purchaseId, auth).then(
      (r) => setRefund(r),
      (e: unknown) => {
        if (e instanceof ApiError && e.status === 404) setRefund(null)
        else setError(e instanceof Error ? e.message : String(e))
      },
    )
  }, [open, purchaseId])

  // While the money is on its way, read the refund again now and then.
  useEffect(() => {
    if (!refund || !['APPROVED', 'SENDING'].includes(refund.status)) return
    const t = setTimeout(() => {
      readRefund(purchaseId, auth).then(setRefund, () => undefined)
    }, 3000)
    return () => clearTimeout(t)
  }, [refund])

  if (!open) {
    return (
      <button type="button" class="secondary" onClick={() => setOpen(true)}>
        Request a refund
      </button>
    )
  }

  const submit = async (e: Event) => {
    e.preventDefault()
    setBusy(true)
    setError(undefined)
    try {
      const body: { destination?: string; reason?: string } = {}
      if (destination.trim()) body.destination = destination.trim()
      if (reason.trim()) body.reason = reason.trim()
      setRefund(await requestRefund(purchaseId, auth, body))
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <section class="panel refund" aria-labelledby={`${id}-h`} data-testid="refund">
      <h3 id={`${id}-h`}>Refund</h3>
      {error ? (
        <p role="alert" class="error">
          {error}
        </p>
      ) : null}
      {refund === undefined && !error ? <p aria-busy="true">Checking for a refund…</p> : null}
      {refund ? <RefundStatus refund={refund} /> : null}
      {refund === null || refund?.status === 'FAILED' ? (
        <form onSubmit={(e) => void submit(e)}>
          <div class="field">
            <label for={`${id}-dest`}>Where to send the money (optional)</label>
            <input
              id={`${id}-dest`}
              value={destination}
              onInput={(e) => setDestination((e.currentTarget as HTMLInputElement).value)}
              placeholder="you@wallet.example or lnbc…"
              autocomplete="off"
              spellcheck={false}
              aria-describedby={`${id}-dest-help`}
            />
            <small id={`${id}-dest-help`}>
              A Lightning address, or an invoice for exactly the amount paid. Leave it empty to get
              a withdraw link any Lightning wallet can claim.
            </small>
          </div>
          <div class="field">
            <label for={`${id}-reason`}>Reason (optional)</label>
            <input
              id={`${id}-reason`}
              value={reason}
              maxLength={500}
              onInput={(e) => setReason((e.currentTarget as HTMLInputElement).value)}
            />
          </div>
          <button type="submit" disabled={busy}>
            Send refund request
          </button>
        </form>
      ) : null}
    </section>
  )
}

function RefundStatus({ refund }: { refund: RefundView }) {
  const [qr, setQr] = useState<string>()
  const lnurl = refund.lnurl
  useEffect(() => {
    setQr(undefined)
    if (!lnurl) return
    void import('qrcode')
      .then((m) =>
        m.toDataURL(`lightning:${lnurl}`.toUpperCase(), {
          margin: 1,
          width: 280,
          errorCorrectionLevel: 'L',
        }),
      )
      .then(setQr)
  }, [lnurl])
  return (
    <div data-testid="refund-status" data-status={refund.status}>
      <p role="status">
        {refundStatusText(refund)} <small class="muted">({satsText(refund.amount_msat)})</small>
      </p>
      {lnurl ? (
        <>
          <div class="qr">
            {qr ? (
              <img
                src={qr}
                width={280}
                height={280}
                alt="QR code of the refund's withdraw link: scan it with a Lightning wallet"
              />
            ) : (
              <p>Drawing the QR code…</p>
            )}
          </div>
          <div class="receipt">
            <p class="code" data-testid="refund-lnurl">
              {lnurl}
            </p>
          </div>
          <p>
            <a href={`lightning:${lnurl}`} data-external="">
              Open in wallet
            </a>
            {refund.withdraw_expires_at ? (
              <small class="muted">
                {' '}
                Works once, until {dateText(refund.withdraw_expires_at)}.
              </small>
            ) : null}
          </p>
        </>
      ) : null}
    </div>
  )
}
