/**
 * The library: games owned by the signed-in pubkey (GET /api/v1/me/library) with download buttons;
 * claiming a guest receipt into the account (POST /api/v1/purchases/claim, NIP-98; refused while unpaid,
 * and the code is then kept); and the guest receipts saved in this browser with what the market says of
 * each: paid ones downloadable without an account, pending ones resumable, unpaid ones forgettable.
 */
import { useEffect, useState } from 'preact/hooks'
import { api, ApiError, gamePath } from '../lib/api.ts'
import { dateText } from '../lib/format.ts'
import {
  checkReceipt,
  forgetReceipt,
  resumable,
  savedReceipts,
  type ReceiptCheck,
} from '../lib/receipts.ts'
import { isLocked, useSession } from '../lib/session.ts'
import type { ClaimPurchaseResponse, LibraryItem, LibraryResponse } from '../lib/types.ts'
import { DownloadButton } from './buy.tsx'
import { RefundPanel } from './refund.tsx'
import { itemRef } from './library-data.ts'
import { UnlockKey } from './unlock-key.tsx'

export default function Library() {
  const session = useSession()
  const [items, setItems] = useState<LibraryItem[]>()
  const [error, setError] = useState<string>()
  const [claimMsg, setClaimMsg] = useState<{ ok: boolean; text: string }>()
  const [receipts, setReceipts] = useState(savedReceipts)
  const [code, setCode] = useState('')
  const [statuses, setStatuses] = useState<Record<string, ReceiptCheck>>({})

  // Each saved receipt as the market sees it now: only a PAID one is a game owned.
  useEffect(() => {
    let live = true
    for (const r of receipts) {
      void checkReceipt(r).then((st) => {
        if (live) setStatuses((m) => ({ ...m, [r.purchaseId]: st }))
      })
    }
    return () => {
      live = false
    }
  }, [receipts])

  const load = () => {
    if (!session) return setItems(undefined)
    api<LibraryResponse>('GET', '/api/v1/me/library', { auth: true }).then(
      (lib) => setItems(lib.items),
      (e: unknown) => setError(e instanceof ApiError ? e.message : String(e)),
    )
  }
  useEffect(load, [session?.pubkey])

  const claim = async (receiptCode: string) => {
    setClaimMsg(undefined)
    try {
      const r = await api<ClaimPurchaseResponse>('POST', '/api/v1/purchases/claim', {
        body: { receipt_code: receiptCode.trim() },
        auth: true,
      }).catch(async (e: unknown) => {
        // Not a checkout's code: it may be a guest's download-key redemption (POST /api/v1/keys/claim).
        if (!(e instanceof ApiError) || e.code !== 'RECEIPT_INVALID') throw e
        await api('POST', '/api/v1/keys/claim', {
          body: { receipt_code: receiptCode.trim() },
          auth: true,
        }).catch((e2: unknown) => {
          // A key receipt already claimed by another account says so; any other failure keeps the first answer.
          throw e2 instanceof ApiError && e2.status === 409 ? e2 : e
        })
        return { status: 'PAID' } as ClaimPurchaseResponse
      })
      // The market claims only paid purchases; anything else keeps the code here.
      if (r.status !== 'PAID')
        throw new Error(
          `This purchase is ${r.status.toLowerCase()}, not paid: keep the receipt code.`,
        )
      forgetReceipt(receiptCode.trim())
      setReceipts(savedReceipts())
      setCode('')
      setClaimMsg({ ok: true, text: 'Claimed: the game is now in your library.' })
      load()
    } catch (e) {
      // The code is kept (in this browser and in the form) whatever went wrong.
      const notPaid = e instanceof ApiError && e.code === 'PURCHASE_NOT_PAID'
      setClaimMsg({
        ok: false,
        text: notPaid
          ? `Not claimed: this receipt's purchase is not paid (${e.message}). Pay its invoice first; the code is kept.`
          : e instanceof Error
            ? e.message
            : String(e),
      })
    }
  }

  return (
    <section>
      <h1>Library</h1>
      <p>
        Have a download key? <a href="/redeem">Redeem it</a>.
      </p>
      {!session && isLocked() ? (
        <UnlockKey what="see the games you own" />
      ) : !session ? (
        <p>
          <a href="/signin?next=%2Flibrary">Sign in</a> to see the games you own. Guest purchases
          saved in this browser are below.
        </p>
      ) : (
        <>
          {error ? (
            <p role="alert" class="error">
              {error}
            </p>
          ) : null}
          {items === undefined && !error ? <p aria-busy="true">Loading your games…</p> : null}
          {items?.length === 0 ? (
            <p>
              No games yet. <a href="/">Find one</a>.
            </p>
          ) : null}
          <ul class="library" data-testid="library">
            {items?.map((i) => {
              const ref = itemRef(i)
              const title = i.game.title || ref.slug
              return (
                <li key={`${ref.pubkey}/${ref.slug}`}>
                  <a href={`/game/${gamePath(ref)}`}>{title}</a>
                  <small class="muted"> since {dateText(i.granted_at)}</small>
                  {i.revoked_at !== null ? <small class="error"> revoked</small> : null}
                  {i.revoked_at === null ? <DownloadButton game={ref} /> : null}
                  {i.origin === 'purchase' && i.purchase_id ? (
                    <RefundPanel
                      purchaseId={i.purchase_id}
                      auth={{ signed: true }}
                      open={i.revoked_at !== null}
                    />
                  ) : null}
                </li>
              )
            })}
          </ul>
          <form
            class="panel claim"
            onSubmit={(e) => {
              e.preventDefault()
              void claim(code)
            }}
          >
            <h2>Claim a guest receipt</h2>
            <div class="field">
              <label for="receipt">Receipt code</label>
              <input
                id="receipt"
                value={code}
                onInput={(e) => setCode((e.currentTarget as HTMLInputElement).value)}
                autocomplete="off"
                spellcheck={false}
                required
              />
            </div>
            <button type="submit">Claim into my account</button>
          </form>
          {claimMsg ? (
            <p role={claimMsg.ok ? 'status' : 'alert'} class={claimMsg.ok ? 'ok' : 'error'}>
              {claimMsg.text}
            </p>
          ) : null}
        </>
      )}
      {receipts.length > 0 ? (
        <section aria-labelledby="guest-h" class="panel">
          <h2 id="guest-h">Guest purchases saved in this browser</h2>
          <p class="note">
            These receipt codes live only in this browser. Keep a copy elsewhere, or claim paid ones
            into an account.
          </p>
          <ul class="library" data-testid="guest-receipts">
            {receipts.map((r) => {
              const [pubkey = '', slug = ''] = r.game.split('/')
              const st = statuses[r.purchaseId]
              const forget = () => {
                forgetReceipt(r.code)
                setReceipts(savedReceipts())
              }
              return (
                <li key={r.purchaseId} data-status={st ?? 'CHECKING'}>
                  <a href={`/game/${gamePath({ pubkey, slug })}`}>{r.title}</a>{' '}
                  <code class="mono">{r.code}</code>{' '}
                  <ReceiptState status={st} resumable={resumable(r)} />
                  {st === 'PAID' || (st === 'UNKNOWN' && r.status === 'PAID') ? (
                    <>
                      <DownloadButton game={{ pubkey, slug }} receiptCode={r.code} />
                      <RefundPanel purchaseId={r.purchaseId} auth={{ receiptCode: r.code }} />
                      {session ? (
                        <button type="button" class="secondary" onClick={() => void claim(r.code)}>
                          Claim
                        </button>
                      ) : null}
                    </>
                  ) : null}
                  {st === 'REFUNDED' ? (
                    <RefundPanel purchaseId={r.purchaseId} auth={{ receiptCode: r.code }} open />
                  ) : null}
                  {st === 'PENDING' && resumable(r) ? (
                    <a href={`/game/${gamePath({ pubkey, slug })}`}>Resume payment</a>
                  ) : null}
                  {st !== undefined && st !== 'PAID' && st !== 'UNKNOWN' ? (
                    <button type="button" class="link" onClick={forget}>
                      Forget
                    </button>
                  ) : null}
                </li>
              )
            })}
          </ul>
        </section>
      ) : null}
    </section>
  )
}

function ReceiptState({
  status,
  resumable,
}: {
  status: ReceiptCheck | undefined
  resumable: boolean
}) {
  const text =
    status === undefined
      ? 'checking…'
      : status === 'PAID'
        ? 'paid'
        : status === 'PENDING'
          ? resumable
            ? 'waiting for payment'
            : 'not paid (invoice expired)'
          : status === 'EXPIRED'
            ? 'not paid (invoice expired)'
            : status === 'FAILED'
              ? 'not paid (payment failed)'
              : status === 'REFUNDED'
                ? 'refunded'
                : status === 'GONE'
                  ? 'claimed into an account'
                  : 'market unreachable'
  return <small class={status === 'PAID' ? 'ok' : 'muted'}>{text} </small>
}
