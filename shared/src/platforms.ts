/**
 * The platform vocabulary: NIP-82 `f` values (draft, nostr-protocol/nips PR 1336, "Platform ids"; the same
 * strings zapstore-cli documents for its `platform` key). Games and builds carry these ids; a family
 * (`linux`, `windows`, `macos`, `android`…) names every id of one operating system, as the catalog's
 * `?platform=` filter and the storefront's platform picker use it. `web` is kept for browser games, which
 * the draft now describes by MIME type instead.
 */

export interface PlatformInfo {
  /** The `f` value. */
  id: string
  /** What a gamer reads: "Linux", "macOS (Apple silicon)". */
  label: string
  family: PlatformFamily
}

export const PLATFORM_FAMILIES = [
  'linux',
  'windows',
  'macos',
  'android',
  'ios',
  'freebsd',
  'web',
] as const
export type PlatformFamily = (typeof PLATFORM_FAMILIES)[number]

export const FAMILY_LABELS: Record<PlatformFamily, string> = {
  linux: 'Linux',
  windows: 'Windows',
  macos: 'macOS',
  android: 'Android',
  ios: 'iOS',
  freebsd: 'FreeBSD',
  web: 'Web browser',
}

/** The NIP-82 ids, the common desktop ones first. */
export const PLATFORMS: readonly PlatformInfo[] = [
  { id: 'linux-x86_64', label: 'Linux', family: 'linux' },
  { id: 'linux-aarch64', label: 'Linux (ARM64)', family: 'linux' },
  { id: 'linux-armv7l', label: 'Linux (ARMv7)', family: 'linux' },
  { id: 'linux-riscv64', label: 'Linux (RISC-V)', family: 'linux' },
  { id: 'windows-x86_64', label: 'Windows', family: 'windows' },
  { id: 'windows-aarch64', label: 'Windows (ARM64)', family: 'windows' },
  { id: 'darwin-arm64', label: 'macOS (Apple silicon)', family: 'macos' },
  { id: 'darwin-x86_64', label: 'macOS (Intel)', family: 'macos' },
  { id: 'android-arm64-v8a', label: 'Android', family: 'android' },
  { id: 'android-armeabi-v7a', label: 'Android (ARMv7)', family: 'android' },
  { id: 'android-x86', label: 'Android (x86)', family: 'android' },
  { id: 'android-x86_64', label: 'Android (x86_64)', family: 'android' },
  { id: 'ios-arm64', label: 'iOS', family: 'ios' },
  { id: 'freebsd-x86_64', label: 'FreeBSD', family: 'freebsd' },
  { id: 'web', label: 'Web browser', family: 'web' },
]

export const PLATFORM_IDS: readonly string[] = PLATFORMS.map((p) => p.id)
const BY_ID = new Map(PLATFORMS.map((p) => [p.id, p]))

/** The `f` id prefix of each family (`darwin-` for macOS); `web` has none (an exact id). */
const PREFIX: Record<PlatformFamily, string | null> = {
  linux: 'linux-',
  windows: 'windows-',
  macos: 'darwin-',
  android: 'android-',
  ios: 'ios-',
  freebsd: 'freebsd-',
  web: null,
}

export function isKnownPlatform(id: string): boolean {
  return BY_ID.has(id)
}

/** The family of an id (known or not, by its prefix), or undefined for an id of no known family. */
export function platformFamily(id: string): PlatformFamily | undefined {
  const known = BY_ID.get(id)
  if (known) return known.family
  if (id === 'darwin') return 'macos'
  if ((PLATFORM_FAMILIES as readonly string[]).includes(id)) return id as PlatformFamily
  for (const f of PLATFORM_FAMILIES) {
    const p = PREFIX[f]
    if (p !== null && id.startsWith(p)) return f
  }
  return undefined
}

/** A gamer's label for an id: the table's, else its family's with the architecture, else the id itself. */
export function platformLabel(id: string): string {
  const known = BY_ID.get(id)
  if (known) return known.label
  if ((PLATFORM_FAMILIES as readonly string[]).includes(id))
    return FAMILY_LABELS[id as PlatformFamily]
  const fam = platformFamily(id)
  if (fam === undefined) return id
  const prefix = PREFIX[fam]
  return prefix !== null && id.startsWith(prefix)
    ? `${FAMILY_LABELS[fam]} (${id.slice(prefix.length)})`
    : FAMILY_LABELS[fam]
}

/**
 * What a `?platform=` value matches: the exact id, plus every id starting with `prefix` when the value
 * names a family (`linux` → `linux-*`, `macos` or `darwin` → `darwin-*`). `prefix` is null otherwise.
 */
export function platformFilter(value: string): { exact: string; prefix: string | null } {
  const fam = (PLATFORM_FAMILIES as readonly string[]).includes(value)
    ? (value as PlatformFamily)
    : value === 'darwin'
      ? 'macos'
      : undefined
  return { exact: value, prefix: fam !== undefined ? PREFIX[fam] : null }
}

/** Whether a game's platform ids satisfy a `?platform=` value (the same rule as the catalog's SQL). */
export function matchesPlatform(ids: readonly string[], value: string): boolean {
  const { exact, prefix } = platformFilter(value)
  return ids.some((id) => id === exact || (prefix !== null && id.startsWith(prefix)))
}

/** The distinct families of a list of ids, in PLATFORM_FAMILIES order (for icons on a card). */
export function familiesOf(ids: readonly string[]): PlatformFamily[] {
  const set = new Set(ids.map(platformFamily).filter((f): f is PlatformFamily => f !== undefined))
  return PLATFORM_FAMILIES.filter((f) => set.has(f))
}

/** One line per id for CLI help: `linux-x86_64 (Linux), …`. */
export function platformHelp(): string {
  return PLATFORMS.filter(
    (p) =>
      !p.id.endsWith('-armv7l') && !p.id.endsWith('-riscv64') && !p.id.startsWith('android-x86'),
  )
    .map((p) => p.id)
    .join(', ')
}
