/**
 * LNURL-pay client (LUD-06, LUD-16, LUD-12): `name@host` → `https://host/.well-known/lnurlp/name` → pay
 * request checked → `callback?amount=` → the invoice decoded and checked: amount = asked (LUD-06 step 8,
 * PAY-2) and description hash = sha256(metadata) (step 7, PAY-3). Plain http only for loopback hosts
 * and only outside production. HTTP statuses are ignored; bodies decide (LUD-01). Every host fetched
 * (the address's and the callback's) passes host-policy.ts first, names resolved (PAY-6). Errors carry
 * our own summary, never text from the remote body: they reach the developer's payout view.
 */
import { createHash } from 'node:crypto'
import { z } from 'zod'
import { AppError } from '@zapcade/shared/errors'
import type { Msat } from '@zapcade/shared/money'
import type { LnurlInvoice, LnurlPayClient } from '../../domain/payout/lnurl-pay.ts'
import { decodeInvoice } from './decode-invoice.ts'
import { checkResolvedHost, hostRefusal, systemResolve, type Resolve } from './host-policy.ts'

export interface LnurlClientOptions {
  /** In production plain http is refused even for loopback hosts. */
  production: boolean
  timeoutMs?: number
  maxBodyBytes?: number
  fetch?: typeof fetch
  /** Name → addresses, checked before each fetch; default the system resolver. */
  resolve?: Resolve
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1'])
const NAME_RE = /^[a-z0-9-_.]{1,64}$/
const HOST_RE = /^(?:[a-z0-9-]{1,63}\.)*[a-z0-9-]{1,63}(?::[0-9]{1,5})?$|^\[::1\](?::[0-9]{1,5})?$/

const payRequestSchema = z.object({
  tag: z.literal('payRequest'),
  callback: z.string().min(1).max(2000),
  minSendable: z.number().int().positive(),
  maxSendable: z.number().int().positive(),
  metadata: z
    .string()
    .min(2)
    .max(64 * 1024),
  commentAllowed: z.number().int().nonnegative().optional(),
})
const invoiceSchema = z.object({ pr: z.string().min(10).max(4000) })

const invalid = (reason: string): AppError => new AppError('LNURL_INVALID', reason)

/** `name@host` → the LUD-16 well-known URL, or throws LNURL_INVALID. */
export function lud16Url(address: string, production: boolean): URL {
  const at = address.lastIndexOf('@')
  const name = address.slice(0, at).toLowerCase(),
    host = address.slice(at + 1).toLowerCase()
  if (at <= 0 || !NAME_RE.test(name) || !HOST_RE.test(host))
    throw invalid(`not a lightning address: ${address.slice(0, 100)}`)
  const hostname = new URL(`http://${host}`).hostname
  const scheme = !production && LOOPBACK.has(hostname) ? 'http' : 'https'
  return new URL(`${scheme}://${host}/.well-known/lnurlp/${name}`)
}

/** Only https, or http to a loopback host outside production (LUD-01/16; no downgrade via the callback). */
function checkUrl(raw: string, production: boolean, what: string): URL {
  let u: URL
  try {
    u = new URL(raw)
  } catch {
    throw invalid(`${what}: not a URL`)
  }
  if (u.protocol === 'https:') return u
  if (u.protocol === 'http:' && !production && LOOPBACK.has(u.hostname)) return u
  throw invalid(`${what}: must be https`)
}

/** LUD-06: metadata is a JSON array of [mime, value] with exactly one text/plain; LUD-16 adds an identifier. */
function checkMetadata(metadata: string): void {
  let parsed: unknown
  try {
    parsed = JSON.parse(metadata)
  } catch {
    throw invalid('metadata: not JSON')
  }
  if (!Array.isArray(parsed) || !parsed.every((e) => Array.isArray(e) && typeof e[0] === 'string'))
    throw invalid('metadata: not an array of entries')
  const mimes = (parsed as [string, unknown][]).map((e) => e[0])
  if (mimes.filter((m) => m === 'text/plain').length !== 1)
    throw invalid('metadata: exactly one text/plain entry required')
  if (!mimes.includes('text/identifier') && !mimes.includes('text/email'))
    throw invalid('metadata: text/identifier or text/email required (LUD-16)')
}

/** An LNURL-pay client over fetch. */
export function lnurlPayClient(o: LnurlClientOptions): LnurlPayClient {
  const doFetch = o.fetch ?? fetch
  const timeoutMs = o.timeoutMs ?? 10_000
  const maxBody = o.maxBodyBytes ?? 128 * 1024
  const resolve = o.resolve ?? systemResolve

  async function getJson(url: URL): Promise<unknown> {
    const host = await checkResolvedHost(url.hostname, {
      production: o.production,
      resolve,
      timeoutMs,
    })
    if (!host.ok)
      throw invalid(`${url.host}: ${'refused' in host ? host.refused : host.unresolved}`)
    let res: Response
    try {
      // No redirects: a redirect could lead to a host or scheme we would not have accepted.
      res = await doFetch(url, {
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
        headers: { accept: 'application/json' },
      })
    } catch (e) {
      throw invalid(`${url.host}: ${e instanceof Error ? e.message : String(e)}`)
    }
    const text = await res.text()
    if (text.length > maxBody) throw invalid(`${url.host}: response too large`)
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      throw invalid(`${url.host}: answered HTTP ${res.status} without JSON`)
    }
    if (
      typeof body === 'object' &&
      body !== null &&
      (body as { status?: unknown }).status === 'ERROR'
    ) {
      // The remote `reason` is not repeated: it is a stranger's text, and this error reaches the developer.
      throw invalid(`${url.host}: answered status ERROR (HTTP ${res.status})`)
    }
    return body
  }

