/**
 * @zapcade/client: the typed SDK and the signers, browser-safe. Node-only helpers live in
 * `@zapcade/client/api/node-file` and `@zapcade/client/signers/nsec-file`; the CLI in `cli/main.ts`.
 */
export {
  createZapcadeClient,
  gameAddressOf,
  type GameRef,
  type ZapcadeClient,
  type ZapcadeClientOptions,
} from './api/client.ts'
export { ZapcadeApiError, ZapcadeNetworkError, ZapcadeResponseError } from './api/errors.ts'
export { nip98Header } from './api/nip98.ts'
export { nwcPayInvoice, nwcRequest, parseNwcUri, NwcError, type NwcConnection } from './api/nwc.ts'
export type { PutOptions, UploadBody } from './api/uploads.ts'
export type { Signer, NostrEvent, UnsignedEvent } from './signers/signer.ts'
export {
  secretKeySigner,
  parseSecretKey,
  newSecretKey,
  pubkeyOf,
  toNsec,
} from './signers/secret-key.ts'
export {
  encryptSecretKey,
  decryptSecretKey,
  isNcryptsec,
  WrongPasswordError,
  DEFAULT_LOGN,
} from './signers/ncryptsec.ts'
export { nip07Signer, findNip07 } from './signers/nip07.ts'
export { bunkerSigner, parseBunkerUri, type BunkerOptions } from './signers/nip46.ts'
