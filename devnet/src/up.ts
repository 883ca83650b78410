/**
 * Start devnet on a relay: the node in <dataDir>/devnet.db, the NWC wallet service, and the Lightning
 * address server. Creates once (and finds again after a restart) the market's wallet with a full NWC
 * connection, a funded buyer wallet with its connection and address, and the demo developer's address.
 * Refuses to run when NODE_ENV=production: devnet money is not money (docs/architecture.md "Running it").
 */
import { mkdirSync, writeFileSync, renameSync } from 'node:fs'
import { join } from 'node:path'
import { msat, satsToMsat, type Msat } from '@zapcade/shared/money'
import { DevnetControl } from './control.ts'
import { LightningNode, type DevnetClock } from './lightning.ts'
import { startLnurlServer } from './lnurl-server.ts'
import { ALL_PERMISSIONS, type NwcPermission } from './nwc-methods.ts'
import { WalletService } from './wallet-service.ts'

export const MARKET_WALLET = 'market'
export const BUYER_WALLET = 'buyer'
export const DEVELOPER_WALLET = 'demo-dev'
/** The buyer starts with 10,000,000 sats. */
export const BUYER_FUNDING_MSAT: Msat = satsToMsat(10_000_000)

export interface StartDevnetOptions {
  relayUrl: string
  dataDir: string
  /** Port of the Lightning-address + control server; absent = the port of the last run, else any. */
  lnurlPort?: number
  host?: string
  /** The market's API URL, written to devnet.json for people and the CLI. */
  apiUrl?: string
  /** Tests inject a clock to expire invoices. */
  clock?: DevnetClock
  /** Write <dataDir>/devnet.json (default true). */
  writeJson?: boolean
}

export interface CreatedWallet {
  walletId: number
  name?: string
  nwcUrl: string
  lud16?: string
}

export interface Devnet {
  marketNwcUrl: string
  buyer: { nwcUrl: string; lud16: string }
  developer: { lud16: string }
  lnurlBaseUrl: string
  /** Where the control API answers (same server as the addresses): `<lnurlBaseUrl>/control`. */
  controlUrl: string
  relayUrl: string
  control: DevnetControl
  node: LightningNode
  service: WalletService
  /** A new wallet (named ones get a Lightning address) with one NWC connection. */
  createWallet(opts?: {
    name?: string
    balanceMsat?: Msat
    permissions?: readonly NwcPermission[]
  }): CreatedWallet
  /** Another connection to an existing wallet, e.g. receive-only. */
  connect(walletRef: number | string, permissions?: readonly NwcPermission[]): string
  stop(): Promise<void>
}

/** The devnet.json shape of docs/architecture.md "Running it" (plus control_url). */
export interface DevnetJson {
  relay_url: string
  api_url?: string
  control_url: string
  buyer: { nwc_url: string; lud16: string }
  developer: { lud16: string }
}

export async function startDevnet(opts: StartDevnetOptions): Promise<Devnet> {
  if (process.env.NODE_ENV === 'production')
    throw new Error(
      'devnet refuses to start when NODE_ENV=production: set ZAPCADE_NWC_URL to a real wallet',
    )
  mkdirSync(opts.dataDir, { recursive: true })
  const node = LightningNode.open({
    file: join(opts.dataDir, 'devnet.db'),
    ...(opts.clock ? { clock: opts.clock } : {}),
  })
  let lnurl: Awaited<ReturnType<typeof startLnurlServer>> | undefined
  let service: WalletService | undefined
  try {
    const lud16For = (walletId: number) => {
      const name = node.wallet(walletId).name
      return name && lnurl ? lnurl.lud16(name) : undefined
    }
    service = new WalletService(node, { relayUrl: opts.relayUrl, lud16For })
    const control = new DevnetControl(node, service)
    // Keep the address port across restarts, so lud16s stored elsewhere (payout addresses) stay valid.
    const lastPort = Number(node.metaOr('lnurl_port', () => '0'))
    const base = { node, control, ...(opts.host ? { host: opts.host } : {}) }
    lnurl =
      opts.lnurlPort !== undefined
        ? await startLnurlServer({ ...base, port: opts.lnurlPort })
        : await startLnurlServer({ ...base, port: lastPort }).catch(() =>
            startLnurlServer({ ...base, port: 0 }),
          )
    node.setMeta('lnurl_port', String(lnurl.port))
    const lnurlServer = lnurl
    const svc = service

    const ensureWallet = (name: string, fundMsat = 0) =>
      node.findWallet(name) ?? node.createWallet({ name, balanceMsat: msat(fundMsat) })
    const market = ensureWallet(MARKET_WALLET)
    const buyer = ensureWallet(BUYER_WALLET, BUYER_FUNDING_MSAT)
    ensureWallet(DEVELOPER_WALLET)
    const marketConn = svc.ensureConnection(market.id, 'market', ALL_PERMISSIONS)
    const buyerConn = svc.ensureConnection(buyer.id, 'buyer', ALL_PERMISSIONS)
    await svc.start()

    const devnet: Devnet = {
      marketNwcUrl: marketConn.nwcUrl,
      buyer: { nwcUrl: buyerConn.nwcUrl, lud16: lnurlServer.lud16(BUYER_WALLET) },
      developer: { lud16: lnurlServer.lud16(DEVELOPER_WALLET) },
      lnurlBaseUrl: lnurlServer.baseUrl,
      controlUrl: `${lnurlServer.baseUrl}/control`,
      relayUrl: opts.relayUrl,
      control,
      node,
      service: svc,
      createWallet(o = {}) {
        const w = node.createWallet({
          ...(o.name !== undefined ? { name: o.name } : {}),
          ...(o.balanceMsat !== undefined ? { balanceMsat: o.balanceMsat } : {}),
        })
        const conn = svc.createConnection(w.id, {
          label: 'default',
          permissions: o.permissions ?? ALL_PERMISSIONS,
        })
        return {
          walletId: w.id,
          nwcUrl: conn.nwcUrl,
          ...(w.name ? { name: w.name, lud16: lnurlServer.lud16(w.name) } : {}),
        }
      },
      connect(walletRef, permissions = ALL_PERMISSIONS) {
        return svc.createConnection(node.wallet(walletRef).id, { permissions }).nwcUrl
      },
      async stop() {
        node.releaseHeld()
        await svc.stop()
        await lnurlServer.close()
        await node.close()
      },
    }
    if (opts.writeJson !== false) writeDevnetJson(opts.dataDir, devnetJson(devnet, opts.apiUrl))
    return devnet
  } catch (e) {
    await service?.stop().catch(() => undefined)
    await lnurl?.close().catch(() => undefined)
    await node.close().catch(() => undefined)
    throw e
  }
}

export function devnetJson(d: Devnet, apiUrl?: string): DevnetJson {
  return {
    relay_url: d.relayUrl,
    ...(apiUrl ? { api_url: apiUrl } : {}),
    control_url: d.controlUrl,
    buyer: { nwc_url: d.buyer.nwcUrl, lud16: d.buyer.lud16 },
    developer: { lud16: d.developer.lud16 },
  }
}

/** Write <dataDir>/devnet.json atomically (temp file + rename), readable by the owner only. */
export function writeDevnetJson(dataDir: string, json: DevnetJson): string {
  const file = join(dataDir, 'devnet.json')
  const tmp = `${file}.${process.pid}.tmp`
  writeFileSync(tmp, JSON.stringify(json, null, 2) + '\n', { mode: 0o600 })
  renameSync(tmp, file)
  return file
}
