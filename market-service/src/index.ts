/** @zapcade/market-service public entry: the app factory and the service starter. */
export { createApp, mountContext, SERVICE_VERSION } from './app.ts'
export type { AppDeps, FeatureMount, MountContext } from './app.ts'
export { startService, enqueueMarketProfile } from './server.ts'
export type { RunningService, StartOptions } from './server.ts'
export { enqueueOutbox } from './adapters/sqlite/outbox-repo.ts'
export type { OutboxHandler, OutboxHandlers, OutboxType } from './domain/outbox/outbox.ts'
export { intervalWorker } from './workers/worker.ts'
export type { Worker } from './workers/worker.ts'
