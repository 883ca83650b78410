/**
 * Choose the blob store from configuration (docs/architecture.md "Running it"): `ZAPCADE_S3_BUCKET` set → S3 (with
 * `ZAPCADE_S3_REGION`, `_ENDPOINT`, `_PATH_STYLE`, `_ACCESS_KEY_ID`, `_SECRET_ACCESS_KEY`); otherwise
 * the local store under `<data dir>/blobs`, whose `/blobs/*` routes the app must then mount.
 */
import { join } from 'node:path'
import { FsBlobStore } from '../fs-blob/fs-blob-store.ts'
import { makeS3Client, S3BlobStore, s3ConfigFromEnv } from './s3-blob-store.ts'

export interface BlobStoreWiring {
  env: Record<string, string | undefined>
  dataDir: string
  publicUrl: string
  /** ZAPCADE_SECRET bytes (signs local URLs). */
  secret: Buffer
  nowSec: () => number
}

/** The configured store: `{kind: 's3', store}` or `{kind: 'local', store}` (mount blobRoutes for local). */
export function blobStoreFromEnv(
  w: BlobStoreWiring,
): { kind: 's3'; store: S3BlobStore } | { kind: 'local'; store: FsBlobStore } {
  const cfg = s3ConfigFromEnv(w.env)
  if (cfg)
    return {
      kind: 's3',
      store: new S3BlobStore({ client: makeS3Client(cfg), bucket: cfg.bucket, nowSec: w.nowSec }),
    }
  return {
    kind: 'local',
    store: new FsBlobStore({
      rootDir: join(w.dataDir, 'blobs'),
      publicUrl: w.publicUrl,
      secret: w.secret,
      nowSec: w.nowSec,
    }),
  }
}
