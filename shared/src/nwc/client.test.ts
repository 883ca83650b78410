import { describe, expect, it } from 'vitest'
import { finalizeEvent, generateSecretKey, getPublicKey } from 'nostr-tools/pure'
import { readReply, replyRequestId, tagsClient } from './client.ts'
import { NwcError, NwcWalletError } from './uri.ts'

const wallet = generateSecretKey()
const walletPk = getPublicKey(wallet)
const clientPk = getPublicKey(generateSecretKey())
const requestId = 'ab'.repeat(32)

/**
 * A 23195 reply tagged as Alby Hub tags its replies: `["p", <client>]`, then `["e", <request id>]`
 * (getAlby/hub, nip47/event_handler.go, CreateResponse, stored version 1e5cbd8d).
 */
const albyHubShape = (
  tags = [
    ['p', clientPk],
    ['e', requestId],
  ],
  kind = 23195,
  key = wallet,
) => finalizeEvent({ kind, created_at: 1_700_000_000, tags, content: 'x' }, key)

describe('reply matching', () => {
  it('a wallet reply names its request by the e tag and is tagged for this client', () => {
    const ev = albyHubShape()
    expect(replyRequestId(ev, walletPk)).toBe(requestId)
    expect(tagsClient(ev, clientPk)).toBe(true)
  })

  it('a reply without a p tag still matches by e (the per-request fallback), but is not tagged for us', () => {
    const ev = albyHubShape([['e', requestId]])
    expect(replyRequestId(ev, walletPk)).toBe(requestId)
    expect(tagsClient(ev, clientPk)).toBe(false)
    expect(
      tagsClient(
        albyHubShape([
          ['p', getPublicKey(generateSecretKey())],
          ['e', requestId],
        ]),
        clientPk,
      ),
    ).toBe(false)
  })

  it('matches nothing for another author, another kind, or no usable e tag', () => {
    expect(
      replyRequestId(albyHubShape(undefined, 23195, generateSecretKey()), walletPk),
    ).toBeUndefined()
    expect(replyRequestId(albyHubShape(undefined, 23197), walletPk)).toBeUndefined()
    expect(replyRequestId(albyHubShape([['p', clientPk]]), walletPk)).toBeUndefined()
    expect(
      replyRequestId(
        albyHubShape([
          ['p', clientPk],
          ['e', 'not-an-id'],
        ]),
        walletPk,
      ),
    ).toBeUndefined()
  })
})

describe('reading a reply', () => {
  it('answers the result, and {} for a null result', () => {
    expect(
      readReply(
        JSON.stringify({ result_type: 'get_balance', error: null, result: { balance: 21 } }),
      ),
    ).toEqual({ balance: 21 })
    expect(readReply(JSON.stringify({ result_type: 'get_balance', result: null }))).toEqual({})
  })

  it('throws the wallet error as NwcWalletError with its code and message', () => {
    const err = (() => {
      try {
        readReply(
          JSON.stringify({
            result_type: 'pay_invoice',
            error: { code: 'PAYMENT_FAILED', message: 'no route' },
            result: null,
          }),
        )
      } catch (e) {
        return e
      }
      return undefined
    })()
    expect(err).toBeInstanceOf(NwcWalletError)
    expect(err).toMatchObject({ code: 'PAYMENT_FAILED', message: 'PAYMENT_FAILED: no route' })
  })

  it('an error without a code is OTHER; a body that is not JSON is a local BAD_REPLY, not a wallet error', () => {
    expect(() => readReply(JSON.stringify({ error: { message: 'x' } }))).toThrow(
      expect.objectContaining({ code: 'OTHER' }),
    )
    let e: unknown
    try {
      readReply('<html>')
    } catch (x) {
      e = x
    }
    expect(e).toBeInstanceOf(NwcError)
    expect(e).not.toBeInstanceOf(NwcWalletError)
    expect(e).toMatchObject({ code: 'BAD_REPLY' })
  })
})
