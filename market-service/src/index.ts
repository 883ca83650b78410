/** @zapcade/market-service public entry: the app factory and the service starter. */
export { createApp, SERVICE_VERSION } from './app.ts'
export type { AppDeps, FeatureMount, MountContext } from './app.ts'
export { startService, enqueueMarketProfile } from './server.ts'
export type { RunningService, StartOptions } from './server.ts'
export { enqueueOutbox } from './adapters/sqlite/outbox-repo.ts'
export type { Worker } from './workers/worker.ts'
