/**
 * NIP-82 events as other publishers send them, for parser and indexer tests.
 *
 * - ZAPSTORE_LEGACY_ASSET / ZAPSTORE_LEGACY_RELEASE: real signed events (ids and signatures verify) from
 *   Zapstore's documentation of its older NIP-51-era shape: a kind-1063 file (no `i`; `<id>@<version>`
 *   in content) and a kind-30063 release with `a` and `d` but no `i`/`version`.
 *   Source: github.com/zapstore/website-new, src/content/docs/nips/file-metadata.md @ bae277c1d34d8e025d123a645d0cf0a42b523703
 *   and src/content/docs/nips/release.md @ be484cb4ff873839c0c7cbde0c59dc61055fdd31.
 * - zsp*: the tag lists Zapstore's publisher `zsp` emits today, in its order, with its test values
 *   (`com.example.app`, two download URLs: the original and a Blossom mirror, the `h` community tag).
 *   Source: github.com/zapstore/zsp, internal/nostr/events.go (BuildAppMetadataEvent, BuildReleaseEvent,
 *   BuildSoftwareAssetEvent) and events_test.go @ f31c07ce69f47d392210a68aaeaa5cc6f3e8bb89.
 *   Built unsigned so tests sign them with their own keys (and add what our marketplace requires of a
 *   game, such as `["t","game"]`, where a test needs the catalog to take it).
 */
import type { NostrEvent, UnsignedEvent } from '../event.ts'

/** Zapstore's catalog community (zsp DefaultCommunity): the `h` tag every zsp app carries. */
export const ZSP_DEFAULT_COMMUNITY =
  'acfeaea6e51420e8068fac446ca9d17d7a9ef6a5d20d93894e50fee3d4902a84'

export const ZAPSTORE_LEGACY_ASSET: NostrEvent = {
  id: '9d2dea099bede47778dd46389733ab5df95815f69c11c96f5010623782ad21fd',
  pubkey: '78ce6faa72264387284e647ba6938995735ec8c7d5c5a65737e55130f026307d',
  sig: '535c81031f17925ea628e7d236ed3c207869f8fc1e6958def3ceb2b2050d50baf5bfbe3e991927db6ce32879ae5b4dc4b77e4ea86a0026348aa6de0ef267a3f4',
  kind: 1063,
  created_at: 1732315685,
  content: 'dev.zapstore.app@0.1.6',
  tags: [
    ['version_code', '2016'],
    ['min_sdk_version', '21'],
    ['target_sdk_version', '34'],
    ['apk_signature_hash', '99e33b0c2d07e75fcd9df7e40e886646ff667e3aa6648e1a1160b036cf2b9320'],
    ['url', 'https://github.com/zapstore/zapstore/releases/download/0.1.6/zapstore-0.1.6.apk'],
    ['m', 'application/vnd.android.package-archive'],
    ['x', '356b8022bd1366cf1a16b80a043a26e0f939d3301bba646b3b7732674ccb181a'],
    ['size', '11035057'],
    ['version', '0.1.6'],
    ['f', 'android-arm64-v8a'],
  ],
}

export const ZAPSTORE_LEGACY_RELEASE: NostrEvent = {
  id: 'afd498a267484d94366038f3a1e084b5b368f28762aa1ff7c20c4f161207ce43',
  pubkey: '78ce6faa72264387284e647ba6938995735ec8c7d5c5a65737e55130f026307d',
  sig: 'c68b49eb29c3ce34bb05db6b3848d3915337eb8652c31d447851315d2d892a1f9214331b11703482af753a1b85d99f963ea158c74d79d4323f91ab5c0f2b8f2a',
  kind: 30063,
  created_at: 1732315685,
  content:
    '  - Performance: Background loading, remove deprecated\r\n  - Bugfix: Themed icons (#152)\r\n' +
    '  - Feature: Allow sending system info and error report (#149)\r\n  - Bugfix: Revert to previous installer plugin (#170)\r\n' +
    '  - Bugfix: Success toast displays longer descriptions (#159)\r\n  - Bugfix: Duplicate success toast (#166)\r\n' +
    '  - Feature: Deeplink signer param support (#151)',
  tags: [
    ['url', 'https://github.com/zapstore/zapstore/releases/tag/0.1.6'],
    ['e', '9d2dea099bede47778dd46389733ab5df95815f69c11c96f5010623782ad21fd'],
    [
      'a',
      '32267:78ce6faa72264387284e647ba6938995735ec8c7d5c5a65737e55130f026307d:dev.zapstore.app',
    ],
    ['d', 'dev.zapstore.app@0.1.6'],
  ],
}

