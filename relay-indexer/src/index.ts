/**
 * @zapcade/relay-indexer: the indexer (the embedded relay is its own package, @zapcade/relay). The launcher
 * (`npm start`) hosts it through `worker-host.ts`; `main.ts` and `cli.ts` wire `startIndexer` from env/flags.
 */
export { startIndexer, type Indexer, type IndexerOptions } from './indexer.ts'
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
