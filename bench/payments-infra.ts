/**
 * The payments benchmark's infrastructure (issue 6): the market relay and the devnet wallet service
 * (the simulated Lightning wallet, an outside service in production). `worker` (the default) starts
 * each in a worker thread of its own, as they would be separate processes in production, so the service
 * and the buyers do not share one thread with them; `inline` runs them in the bench's own thread, as the
 * first measurements did. Not a `*.bench.ts`: run.ts skips it.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import { startMarketRelay } from '@zapcade/relay-indexer'
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
interface Urls { relayUrl: string; marketNwcUrl: string; buyerUrls: string[]; payeeUrl: string }
export interface Infra extends Urls { stop(): Promise<void> }
type Part<T> = T & { stop(): Promise<void> }
type Job = { role: 'relay' } | { role: 'devnet'; relayUrl: string; req: InfraRequest }

async function startRelay(): Promise<Part<{ relayUrl: string }>> {
  const relay = await startMarketRelay({ port: 0 })
  return { relayUrl: relay.url, stop: () => relay.stop() }
}

async function startWallets(relayUrl: string, req: InfraRequest): Promise<Part<Omit<Urls, 'relayUrl'>>> {
  const devnet = await startDevnet({ relayUrl, dataDir: req.dataDir, writeJson: false })
  return {
    marketNwcUrl: devnet.marketNwcUrl,
    buyerUrls: Array.from({ length: req.buyers }, () =>
      devnet.createWallet({ balanceMsat: msat(req.buyerBalanceMsat), permissions: req.buyerNotifications ? [...NWC_METHODS, 'notifications'] : NWC_METHODS }).nwcUrl),
    payeeUrl: devnet.createWallet({ name: 'bench-payee' }).nwcUrl,
    stop: () => devnet.stop(),
  }
}

/** Run one part in a worker thread; answers what it started and a stop that ends the thread. */
async function inWorker<T>(job: Job): Promise<Part<T>> {
  // Node 20 will not start a worker from a .ts entry: a tiny script registers tsx, then imports this file.
  const boot = `import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(import.meta.url)}) })`
  const worker = new Worker(boot, { eval: true, workerData: job })
  const started = await new Promise<T>((resolve, reject) => {
    worker.once('message', resolve)
    worker.once('error', reject)
  })
  return {
    ...started,
    async stop() {
      const exited = new Promise((r) => worker.once('exit', r))
      worker.postMessage('stop')
      await exited
    },
  }
}

/** Relay + devnet in this thread, or each in a worker thread. */
export async function startInfra(req: InfraRequest, where: 'inline' | 'worker'): Promise<Infra> {
  const relay = where === 'inline' ? await startRelay() : await inWorker<{ relayUrl: string }>({ role: 'relay' })
  const wallets = where === 'inline' ? await startWallets(relay.relayUrl, req) : await inWorker<Omit<Urls, 'relayUrl'>>({ role: 'devnet', relayUrl: relay.relayUrl, req })
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

if (!isMainThread && parentPort) {
  const port = parentPort
  const job = workerData as Job
  const part = job.role === 'relay' ? await startRelay() : await startWallets(job.relayUrl, job.req)
  const { stop, ...urls } = part
  port.postMessage(urls)
  port.once('message', () => void stop().then(() => port.close()))
}
