/**
 * The NIP-47 client's one standing reply subscription, frame by frame, against a scripted relay over a
 * real WebSocket on 127.0.0.1 and a scripted wallet that answers as Alby Hub does (`["p", client]`,
 * `["e", request]`, NIP-44 v2; getAlby/hub, nip47/event_handler.go, CreateResponse, stored version
 * 1e5cbd8d). The real relay and devnet wallet over this client are in the market's nwc-wallet tests.
 */
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket, { WebSocketServer } from 'ws'
import { generateSecretKey, getPublicKey } from 'nostr-tools/pure'
import { nodeNwcCrypto } from '../crypto/nwc-node.ts'
import type { NostrEvent } from '../events/event.ts'
import { NwcClient } from './client.ts'
import type { SocketClass } from './relay-link.ts'

type Filter = Record<string, unknown>

/** Whether a relay following NIP-01 would send `ev` to a subscription with `filter`. */
function matches(filter: Filter, ev: NostrEvent): boolean {
  const has = (k: string, v: unknown): boolean =>
    !(k in filter) || (filter[k] as unknown[]).includes(v)
  const tagged = (name: string): boolean => {
    const want = filter[`#${name}`] as string[] | undefined
    return !want || ev.tags.some((t) => t[0] === name && want.includes(t[1]!))
  }
  const since = filter['since'] as number | undefined
  return (
    has('kinds', ev.kind) &&
    has('authors', ev.pubkey) &&
    tagged('p') &&
    tagged('e') &&
    (since === undefined || ev.created_at >= since)
  )
}

interface Relay {
  url: string
  /** Every client frame in arrival order, and `['(EOSE sent)', subId]` markers. */
  frames: unknown[][]
  sockets: WebSocket[]
  /** Subscriptions of the newest socket. */
  subs: Map<string, Filter[]>
  /** While set, REQs get no EOSE until `releaseEose()`. */
  holdEose: boolean
  releaseEose(): void
  /**
   * Called with each request the client publishes; `ok: false` drops the socket before the OK,
   * `closeAfterOk` closes it right after the OK (which the client reads first: one ordered stream).
   */
  onRequest: (ev: NostrEvent) => { ok: boolean; closeAfterOk?: boolean }
  /** Send to the newest socket's matching subscriptions (as a relay does). */
  deliver(ev: NostrEvent): void
  /** Send to every subscription of the newest socket, matching or not (a hostile relay). */
  deliverAnyway(ev: NostrEvent): void
  close(): Promise<void>
}

async function scriptedRelay(): Promise<Relay> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  await new Promise<void>((r) => wss.once('listening', () => r()))
  const held: (() => void)[] = []
  const relay: Relay = {
    url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}`,
    frames: [],
    sockets: [],
    subs: new Map(),
    holdEose: false,
    releaseEose() {
      for (const h of held.splice(0)) h()
    },
    onRequest: () => ({ ok: true }),
    deliver(ev) {
      const ws = relay.sockets.at(-1)!
      for (const [id, filters] of relay.subs)
        if (filters.some((f) => matches(f, ev))) ws.send(JSON.stringify(['EVENT', id, ev]))
    },
    deliverAnyway(ev) {
      const ws = relay.sockets.at(-1)!
      for (const id of relay.subs.keys()) ws.send(JSON.stringify(['EVENT', id, ev]))
    },
    close: () =>
      new Promise((r) => {
        for (const s of wss.clients) s.terminate()
        wss.close(() => r())
      }),
  }
  wss.on('connection', (ws) => {
    relay.sockets.push(ws)
    relay.subs = new Map()
    const subs = relay.subs
    ws.on('message', (m) => {
      const msg = JSON.parse(String(m)) as unknown[]
      relay.frames.push(msg)
      if (msg[0] === 'REQ') {
        const id = msg[1] as string
        subs.set(id, msg.slice(2) as Filter[])
        const eose = (): void => {
          relay.frames.push(['(EOSE sent)', id])
          ws.send(JSON.stringify(['EOSE', id]))
        }
        if (relay.holdEose) held.push(eose)
        else eose()
      } else if (msg[0] === 'CLOSE') {
        subs.delete(msg[1] as string)
      } else if (msg[0] === 'EVENT') {
        const ev = msg[1] as NostrEvent
        const r = relay.onRequest(ev)
        if (!r.ok) return ws.terminate()
        ws.send(JSON.stringify(['OK', ev.id, true, '']))
        if (r.closeAfterOk) ws.close()
      }
    })
  })
  return relay
}

/** A wallet that reads requests and signs replies the way NIP-47 wallets do. */
function scriptedWallet() {
  const secret = generateSecretKey()
  const pubkey = getPublicKey(secret)
  const clientSecret = generateSecretKey()
  const clientPubkey = getPublicKey(clientSecret)
  const key = nodeNwcCrypto.nip44.conversationKey(secret, clientPubkey)
  return {
    pubkey,
    clientPubkey,
    uri: (relayUrl: string) =>
      `nostr+walletconnect://${pubkey}?relay=${encodeURIComponent(relayUrl)}&secret=${Buffer.from(clientSecret).toString('hex')}`,
    read: (req: NostrEvent) =>
      JSON.parse(nodeNwcCrypto.nip44.decrypt(req.content, key)) as {
        method: string
        params: Record<string, unknown>
      },
    reply(
      req: NostrEvent,
      result: unknown,
      o: { p?: string; signer?: Uint8Array } = {},
    ): NostrEvent {
      const content = nodeNwcCrypto.nip44.encrypt(
        JSON.stringify({ result_type: 'echo', error: null, result }),
        key,
      )
      return nodeNwcCrypto.sign(
        {
          kind: 23195,
          created_at: Math.floor(Date.now() / 1000),
          tags: [
            ['p', o.p ?? clientPubkey],
            ['e', req.id],
            ['encryption', 'nip44_v2'],
          ],
          content,
        },
        o.signer ?? secret,
      )
    },
  }
}

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 1_000 && !ok(); i++) await new Promise((r) => setTimeout(r, 10))
  if (!ok()) throw new Error(`never: ${what}`)
}

