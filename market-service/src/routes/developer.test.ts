/** PUT /api/v1/developer/profile over real HTTP, with a real LNURL endpoint on loopback. */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { DeveloperProfileResponse } from '@zapcade/shared/api/developer'
import { newKey, startHarness, type Harness } from '../testing/service-harness.ts'

let h: Harness | undefined
afterEach(async () => {
  await h?.stop()
  h = undefined
})

let lnurl: Server
let lnHost = ''
beforeAll(async () => {
  lnurl = createServer((req, res) => {
    res.setHeader('content-type', 'application/json')
    if (req.url === '/.well-known/lnurlp/alice')
      res.end(
        JSON.stringify({
          tag: 'payRequest',
          callback: `http://${lnHost}/cb/alice`,
          minSendable: 1000,
          maxSendable: 1e11,
          metadata: '[["text/plain","alice"]]',
        }),
      )
    else if (req.url === '/.well-known/lnurlp/bob')
      res.end(JSON.stringify({ tag: 'withdrawRequest', callback: 'x' }))
    else {
      res.statusCode = 404
      res.end(JSON.stringify({ status: 'ERROR', reason: 'unknown user' }))
    }
  })
  await new Promise<void>((r) => lnurl.listen(0, '127.0.0.1', r))
  lnHost = `127.0.0.1:${(lnurl.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((r) => lnurl.close(() => r())))

const put = (hh: Harness, body: unknown, auth = newKey()) =>
  hh.call('/api/v1/developer/profile', { method: 'PUT', body: JSON.stringify(body), auth })

describe('PUT /api/v1/developer/profile', () => {
  it('saves a Lightning address whose LNURL answers a payRequest as verified', async () => {
    h = await startHarness()
    const dev = newKey()
    const res = await put(h, { payout_ln_address: `Alice@${lnHost}` }, dev)
    expect(res.status).toBe(200)
    const body = DeveloperProfileResponse.parse(await res.json())
    expect(body).toMatchObject({
      pubkey: dev.pubkey,
      payout_ln_address: `alice@${lnHost}`,
      verified: true,
    })
    const row = h.svc.db
      .prepare(
        'SELECT p.payout_ln_address, p.verified FROM developer_profiles p JOIN users u ON u.id = p.user_id WHERE u.pubkey = ?',
      )
      .get(dev.pubkey)
    expect(row).toEqual({ payout_ln_address: `alice@${lnHost}`, verified: 1 })
  })

  it('refuses an address whose LNURL answers something other than a payRequest, or an error', async () => {
    h = await startHarness()
    const wrong = await put(h, { payout_ln_address: `bob@${lnHost}` })
    expect(wrong.status).toBe(422)
    expect((await wrong.json()).code).toBe('LNURL_INVALID')
    const unknown = await put(h, { payout_ln_address: `nobody@${lnHost}` })
    // Our summary only: the remote reason is a stranger's text and is not repeated to the developer.
    const problem = (await unknown.json()) as { code: string; detail: string }
    expect(problem).toMatchObject({
      code: 'LNURL_INVALID',
      detail: expect.stringContaining('answered 404 with status ERROR'),
    })
    expect(problem.detail).not.toContain('unknown user')
  })

  it('keeps an unreachable address unverified', async () => {
    h = await startHarness()
    const res = await put(h, { payout_ln_address: 'carol@127.0.0.1:9' })
    expect(await res.json()).toMatchObject({
      payout_ln_address: 'carol@127.0.0.1:9',
      verified: false,
    })
  })

  it('refuses bad LUD-16 syntax and unknown fields with the issues listed, and unsigned calls', async () => {
    h = await startHarness()
    const bad = await put(h, { payout_ln_address: 'not an address' })
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      issues: [{ path: 'payout_ln_address' }],
    })
    const extra = await put(h, { payout_ln_address: `alice@${lnHost}`, admin: true })
    expect(await extra.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      issues: [{ message: 'unknown field(s): admin' }],
    })
    const unsigned = await h.call('/api/v1/developer/profile', {
      method: 'PUT',
      body: JSON.stringify({ payout_ln_address: `alice@${lnHost}` }),
    })
    expect(unsigned.status).toBe(401)
  })
})
