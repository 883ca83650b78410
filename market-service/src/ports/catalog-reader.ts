/**
 * The service's read port onto the catalog tables the indexer writes (docs/architecture.md "Parts": they meet
 * in the database). Synchronous on purpose: the SQLite adapter answers from prepared statements.
 */
import type {
  GameDetailResponse,
  GameListQuery,
  GameListResponse,
} from '@zapcade/shared/api/catalog'

/** A game as the detail route shows it, before the route adds what depends on configuration (naddr). */
export type CatalogGame = Omit<GameDetailResponse, 'naddr'>

export interface CatalogReader {
  /**
   * One page of the public catalog: LISTED and FEATURED games, not deleted. Keyset-paginated: the
   * cursor is opaque; a malformed one, or one from another sort, throws AppError VALIDATION_FAILED.
   */
  listGames(query: GameListQuery): GameListResponse
  /** A game by address when readers may see it (LISTED, FEATURED or UNLISTED, not deleted). */
  findGame(pubkey: string, slug: string): CatalogGame | undefined
  /**
   * A token that changes whenever what the two methods answer may have changed (a commit by any
   * connection or process); callers may cache answers for as long as it stays the same.
   */
  version(): string
}
