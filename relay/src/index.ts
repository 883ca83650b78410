/**
 * @zapcade/relay: the embedded market relay (NIP-01 over WebSocket, NIP-09 tombstones, NIP-11, NIP-42,
 * NIP-77 negentropy, token buckets). `npm start` runs it in a worker thread; every package's tests start
 * one per suite on a free port.
 */
export {
  oversizedReason,
  startMarketRelay,
  type MarketRelay,
  type MarketRelayOptions,
} from './market-relay.ts'
export { FRAME_SIZE_LIMIT, storageOf } from './negentropy.ts'
export { DEFAULT_RELAY_LIMITS, type RelayInfoOptions, type RelayLimits } from './nip11.ts'
export { DEFAULT_RATE_LIMIT, type BucketRule, type RateLimitOptions } from './rate-limit.ts'
