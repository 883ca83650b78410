/**
 * "Has a verified build": the one SQL condition the sale, the listing and the catalog share. A game has
 * one when a release of it (not deleted) has a build asset the market holds verified bytes for: the
 * asset's object_key is set, or a VERIFIED upload of that game has the asset's sha256 (the same rule the
 * download route serves a build by). A paid game without one is "coming soon": never sold, never featured.
 */

/** SQL boolean expression (0/1) for the game whose id is the SQL expression `gameId`. */
export function hasVerifiedBuildSql(gameId: string): string {
  return `EXISTS (SELECT 1 FROM releases vr JOIN build_assets va ON va.release_id = vr.id
    WHERE vr.game_id = ${gameId} AND vr.deleted_at IS NULL AND (va.object_key IS NOT NULL OR EXISTS (
      SELECT 1 FROM uploads vu WHERE vu.game_id = vr.game_id AND vu.sha256 = va.sha256 AND vu.status = 'VERIFIED')))`
}
