import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startMarketRelay } from '@zapcade/relay-indexer'
import { msat } from '@zapcade/shared/money'
import { startDevnet } from './up.ts'
import { RECEIVE_ONLY } from './nwc-methods.ts'
import { nwcContract } from './testing/nwc-contract.ts'

nwcContract('devnet', async () => {
  const relay = await startMarketRelay({ port: 0 })
  const dataDir = mkdtempSync(join(tmpdir(), 'devnet-contract-'))
  let offsetMs = 0
  const devnet = await startDevnet({ relayUrl: relay.url, dataDir, clock: { nowMs: () => Date.now() + offsetMs } })
  const payee = devnet.createWallet({ name: 'payee' })
  const empty = devnet.createWallet({ balanceMsat: msat(0) })
  return {
    payerUrl: devnet.buyer.nwcUrl,
    payeeUrl: payee.nwcUrl,
    emptyUrl: empty.nwcUrl,
    receiveOnlyUrl: devnet.connect(payee.walletId, RECEIVE_ONLY),
    advanceClockSec: (sec) => {
      offsetMs += sec * 1000
    },
    async stop() {
      await devnet.stop()
      await relay.stop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
})
