/**
 * The HTTP API shapes the storefront reads (DESIGN.md section 5, snake_case as on the wire).
 * Readers are tolerant: optional fields the service may or may not send are marked optional.
 */
export interface Info {
  market_pubkey: string
  relays: string[]
  lud16: string
  fee_bps: number
  version: string
}

export type GameStatus = 'DRAFT' | 'UNLISTED' | 'LISTED' | 'FEATURED' | 'BANNED'

export interface GameItem {
  pubkey: string
  slug: string
  title: string
  summary?: string | null
  icon?: string | null
  tags: string[]
  platforms: string[]
  price_msat: number
  status: GameStatus
  updated_at: number
}

export interface Page<T> {
  items: T[]
  next_cursor?: string | null
}

export interface Release {
  version: string
  notes?: string | null
  published_at: number
  channel?: string
  asset?: { sha256: string; size_bytes: number } | null
}

export interface DeveloperProfile {
  pubkey?: string
  name?: string | null
  display_name?: string | null
  picture?: string | null
  about?: string | null
  nip05?: string | null
  lud16?: string | null
}

export interface GameDetail extends GameItem {
  description?: string | null
  images?: string[]
  url?: string | null
  license?: string | null
  developer?: DeveloperProfile | null
  releases?: Release[]
  zap_count?: number | null
  event?: SignedEvent | null
}

export interface SignedEvent {
  id: string
  pubkey: string
  created_at: number
  kind: number
  tags: string[][]
  content: string
  sig: string
}

export type PurchaseStatus = 'PENDING' | 'PAID' | 'EXPIRED' | 'FAILED' | 'REFUNDED'

export interface Purchase {
  id: string
  status: PurchaseStatus
  bolt11: string
  payment_hash: string
  amount_msat: number
  expires_at: number
  receipt_code?: string
  game?: string
}

export interface LibraryItem {
  pubkey?: string
  slug?: string
  game?: string | { pubkey: string; slug: string; title?: string }
  title?: string
  icon?: string | null
  granted_at?: number
  purchase_id?: string
}

export interface DownloadGrant {
  url: string
  expires_at: number
  sha256: string
  size_bytes: number
}

export interface Problem {
  type?: string
  title?: string
  status: number
  detail?: string
  code?: string
}