  return {
    async requestInvoice(
      address: string,
      amountMsat: Msat,
      comment?: string,
    ): Promise<LnurlInvoice> {
      // The host as written: `0x7f000001` would reach lud16Url's URL parser as 127.0.0.1.
      const refused = hostRefusal(
        address.slice(address.lastIndexOf('@') + 1).toLowerCase(),
        o.production,
      )
      if (refused) throw invalid(`payout address: ${refused}`)
      const wellKnown = lud16Url(address, o.production)
      const pr = payRequestSchema.safeParse(await getJson(wellKnown))
      if (!pr.success)
        throw invalid(
          `pay request: ${pr.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
        )
      const req = pr.data
      checkMetadata(req.metadata)
      if (req.minSendable > req.maxSendable)
        throw invalid('pay request: minSendable above maxSendable')
      if (amountMsat < req.minSendable || amountMsat > req.maxSendable)
        throw invalid(`amount ${amountMsat} msat outside ${req.minSendable}..${req.maxSendable}`)
      const callback = checkUrl(req.callback, o.production, 'callback')
      callback.searchParams.set('amount', String(amountMsat))
      if (comment && req.commentAllowed && req.commentAllowed > 0)
        callback.searchParams.set('comment', comment.slice(0, req.commentAllowed))
      const inv = invoiceSchema.safeParse(await getJson(callback))
      if (!inv.success) throw invalid('callback: no pr in the answer')
      let decoded
      try {
        decoded = decodeInvoice(inv.data.pr)
      } catch (e) {
        throw invalid(
          `invoice does not decode: ${e instanceof Error ? e.message.slice(0, 100) : 'unknown error'}`,
        )
      }
      if (decoded.amountMsat !== amountMsat)
        throw invalid(`invoice amount ${decoded.amountMsat ?? 'none'} msat, asked ${amountMsat}`)
      const expectHash = createHash('sha256').update(req.metadata, 'utf8').digest('hex')
      if (decoded.descriptionHash !== expectHash)
        throw invalid('invoice description hash is not sha256 of the metadata')
      return {
        bolt11: inv.data.pr,
        paymentHash: decoded.paymentHash,
        amountMsat,
        expiresAtSec: decoded.expiresAtSec,
      }
    },
  }
}
