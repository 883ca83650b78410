import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { LightningNode } from '@zapcade/devnet'
import { msat } from '@zapcade/shared/money'
import { decodeInvoice } from './decode-invoice.ts'
import { lnurlPayClient, lud16Url } from './lnurl-pay-client.ts'

// A real devnet node makes the invoices; an HTTP server on 127.0.0.1 answers as each test scripts it.
let node: LightningNode
let walletId: number
let server: Server
let domain = ''
let handler: (url: URL, res: ServerResponse) => void
let hits: string[] = []

const metadata = (): string =>
  JSON.stringify([
    ['text/plain', 'pay bob'],
    ['text/identifier', `bob@${domain}`],
  ])
const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex')
const json = (res: ServerResponse, body: unknown, status = 200): void => {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

/** An honest LUD-06 server, with parts of its pay request overridable. */
function honest(over: Record<string, unknown> = {}): (url: URL, res: ServerResponse) => void {
  return (url, res) => {
    if (url.pathname === '/.well-known/lnurlp/bob')
      return json(res, {
        tag: 'payRequest',
        callback: `http://${domain}/cb?x=1`,
        minSendable: 1000,
        maxSendable: 100_000,
        metadata: metadata(),
        ...over,
      })
    const tx = node.makeInvoice(walletId, {
      amountMsat: msat(Number(url.searchParams.get('amount'))),
      descriptionHash: sha256(metadata()),
    })
    json(res, { pr: tx.invoice, routes: [] })
  }
}

beforeAll(async () => {
  node = LightningNode.open({ file: ':memory:' })
  walletId = node.createWallet({ name: 'bob' }).id
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', `http://${domain}`)
    hits.push(`${url.pathname}${url.search}`)
    handler(url, res)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  domain = `127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise<void>((r) => server.close(() => r()))
  await node.close()
})
beforeEach(() => {
  hits = []
  handler = honest()
})

const client = lnurlPayClient({ production: false, timeoutMs: 5000 })
const address = (): string => `bob@${domain}`

describe('LUD-16 addresses', () => {
  it('map name@host to https://host/.well-known/lnurlp/name, plain http only for loopback outside production', () => {
    expect(lud16Url('alice@example.com', false).href).toBe(
      'https://example.com/.well-known/lnurlp/alice',
    )
    expect(lud16Url('alice@127.0.0.1:8080', false).href).toBe(
      'http://127.0.0.1:8080/.well-known/lnurlp/alice',
    )
    expect(lud16Url('alice@localhost:8080', false).href).toBe(
      'http://localhost:8080/.well-known/lnurlp/alice',
    )
    expect(lud16Url('alice@127.0.0.1:8080', true).href).toBe(
      'https://127.0.0.1:8080/.well-known/lnurlp/alice',
    )
    expect(lud16Url('alice@10.0.0.1', false).protocol).toBe('https:')
  })

  for (const bad of [
    'alice',
    '@example.com',
    'al ice@example.com',
    'alice@exa mple.com',
    'alice@example.com/path',
    'a/b@example.com',
  ]) {
    it(`refuses ${JSON.stringify(bad)}`, () => {
      expect(() => lud16Url(bad, false)).toThrow(expect.objectContaining({ code: 'LNURL_INVALID' }))
    })
  }
})

describe('LNURL-pay client (LUD-06 payer checks)', () => {
  it('returns a verified invoice for exactly the amount, keeping the callback query', async () => {
    const inv = await client.requestInvoice(address(), msat(21_000))
    expect(inv.amountMsat).toBe(21_000)
    const d = decodeInvoice(inv.bolt11)
    expect(d.paymentHash).toBe(inv.paymentHash)
    expect(d.descriptionHash).toBe(sha256(metadata()))
    expect(inv.expiresAtSec).toBe(d.timestampSec + 3600)
    expect(hits).toEqual(['/.well-known/lnurlp/bob', '/cb?x=1&amount=21000'])
  })

  const refusals: {
    name: string
    handler: () => (url: URL, res: ServerResponse) => void
    amount?: number
    reason: RegExp
    callbacks: number
  }[] = [
    {
      name: 'an amount below minSendable',
      handler: () => honest(),
      amount: 999,
      reason: /outside 1000\.\.100000/,
      callbacks: 0,
    },
    {
      name: 'an amount above maxSendable',
      handler: () => honest(),
      amount: 100_001,
      reason: /outside 1000\.\.100000/,
      callbacks: 0,
    },
    {
      name: 'a plain-http callback on a public host',
      handler: () => honest({ callback: 'http://example.com/cb' }),
      reason: /callback: must be https/,
      callbacks: 0,
    },
    {
      name: 'a pay request that is not payRequest',
      handler: () => honest({ tag: 'withdrawRequest' }),
      reason: /pay request: tag/,
      callbacks: 0,
    },
    {
      name: 'metadata without text/identifier',
      handler: () => honest({ metadata: JSON.stringify([['text/plain', 'x']]) }),
      reason: /text\/identifier/,
      callbacks: 0,
    },
    {
      name: 'metadata with two text/plain entries',
      handler: () =>
        honest({
          metadata: JSON.stringify([
            ['text/plain', 'x'],
            ['text/plain', 'y'],
            ['text/identifier', 'b@c'],
          ]),
        }),
      reason: /exactly one text\/plain/,
      callbacks: 0,
    },
    {
      name: 'minSendable above maxSendable',
      handler: () => honest({ minSendable: 5000, maxSendable: 2000 }),
      reason: /minSendable above maxSendable/,
      callbacks: 0,
    },
    {
      // The remote reason is not repeated (the error reaches the developer): only our summary.
      name: 'a LUD-06 error answer (any HTTP status)',
      handler: () => (_url, res) => json(res, { status: 'ERROR', reason: 'wallet is closed' }, 200),
      reason: /^(?!.*wallet is closed).*answered status ERROR/,
      callbacks: 0,
    },
    {
      name: 'a redirect',
      handler: () => (_url, res) => {
        res.writeHead(302, { location: 'https://example.com/.well-known/lnurlp/bob' })
        res.end()
      },
      reason: /LNURL|redirect|fetch failed/i,
      callbacks: 0,
    },
    {
      name: 'a callback answer without pr',
      handler: () => (url, res) =>
        url.pathname === '/cb' ? json(res, { routes: [] }) : honest()(url, res),
      reason: /no pr/,
      callbacks: 1,
    },
    {
      name: 'an invoice for another amount',
      handler: () => (url, res) => {
        if (url.pathname !== '/cb') return honest()(url, res)
        json(res, {
          pr: node.makeInvoice(walletId, {
            amountMsat: msat(Number(url.searchParams.get('amount')) + 1),
            descriptionHash: sha256(metadata()),
          }).invoice,
        })
      },
      reason: /invoice amount 21001 msat, asked 21000/,
      callbacks: 1,
    },
    {
      name: 'an invoice whose description hash is not sha256(metadata)',
      handler: () => (url, res) => {
        if (url.pathname !== '/cb') return honest()(url, res)
        json(res, {
          pr: node.makeInvoice(walletId, {
            amountMsat: msat(Number(url.searchParams.get('amount'))),
            description: metadata(),
          }).invoice,
        })
      },
      reason: /description hash is not sha256 of the metadata/,
      callbacks: 1,
    },
    {
      name: 'a pr that is not an invoice',
      handler: () => (url, res) =>
        url.pathname === '/cb' ? json(res, { pr: 'lnbcrt1notaninvoice' }) : honest()(url, res),
      reason: /does not decode/,
      callbacks: 1,
    },
  ]
  for (const r of refusals) {
    it(`refuses ${r.name}`, async () => {
      handler = r.handler()
      const err = await client.requestInvoice(address(), msat(r.amount ?? 21_000)).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(err).toMatchObject({ code: 'LNURL_INVALID' })
      expect((err as Error).message).toMatch(r.reason)
      expect(hits.filter((h) => h.startsWith('/cb'))).toHaveLength(r.callbacks)
    })
  }

  it('refuses plain http to a loopback host in production', async () => {
    const prod = lnurlPayClient({ production: true, timeoutMs: 2000 })
    await expect(prod.requestInvoice(address(), msat(21_000))).rejects.toMatchObject({
      code: 'LNURL_INVALID',
    })
    expect(hits).toEqual([])
  })

  it('refuses numeric and IPv6-mapped spellings of an address host without fetching', async () => {
    for (const host of ['0x7f000001', '2130706433', '127.1', '0177.0.0.1']) {
      const port = domain.split(':')[1]
      await expect(
        client.requestInvoice(`bob@${host}:${port}`, msat(21_000)),
      ).rejects.toMatchObject({ code: 'LNURL_INVALID' })
    }
    expect(hits).toEqual([])
  })

  it('refuses a callback on a link-local (metadata) address before calling it', async () => {
    handler = honest({ callback: 'https://169.254.169.254/latest/meta-data' })
    const err = await client.requestInvoice(address(), msat(21_000)).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(err).toMatchObject({
      code: 'LNURL_INVALID',
      message: expect.stringContaining('not a public address (link-local)'),
    })
    expect(hits).toEqual(['/.well-known/lnurlp/bob'])
  })
})

describe('LNURL-pay client in production: names are resolved and every address checked', () => {
  const payRequest = {
    tag: 'payRequest',
    callback: 'https://cb.wallet.example/pay',
    minSendable: 1000,
    maxSendable: 100_000,
    metadata: JSON.stringify([
      ['text/plain', 'pay bob'],
      ['text/identifier', 'bob@wallet.example'],
    ]),
  }
  const answering = (fetched: string[]): typeof fetch =>
    (async (u: string | URL) => {
      fetched.push(String(u))
      return Response.json(payRequest)
    }) as typeof fetch

  it('refuses an address host that resolves to a private address, without fetching', async () => {
    const fetched: string[] = []
    const prod = lnurlPayClient({
      production: true,
      fetch: answering(fetched),
      resolve: async () => ['10.0.0.5'],
    })
    await expect(prod.requestInvoice('bob@wallet.example', msat(21_000))).rejects.toMatchObject({
      code: 'LNURL_INVALID',
      message: expect.stringContaining('resolves to an address that is not public (private)'),
    })
    expect(fetched).toEqual([])
  })

  it('refuses a callback host that resolves to loopback: the pay request was fetched, the callback never', async () => {
    const fetched: string[] = []
    const resolve = async (h: string): Promise<string[]> =>
      h === 'wallet.example' ? ['93.184.216.34'] : ['93.184.216.35', '::1']
    const prod = lnurlPayClient({ production: true, fetch: answering(fetched), resolve })
    await expect(prod.requestInvoice('bob@wallet.example', msat(21_000))).rejects.toMatchObject({
      code: 'LNURL_INVALID',
      message: expect.stringContaining(
        'cb.wallet.example resolves to an address that is not public (loopback)',
      ),
    })
    expect(fetched).toEqual(['https://wallet.example/.well-known/lnurlp/bob'])
  })
})
