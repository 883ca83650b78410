/**
 * The store's own GET presigner makes exactly the URL the AWS SDK's getSignedUrl makes for the same
 * object, disposition, signing time and expiry, for path-style and virtual-host endpoints and AWS itself
 * (no network: presigning is local). s3-blob-store.test.ts checks the URLs against a SigV4 verifier and
 * fetches through them from s3rver.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import { expect, it } from 'vitest'
import { attachmentDisposition, buildObjectKey } from '../../ports/blob-store.ts'
import { makeS3Client, S3BlobStore } from './s3-blob-store.ts'
import type { S3Config } from './s3-blob-store.ts'

const NOW = 1_800_000_000
const keys = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
}
const configs: S3Config[] = [
  {
    bucket: 'builds',
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:4568',
    forcePathStyle: true,
    ...keys,
  },
  {
    bucket: 'builds',
    region: 'auto',
    endpoint: 'https://account.r2.cloudflarestorage.com',
    forcePathStyle: false,
    ...keys,
  },
  { bucket: 'my-games', region: 'eu-west-1', forcePathStyle: false, ...keys },
  { bucket: 'my-games', region: 'eu-west-1', forcePathStyle: true, ...keys },
  {
    bucket: 'minio-builds',
    region: 'us-east-1',
    endpoint: 'http://minio.internal:9000',
    forcePathStyle: true,
    ...keys,
  },
]

it("presigned GET URLs equal the SDK's, across endpoints, styles, days and filenames", async () => {
  for (const cfg of configs) {
    const client = makeS3Client(cfg)
    for (const [i, now] of [NOW, NOW + 86_400 * 3 + 7, NOW + 59].entries()) {
      const store = new S3BlobStore({ client, bucket: cfg.bucket, nowSec: () => now })
      const key = buildObjectKey(40 + i, `0b0c1b7e-1f7a-4c1e-9d55-0e2a1f3c4d5${i}`)
      const filename = ['space-game-1.0.0.zip', 'a"b\r\nc (1).zip', 'ünïcode!*.zip'][i]!
      const mine = await store.presignGet(key, {
        filename,
        sha256: 'a'.repeat(64),
        expiresAtSec: now + 900,
      })
      const cmd = new GetObjectCommand({
        Bucket: cfg.bucket,
        Key: key,
        ResponseContentDisposition: attachmentDisposition(filename),
      })
      const sdk = await getSignedUrl(client, cmd, {
        signingDate: new Date(now * 1000),
        expiresIn: 900,
      })
      expect(mine, `${cfg.endpoint ?? 'aws'} ${cfg.forcePathStyle}`).toBe(sdk)
    }
    client.destroy()
  }
})
