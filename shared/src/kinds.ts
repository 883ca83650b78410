/** Event kinds Zapcade reads or writes (docs/architecture.md "Event profile", NIP-01/09/47/57/82/98/32/51). */
export const Kind = {
  Profile: 0,
  Deletion: 5,
  BuildAsset: 3063,
  /** NIP-94 file metadata: the asset kind of older (NIP-51 era) Zapstore releases, read like 3063. */
  FileMetadata: 1063,
  ZapRequest: 9734,
  ZapReceipt: 9735,
  Label: 1985,
  NwcInfo: 13194,
  NwcRequest: 23194,
  NwcResponse: 23195,
  NwcNotificationNip04: 23196,
  NwcNotification: 23197,
  HttpAuth: 27235,
  Release: 30063,
  FeaturedList: 30267,
  Game: 32267,
} as const
export type Kind = (typeof Kind)[keyof typeof Kind]

/** NIP-01 kind classes: which storage rule applies. */
export type KindClass = 'regular' | 'replaceable' | 'ephemeral' | 'addressable'

/** Classify a kind by the NIP-01 ranges. */
export function kindClass(kind: number): KindClass {
  if (kind === 0 || kind === 3 || (kind >= 10000 && kind < 20000)) return 'replaceable'
  if (kind >= 20000 && kind < 30000) return 'ephemeral'
  if (kind >= 30000 && kind < 40000) return 'addressable'
  return 'regular'
}
