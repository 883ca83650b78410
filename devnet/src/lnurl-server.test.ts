import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decode as lightDecode } from 'light-bolt11-decoder'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { msat } from '@zapcade/shared/money'
import { LightningNode } from './lightning.ts'
import {
  COMMENT_ALLOWED,
  MAX_SENDABLE_MSAT,
  MIN_SENDABLE_MSAT,
  startLnurlServer,
  type LnurlServer,
} from './lnurl-server.ts'

let dir: string
let node: LightningNode
let server: LnurlServer

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'devnet-lnurl-'))
  node = LightningNode.open({ file: join(dir, 'devnet.db') })
  node.createWallet({ name: 'demo-dev' })
  server = await startLnurlServer({ node })
})
afterEach(async () => {
  await server.close()
  await node.close()
  rmSync(dir, { recursive: true, force: true })
})

interface PayRequest {
  tag: string
  callback: string
  minSendable: number
  maxSendable: number
  metadata: string
  commentAllowed: number
}

const getJson = async (url: string) => (await fetch(url)).json() as Promise<Record<string, unknown>>
const section = (pr: string, name: string) =>
  lightDecode(pr).sections.find((s) => s.name === name) as { value?: unknown } | undefined

describe('devnet Lightning-address server', () => {
  it('answers a LUD-16 address with a LUD-06 pay request naming the address in its metadata', async () => {
    const [name, domain] = server.lud16('demo-dev').split('@')
    const res = await fetch(`http://${domain}/.well-known/lnurlp/${name}`)
    expect(res.status).toBe(200)
    const pay = (await res.json()) as PayRequest
    expect(pay.tag).toBe('payRequest')
    expect(pay.minSendable).toBe(MIN_SENDABLE_MSAT)
    expect(pay.maxSendable).toBe(MAX_SENDABLE_MSAT)
    expect(pay.commentAllowed).toBe(COMMENT_ALLOWED)
    const meta = JSON.parse(pay.metadata) as [string, string][]
    expect(meta.filter(([t]) => t === 'text/plain')).toHaveLength(1)
    expect(meta).toContainEqual(['text/identifier', `demo-dev@${domain}`])
    expect(new URL(pay.callback).host).toBe(domain)
  })

  it('the callback makes an invoice for the amount whose description hash is sha256 of the exact metadata string', async () => {
    const pay = (await getJson(
      `${server.baseUrl}/.well-known/lnurlp/demo-dev`,
    )) as unknown as PayRequest
    const body = await getJson(
      `${pay.callback}?amount=21000&comment=${encodeURIComponent('gg, thanks')}`,
    )
    expect(body.routes).toEqual([])
    const pr = body.pr as string
    expect(section(pr, 'amount')?.value).toBe('21000')
    expect(section(pr, 'description_hash')?.value).toBe(
      createHash('sha256').update(pay.metadata, 'utf8').digest('hex'),
    )
    const hash = section(pr, 'payment_hash')?.value as string
    const tx = node.lookup(node.wallet('demo-dev').id, { paymentHash: hash })
    expect(tx).toMatchObject({
      state: 'pending',
      amount: 21_000,
      metadata: { comment: 'gg, thanks' },
    })
    // And it is payable: money reaches the named wallet.
    const payer = node.createWallet({ balanceMsat: msat(100_000) })
    await node.payInvoice(payer.id, pr)
    expect(node.balance(node.wallet('demo-dev').id)).toBe(21_000)
  })

  it('refuses amounts outside minSendable..maxSendable, non-integers and overlong comments with {status: ERROR}', async () => {
    const cb = `${server.baseUrl}/lnurlp/demo-dev/callback`
    for (const q of [
      `amount=${MIN_SENDABLE_MSAT - 1}`,
      `amount=${MAX_SENDABLE_MSAT + 1}`,
      'amount=1.5',
      'amount=-1000',
      'amount=',
      `amount=1000&comment=${'x'.repeat(COMMENT_ALLOWED + 1)}`,
    ]) {
      const body = await getJson(`${cb}?${q}`)
      expect(body.status, q).toBe('ERROR')
      expect(typeof body.reason, q).toBe('string')
    }
  })

  it('an unknown name is an ERROR, not an invoice', async () => {
    const first = await getJson(`${server.baseUrl}/.well-known/lnurlp/nobody`)
    expect(first).toMatchObject({ status: 'ERROR' })
    const cb = await getJson(`${server.baseUrl}/lnurlp/nobody/callback?amount=1000`)
    expect(cb).toMatchObject({ status: 'ERROR' })
  })

  it('a wallet created after start has an address at once', async () => {
    node.createWallet({ name: 'late-dev' })
    const pay = (await getJson(
      `${server.baseUrl}/.well-known/lnurlp/late-dev`,
    )) as unknown as PayRequest
    expect(pay.tag).toBe('payRequest')
  })
})