export interface ZspApp {
  packageId: string
  name: string
  description?: string
  summary?: string
  website?: string
  license?: string
  repository?: string
  tags?: string[]
  iconUrl?: string
  imageUrls?: string[]
  platforms?: string[]
  createdAtSec: number
}

/** zsp BuildAppMetadataEvent: d, name, summary, icon, image×n, t×n, url, repository, f×n, license, h. */
export function zspApp(a: ZspApp): UnsignedEvent {
  const tags: string[][] = [
    ['d', a.packageId],
    ['name', a.name],
  ]
  if (a.summary) tags.push(['summary', a.summary])
  if (a.iconUrl) tags.push(['icon', a.iconUrl])
  for (const u of a.imageUrls ?? []) tags.push(['image', u])
  for (const t of a.tags ?? []) tags.push(['t', t])
  if (a.website) tags.push(['url', a.website])
  if (a.repository) tags.push(['repository', a.repository])
  for (const f of a.platforms ?? []) tags.push(['f', f])
  if (a.license) tags.push(['license', a.license])
  tags.push(['h', ZSP_DEFAULT_COMMUNITY])
  return { kind: 32267, created_at: a.createdAtSec, tags, content: a.description ?? '' }
}

export interface ZspRelease {
  packageId: string
  version: string
  changelog?: string
  channel?: string
  assetEventIds: string[]
  assetRelayHint?: string
  platforms?: string[]
  createdAtSec: number
}

/** zsp BuildReleaseEvent + AddAssetReferences: i, version, d, c, f×n, then one e per asset (relay hint). */
export function zspRelease(r: ZspRelease): UnsignedEvent {
  const tags: string[][] = [
    ['i', r.packageId],
    ['version', r.version],
    ['d', `${r.packageId}@${r.version}`],
    ['c', r.channel ?? 'main'],
  ]
  for (const f of r.platforms ?? []) tags.push(['f', f])
  for (const id of r.assetEventIds)
    tags.push(r.assetRelayHint ? ['e', id, r.assetRelayHint] : ['e', id])
  return { kind: 30063, created_at: r.createdAtSec, tags, content: r.changelog ?? '' }
}

export interface ZspAsset {
  identifier: string
  version: string
  sha256: string
  /** zsp omits `size` when unknown (0). */
  sizeBytes?: number
  urls: string[]
  /** zsp always writes the APK type; a game build here is `application/zip`. */
  mime?: string
  platforms?: string[]
  filename?: string
  variant?: string
  versionCode?: number
  certFingerprint?: string
  createdAtSec: number
}

/**
 * zsp BuildSoftwareAssetEvent: i, x, version, url×n, m, size, f×n, min/target_platform_version, filename,
 * variant, version_code, apk_certificate_hash.
 */
export function zspAsset(a: ZspAsset): UnsignedEvent {
  const tags: string[][] = [
    ['i', a.identifier],
    ['x', a.sha256],
    ['version', a.version],
  ]
  for (const u of a.urls) tags.push(['url', u])
  tags.push(['m', a.mime ?? 'application/vnd.android.package-archive'])
  if (a.sizeBytes) tags.push(['size', String(a.sizeBytes)])
  for (const f of a.platforms ?? []) tags.push(['f', f])
  tags.push(['min_platform_version', '21'], ['target_platform_version', '34'])
  if (a.filename) tags.push(['filename', a.filename])
  if (a.variant) tags.push(['variant', a.variant])
  tags.push(['version_code', String(a.versionCode ?? 1)])
  if (a.certFingerprint) tags.push(['apk_certificate_hash', a.certFingerprint])
  return { kind: 3063, created_at: a.createdAtSec, tags, content: '' }
}
