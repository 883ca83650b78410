/**
 * The payments benchmark's infrastructure: the market relay and the devnet wallet service
 * (the simulated Lightning wallet, an outside service in production). `worker` (the default) starts
 * each in a worker thread of its own, as they would be separate processes in production, so the service
 * and the buyers do not share one thread with them; `inline` runs them in the bench's own thread, as the
 * first measurements did. Not a `*.bench.ts`: run.ts skips it.
 */
import { startMarketRelay } from '@zapcade/relay'
import { hostPart, serveHosted } from '@zapcade/relay-indexer/worker-host'
import { startDevnet } from '@zapcade/devnet'
import { msat } from '@zapcade/shared/money'
import { NWC_METHODS } from '@zapcade/devnet'

export interface InfraRequest {
  dataDir: string
  buyers: number
  buyerBalanceMsat: number
  /** Buyer connections get notifications (payment_sent) too; default pay-only, like our CLI's and storefront's. */
  buyerNotifications?: boolean
}
interface Urls {
  relayUrl: string
  marketNwcUrl: string
  buyerUrls: string[]
  payeeUrl: string
}
export interface Infra extends Urls {
  stop(): Promise<void>
}
type Part<T> = T & { stop(): Promise<void> }
type Job = { role: 'relay' } | { role: 'devnet'; relayUrl: string; req: InfraRequest }

async function startRelay(): Promise<Part<{ relayUrl: string }>> {
  const relay = await startMarketRelay({ port: 0 })
  return { relayUrl: relay.url, stop: () => relay.stop() }
}

async function startWallets(
  relayUrl: string,
  req: InfraRequest,
): Promise<Part<Omit<Urls, 'relayUrl'>>> {
  const devnet = await startDevnet({ relayUrl, dataDir: req.dataDir, writeJson: false })
  return {
    marketNwcUrl: devnet.marketNwcUrl,
    buyerUrls: Array.from(
      { length: req.buyers },
      () =>
        devnet.createWallet({
          balanceMsat: msat(req.buyerBalanceMsat),
          permissions: req.buyerNotifications ? [...NWC_METHODS, 'notifications'] : NWC_METHODS,
        }).nwcUrl,
    ),
    payeeUrl: devnet.createWallet({ name: 'bench-payee' }).nwcUrl,
    stop: () => devnet.stop(),
  }
}

/** Run one part in a worker thread (worker-host.ts, as npm start hosts its relay and indexer). */
async function inWorker<T>(job: Job): Promise<Part<T>> {
  const part = await hostPart<T>(import.meta.url, job, 'worker')
  return { ...part.info, stop: () => part.stop() }
}

/** Relay + devnet in this thread, or each in a worker thread. */
export async function startInfra(req: InfraRequest, where: 'inline' | 'worker'): Promise<Infra> {
  const relay =
    where === 'inline'
      ? await startRelay()
      : await inWorker<{ relayUrl: string }>({ role: 'relay' })
  const wallets =
    where === 'inline'
      ? await startWallets(relay.relayUrl, req)
      : await inWorker<Omit<Urls, 'relayUrl'>>({ role: 'devnet', relayUrl: relay.relayUrl, req })
  const { stop: stopWallets, ...walletUrls } = wallets
  return {
    relayUrl: relay.relayUrl,
    ...walletUrls,
    async stop() {
      await stopWallets()
      await relay.stop()
    },
  }
}

serveHosted(import.meta.url, async (job: Job) => {
  const { stop, ...urls } =
    job.role === 'relay' ? await startRelay() : await startWallets(job.relayUrl, job.req)
  return { info: urls, stop }
})
