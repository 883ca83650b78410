/**
 * Test fixture: a minimal NIP-46 bunker (remote signer) over a real relay. It answers `connect` (checking
 * the URI's secret), `get_public_key`, `sign_event` and `ping`, NIP-44 encrypted, as kind 24133.
 * `refuseSigning` makes it answer sign_event with an error, as a user declining would.
 */
import { SimplePool } from 'nostr-tools/pool'
import { finalizeEvent, generateSecretKey, getPublicKey } from 'nostr-tools/pure'
import * as nip44 from 'nostr-tools/nip44'
import { bytesToHex } from 'nostr-tools/utils'
import { installNodeWebSocket } from '../../api/node-websocket.ts'

export interface TestBunker {
  uri: string
  /** The user's pubkey the bunker signs as. */
  userPubkey: string
  /** Methods received, in order. */
  calls: string[]
  stop(): Promise<void>
}

export async function startTestBunker(
  relayUrl: string,
  opts: { userSecretKey?: Uint8Array; refuseSigning?: boolean } = {},
): Promise<TestBunker> {
  installNodeWebSocket()
  const userSk = opts.userSecretKey ?? generateSecretKey()
  // The bunker's transport key differs from the user's key, as in real bunkers (NIP-46 "remote-signer-pubkey").
  const bunkerSk = generateSecretKey()
  const bunkerPk = getPublicKey(bunkerSk)
  const secret = bytesToHex(generateSecretKey()).slice(0, 16)
  const pool = new SimplePool()
  const calls: string[] = []
  const connected = new Set<string>()
  let subscribed!: () => void
  const ready = new Promise<void>((r) => (subscribed = r))
  const sub = pool.subscribe(
    [relayUrl],
    { kinds: [24133], '#p': [bunkerPk], since: Math.floor(Date.now() / 1000) - 5 },
    {
      onevent: (ev) => {
        void (async () => {
          const ck = nip44.getConversationKey(bunkerSk, ev.pubkey)
          const req = JSON.parse(nip44.decrypt(ev.content, ck)) as {
            id: string
            method: string
            params: string[]
          }
          calls.push(req.method)
          let result = ''
          let error: string | undefined
          if (req.method === 'connect') {
            if (req.params[1] === secret) {
              connected.add(ev.pubkey)
              result = 'ack'
            } else error = 'invalid secret'
          } else if (!connected.has(ev.pubkey)) error = 'not connected'
          else if (req.method === 'get_public_key') result = getPublicKey(userSk)
          else if (req.method === 'ping') result = 'pong'
          else if (req.method === 'sign_event') {
            if (opts.refuseSigning) error = 'user declined'
            else {
              const t = JSON.parse(req.params[0] ?? '{}') as {
                kind: number
                created_at: number
                tags: string[][]
                content: string
              }
              result = JSON.stringify(finalizeEvent(t, userSk))
            }
          } else error = `unsupported method ${req.method}`
          const body = JSON.stringify(
            error === undefined ? { id: req.id, result } : { id: req.id, result: '', error },
          )
          const reply = finalizeEvent(
            {
              kind: 24133,
              created_at: Math.floor(Date.now() / 1000),
              tags: [['p', ev.pubkey]],
              content: nip44.encrypt(body, ck),
            },
            bunkerSk,
          )
          await Promise.any(pool.publish([relayUrl], reply))
        })().catch(() => {
          // The bunker was stopped while its reply was in flight (the pool rejects pending publishes):
          // nothing waits for that reply any more.
        })
      },
      oneose: () => subscribed(),
    },
  )
  await ready // the REQ is live on the relay before anyone sends a request
  return {
    uri: `bunker://${bunkerPk}?relay=${encodeURIComponent(relayUrl)}&secret=${secret}`,
    userPubkey: getPublicKey(userSk),
    calls,
    async stop() {
      sub.close()
      pool.close([relayUrl])
    },
  }
}