const count = (frames: unknown[][], type: string) => frames.filter((f) => f[0] === type).length
const requestsSent = (frames: unknown[][]) =>
  frames.filter((f) => f[0] === 'EVENT').map((f) => f[1] as NostrEvent)

const cleanup: (() => unknown)[] = []
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c()
})

async function setup() {
  const relay = await scriptedRelay()
  const wallet = scriptedWallet()
  const client = new NwcClient(wallet.uri(relay.url), {
    crypto: nodeNwcCrypto,
    WebSocket: WebSocket as unknown as SocketClass,
    encryption: 'nip44_v2',
    replies: 'standing',
    timeoutMs: 10_000,
  })
  cleanup.push(
    () => client.close(),
    () => relay.close(),
  )
  return { relay, wallet, client }
}

describe('one standing reply subscription per connection', () => {
  it('ten requests at once share one REQ; replies in reverse order each reach their own request', async () => {
    const { relay, wallet, client } = await setup()
    const asked: NostrEvent[] = []
    relay.onRequest = (ev) => {
      asked.push(ev)
      return { ok: true }
    }
    const answers = Promise.all(Array.from({ length: 10 }, (_, n) => client.request('echo', { n })))
    await until('ten requests published', () => asked.length === 10)
    for (const req of [...asked].reverse())
      relay.deliver(wallet.reply(req, { n: wallet.read(req).params['n'] }))
    expect(await answers).toEqual(Array.from({ length: 10 }, (_, n) => ({ n })))
    expect(count(relay.frames, 'REQ')).toBe(1)
    expect(count(relay.frames, 'CLOSE')).toBe(0)
    // The standing filter: replies tagged for us, from an hour back (a wallet's clock may be behind).
    const [, , filter] = relay.frames.find((f) => f[0] === 'REQ')!
    expect(filter).toMatchObject({
      kinds: [23195],
      authors: [wallet.pubkey],
      '#p': [wallet.clientPubkey],
    })
    expect((filter as { since: number }).since).toBeLessThanOrEqual(Date.now() / 1000 - 3_000)
    // A later request still costs no REQ.
    const later = client.request('echo', { n: 10 })
    await until('the eleventh request', () => asked.length === 11)
    relay.deliver(wallet.reply(asked[10]!, { n: 10 }))
    expect(await later).toEqual({ n: 10 })
    expect(count(relay.frames, 'REQ')).toBe(1)
  })

  it('a request is published only after the standing subscription reached end of stored events', async () => {
    const { relay, wallet, client } = await setup()
    relay.holdEose = true
    relay.onRequest = (ev) => {
      queueMicrotask(() => relay.deliver(wallet.reply(ev, { ok: 1 }))) // a wallet that answers at once
      return { ok: true }
    }
    const answer = client.request('echo', {})
    await until('the standing REQ', () => count(relay.frames, 'REQ') === 1)
    await new Promise((r) => setTimeout(r, 100))
    expect(count(relay.frames, 'EVENT')).toBe(0)
    relay.releaseEose()
    expect(await answer).toEqual({ ok: 1 })
    const eoseAt = relay.frames.findIndex((f) => f[0] === '(EOSE sent)')
    const eventAt = relay.frames.findIndex((f) => f[0] === 'EVENT')
    expect(eoseAt).toBeGreaterThan(-1)
    expect(eventAt).toBeGreaterThan(eoseAt)
  })
})

