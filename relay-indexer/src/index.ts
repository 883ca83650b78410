/**
 * @zapcade/relay-indexer: the embedded market relay and the indexer. The launcher (`npm start`) calls
 * `startMarketRelay` and `startIndexer`; `main.ts` and `cli.ts` wire the same functions from env/flags.
 */
export { startIndexer, type Indexer, type IndexerOptions } from './indexer.ts'
export {
  startMarketRelay,
  type MarketRelay,
  type MarketRelayOptions,
} from './relay/market-relay.ts'
export { openCatalog, type Db } from './store/open.ts'
export { readCounters } from './store/counters.ts'
export {
  createInlineVerifier,
  createWorkerVerifier,
  computeEventId,
  type Verifier,
  type VerifyBatch,
} from './pipeline/verify.ts'
export { formatProgress } from './progress.ts'
export { CATALOG_DB_FILE } from './catalog-file.ts'
