import { afterEach, describe, expect, it } from 'vitest'
import WebSocket, { WebSocketServer } from 'ws'
import { RelayLink, type SocketClass } from './relay-link.ts'

/** A scripted relay on 127.0.0.1: records every client message and lets the test answer. */
async function scriptedRelay(): Promise<{
  url: string
  frames: unknown[][]
  sockets: WebSocket[]
  close(): Promise<void>
}> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  await new Promise<void>((r) => wss.once('listening', () => r()))
  const frames: unknown[][] = []
  const sockets: WebSocket[] = []
  wss.on('connection', (ws) => {
    sockets.push(ws)
    ws.on('message', (m) => {
      const msg = JSON.parse(String(m)) as unknown[]
      frames.push(msg)
      if (msg[0] === 'REQ') ws.send(JSON.stringify(['EOSE', msg[1]]))
    })
  })
  const { port } = wss.address() as { port: number }
  return {
    url: `ws://127.0.0.1:${port}`,
    frames,
    sockets,
    close: () =>
      new Promise((r) => {
        for (const s of wss.clients) s.terminate()
        wss.close(() => r())
      }),
  }
}

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 25))
  if (!ok()) throw new Error(`never: ${what}`)
}

const reqs = (frames: unknown[][], id: string) =>
  frames.filter((f) => f[0] === 'REQ' && f[1] === id).length
const cleanup: (() => unknown)[] = []
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c()
})

describe('RelayLink (a real WebSocket to a scripted relay)', () => {
  it('re-sends standing subscriptions after the relay drops the socket, and reports the drop', async () => {
    const relay = await scriptedRelay()
    const link = new RelayLink(relay.url, WebSocket as unknown as SocketClass)
    cleanup.push(
      () => link.close(),
      () => relay.close(),
    )
    let drops = 0
    link.ondisconnect = () => {
      drops++
    }
    link.subscribe('replies', { kinds: [23195] }, { onevent: () => undefined, standing: true })
    await link.ensureOpen()
    await link.whenLive('replies')
    relay.sockets[0]!.terminate()
    await until('a second REQ after the reconnect', () => reqs(relay.frames, 'replies') === 2)
    await link.whenLive('replies')
    expect(drops).toBe(1)
  })

  it('asks again for a standing subscription the relay CLOSED; a one-off one stays closed', async () => {
    const relay = await scriptedRelay()
    const link = new RelayLink(relay.url, WebSocket as unknown as SocketClass)
    cleanup.push(
      () => link.close(),
      () => relay.close(),
    )
    const reasons: string[] = []
    link.subscribe(
      'standing',
      { kinds: [23197] },
      { onevent: () => undefined, standing: true, onclosed: (r) => reasons.push(r) },
    )
    link.subscribe(
      'once',
      { kinds: [13194] },
      { onevent: () => undefined, onclosed: (r) => reasons.push(r) },
    )
    await link.ensureOpen()
    relay.sockets[0]!.send(JSON.stringify(['CLOSED', 'standing', 'error: too many subscriptions']))
    relay.sockets[0]!.send(JSON.stringify(['CLOSED', 'once', 'error: too many subscriptions']))
    await until('the standing subscription asked again', () => reqs(relay.frames, 'standing') === 2)
    expect(reqs(relay.frames, 'once')).toBe(1)
    expect(reasons).toEqual(['error: too many subscriptions', 'error: too many subscriptions'])
  })

  it('publish resolves on OK true and rejects PUBLISH_REFUSED on OK false', async () => {
    const relay = await scriptedRelay()
    const link = new RelayLink(relay.url, WebSocket as unknown as SocketClass)
    cleanup.push(
      () => link.close(),
      () => relay.close(),
    )
    await link.ensureOpen()
    const ev = (id: string) => ({
      id,
      pubkey: 'a'.repeat(64),
      created_at: 1,
      kind: 23194,
      tags: [],
      content: '',
      sig: 'b'.repeat(128),
    })
    const good = link.publish(ev('1'.repeat(64)))
    const bad = link.publish(ev('2'.repeat(64)))
    await until('both events sent', () => relay.frames.filter((f) => f[0] === 'EVENT').length === 2)
    relay.sockets[0]!.send(JSON.stringify(['OK', '1'.repeat(64), true, '']))
    relay.sockets[0]!.send(JSON.stringify(['OK', '2'.repeat(64), false, 'blocked: no']))
    await expect(good).resolves.toBeUndefined()
    await expect(bad).rejects.toMatchObject({ code: 'PUBLISH_REFUSED' })
  })

  it('an unreachable relay is UNREACHABLE', async () => {
    const relay = await scriptedRelay()
    const url = relay.url
    await relay.close()
    const link = new RelayLink(url, WebSocket as unknown as SocketClass)
    cleanup.push(() => link.close())
    await expect(link.ensureOpen()).rejects.toMatchObject({ code: 'UNREACHABLE' })
  })
})
