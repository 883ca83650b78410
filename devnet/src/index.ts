/** devnet: a local Lightning network over real NIP-47, for `npm start` and tests (never production). */
export {
  startDevnet,
  devnetJson,
  writeDevnetJson,
  BUYER_FUNDING_MSAT,
  MARKET_WALLET,
  BUYER_WALLET,
  DEVELOPER_WALLET,
} from './up.ts'
export type { Devnet, DevnetJson, StartDevnetOptions, CreatedWallet } from './up.ts'
export {
  LightningNode,
  LightningError,
  decodeInvoice,
  normalizeInvoice,
  systemClock,
  FEE_MSAT,
  DEFAULT_EXPIRY_SEC,
} from './lightning.ts'
export type {
  DevnetClock,
  NwcTransaction,
  WalletRecord,
  Settlement,
  PayResult,
} from './lightning.ts'
export { WalletService } from './wallet-service.ts'
export type { Connection } from './wallet-service.ts'
export { DevnetControl } from './control.ts'
export { startLnurlServer } from './lnurl-server.ts'
export type { LnurlServer } from './lnurl-server.ts'
export { ALL_PERMISSIONS, NWC_METHODS, RECEIVE_ONLY } from './nwc-methods.ts'
export type { NwcPermission } from './nwc-methods.ts'
