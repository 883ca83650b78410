/**
 * Persistence port for uploads (table `uploads`, shared/migrations/002). The SQLite adapter is
 * adapters/sqlite/upload-repo.ts; the domain sees only this interface.
 */
export type UploadStatus = 'PENDING' | 'VERIFIED' | 'REJECTED'

export interface UploadRecord {
  id: string
  gameId: number
  developerUserId: number
  /** Read through `developer_user_id`; not stored on the upload row itself. */
  developerPubkey: string
  version: string
  objectKey: string
  sha256: string
  sizeBytes: number
  contentType: 'application/zip'
  status: UploadStatus
  rejectReason: string | null
  expiresAtSec: number
  createdAtSec: number
  verifiedAtSec: number | null
}

/** A game as the upload flow needs it: who owns it. */
export interface OwnedGame {
  id: number
  slug: string
  developerUserId: number
  developerPubkey: string
}

/** The uploads port. */
export interface UploadRepo {
  /** The game at `<pubkey>/<slug>` (any status but deleted), or undefined. */
  findGame(pubkey: string, slug: string): OwnedGame | undefined
  insert(u: UploadRecord): void
  get(id: string): UploadRecord | undefined
  getByKey(objectKey: string): UploadRecord | undefined
  /** PENDING → VERIFIED; answers false when the upload was no longer PENDING. */
  markVerified(id: string, atSec: number): boolean
  /** PENDING → REJECTED with a reason; answers false when it was no longer PENDING. */
  markRejected(id: string, reason: string): boolean
  /**
   * The sha256 of the build of a published version: a release of this game and version (not deleted)
   * whose asset the market holds verified bytes for. Such a version is immutable.
   */
  publishedSha256(gameId: number, version: string): string | undefined
  /** The object key of a VERIFIED upload of this game with this sha256 (what may back a 3063 asset). */
  verifiedKeyFor(gameId: number, sha256: string): string | undefined
}
