/**
 * `npm run devnet -- <command>`: pay invoices from the devnet buyer wallet by hand, over real NWC
 * (the project's NIP-47 client, shared/src/nwc), reading <data dir>/devnet.json written by `npm start`.
 */
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import WebSocket from 'ws'
import { z } from 'zod'
import { nodeNwcClient } from '@zapcade/shared/crypto/nwc-node'
import type { NwcClient } from '@zapcade/shared/nwc/client'
import { formatSats, msat } from '@zapcade/shared/money'
import { decodeInvoice, normalizeInvoice } from './lightning.ts'

export const HELP = `Usage: npm run devnet -- <command>

Pays from the devnet buyer wallet of a running \`npm start\` (no ZAPCADE_NWC_URL), over NWC.

Commands:
  pay <bolt11>          pay a BOLT11 invoice (e.g. a purchase's) from the buyer wallet
  balance               print the buyer wallet's balance
  info                  print the relay, the buyer's Lightning address and the developer's
  help                  this text

Environment:
  ZAPCADE_DATA_DIR      where devnet.json is (default ./data)
`

const devnetJsonSchema = z.object({
  relay_url: z.string(),
  api_url: z.string().optional(),
  control_url: z.string().optional(),
  buyer: z.object({ nwc_url: z.string().startsWith('nostr+walletconnect://'), lud16: z.string() }),
  developer: z.object({ lud16: z.string() }),
})
export type DevnetFile = z.infer<typeof devnetJsonSchema>

export interface CliIo {
  env: Record<string, string | undefined>
  out: (line: string) => void
  err: (line: string) => void
}

class CliError extends Error {}

function readDevnetJson(env: CliIo['env']): DevnetFile {
  const file = join(resolve(env.ZAPCADE_DATA_DIR ?? './data'), 'devnet.json')
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    throw new CliError(
      `${file} not found: start the market with \`npm start\` (without ZAPCADE_NWC_URL) first`,
    )
  }
  const parsed = devnetJsonSchema.safeParse(JSON.parse(text))
  if (!parsed.success)
    throw new CliError(
      `${file} is not a devnet.json: ${parsed.error.issues[0]?.message ?? 'bad shape'}`,
    )
  return parsed.data
}

async function withBuyer<T>(env: CliIo['env'], fn: (c: NwcClient) => Promise<T>): Promise<T> {
  // Node 20 has no global WebSocket: the client gets `ws`.
  const client = nodeNwcClient(readDevnetJson(env).buyer.nwc_url, WebSocket)
  try {
    return await fn(client)
  } catch (e) {
    if (e instanceof CliError) throw e
    const code = (e as { code?: string }).code
    throw new CliError(`wallet refused: ${code ? `${code}: ` : ''}${(e as Error).message}`)
  } finally {
    client.close()
  }
}

/** Run one command; resolves with the exit code (0 ok, 1 failed, 2 usage). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv
  try {
    switch (command) {
      case 'pay': {
        const invoice = z
          .string()
          .regex(/^ln[a-z0-9]+$/, 'expected one BOLT11 invoice')
          .safeParse(normalizeInvoice(rest[0] ?? ''))
        if (!invoice.success || rest.length !== 1) {
          io.err('pay needs exactly one BOLT11 invoice\n\n' + HELP)
          return 2
        }
        let amount: string
        try {
          const d = decodeInvoice(invoice.data)
          amount = d.amountMsat === undefined ? 'an amountless invoice' : formatSats(d.amountMsat)
        } catch (e) {
          throw new CliError((e as Error).message)
        }
        const paid = await withBuyer(io.env, (c) => c.payInvoice({ invoice: invoice.data }))
        io.out(`Paid ${amount} (fees ${formatSats(msat(paid.fees_paid ?? 0))})`)
        io.out(`preimage ${paid.preimage}`)
        return 0
      }
      case 'balance': {
        const { balance } = await withBuyer(io.env, (c) => c.getBalance())
        io.out(`Buyer balance: ${formatSats(msat(balance))}`)
        return 0
      }
      case 'info': {
        const j = readDevnetJson(io.env)
        io.out(`relay      ${j.relay_url}`)
        if (j.api_url) io.out(`market     ${j.api_url}`)
        io.out(`buyer      ${j.buyer.lud16}`)
        io.out(`developer  ${j.developer.lud16}`)
        return 0
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(HELP)
        return command === undefined ? 2 : 0
      default:
        io.err(`unknown command: ${command}\n\n${HELP}`)
        return 2
    }
  } catch (e) {
    if (e instanceof CliError) {
      io.err(e.message)
      return 1
    }
    throw e
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // The sdk logs every error reply itself; the CLI prints its own one-line message.
  console.error = () => undefined
  const io: CliIo = {
    env: process.env,
    out: (l) => process.stdout.write(l + '\n'),
    err: (l) => process.stderr.write(l + '\n'),
  }
  runCli(process.argv.slice(2), io).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`devnet: ${(e as Error).stack ?? String(e)}\n`)
      process.exit(1)
    },
  )
}