describe('a relay reconnect mid-request', () => {
  it('after an acknowledged request: re-subscribes with a lookup of its id, never re-sends it, and takes the reply', async () => {
    const { relay, wallet, client } = await setup()
    // Acknowledged, then the socket closes: the wallet's reply, published meanwhile, is lost.
    relay.onRequest = () => ({ ok: true, closeAfterOk: true })
    const answer = client.request('echo', { n: 1 })
    await until('the request acknowledged', () => count(relay.frames, 'EVENT') === 1)
    const [req] = requestsSent(relay.frames)
    await until('a second REQ on a new socket', () => count(relay.frames, 'REQ') === 2)
    const again = relay.frames.filter((f) => f[0] === 'REQ')[1]!
    expect(again.slice(2)).toContainEqual({
      kinds: [23195],
      authors: [wallet.pubkey],
      '#e': [req!.id],
    })
    // A relay that kept the reply (or a wallet still working) answers the lookup.
    relay.deliver(wallet.reply(req!, { n: 1 }))
    expect(await answer).toEqual({ n: 1 })
    expect(requestsSent(relay.frames).map((e) => e.id)).toEqual([req!.id])
  })

  it('before the relay acknowledged: the same signed request is published again once the replies are live', async () => {
    const { relay, wallet, client } = await setup()
    let first = true
    relay.onRequest = (ev) => {
      if (first) {
        first = false
        return { ok: false } // the socket drops before the OK
      }
      queueMicrotask(() => relay.deliver(wallet.reply(ev, wallet.read(ev).params)))
      return { ok: true }
    }
    expect(await client.request('echo', { n: 2 })).toEqual({ n: 2 })
    const sent = requestsSent(relay.frames)
    expect(sent).toHaveLength(2)
    expect(sent[1]!.id).toBe(sent[0]!.id)
    // The second publication follows the new socket's end of stored events.
    const secondEose = relay.frames.findLastIndex((f) => f[0] === '(EOSE sent)')
    expect(relay.frames.findLastIndex((f) => f[0] === 'EVENT')).toBeGreaterThan(secondEose)
    expect(count(relay.frames, 'REQ')).toBe(2)
  })
  it('a relay that drops the socket at every publication: UNREACHABLE after the third, not a loop until the deadline', async () => {
    const { relay, client } = await setup()
    relay.onRequest = () => ({ ok: false })
    await expect(client.request('echo', {})).rejects.toMatchObject({ code: 'UNREACHABLE' })
    expect(count(relay.frames, 'EVENT')).toBe(3)
  })
})

describe('forged replies', () => {
  it('a reply by another key, one with a bad signature, and one tagged for another client are ignored', async () => {
    const { relay, wallet, client } = await setup()
    const intruder = generateSecretKey()
    relay.onRequest = (ev) => {
      queueMicrotask(() => {
        // Signed by another key (its own pubkey): not the wallet.
        relay.deliverAnyway(wallet.reply(ev, { forged: 'author' }, { signer: intruder }))
        // The wallet's pubkey over another key's signature.
        const bad = wallet.reply(ev, { forged: 'signature' }, { signer: intruder })
        relay.deliverAnyway({ ...bad, pubkey: wallet.pubkey })
        // Really the wallet's, our request's `e`, but tagged for another client.
        relay.deliverAnyway(
          wallet.reply(ev, { forged: 'p' }, { p: getPublicKey(generateSecretKey()) }),
        )
        relay.deliver(wallet.reply(ev, { genuine: true }))
      })
      return { ok: true }
    }
    expect(await client.request('echo', {})).toEqual({ genuine: true })
  })
})
