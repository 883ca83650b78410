/**
 * SemVer 2.0.0 (semver.org): a validator, the coercion of loose versions (`1.0`, `v1.2.3`) and the
 * precedence comparison releases are sorted by. Our own tools write SemVer, the first choice of
 * NIP-82 App. D; other publishers' loose versions are accepted and ordered by their coercion
 * (docs/event-profile.md), the original string kept for display.
 */

/** The official SemVer 2.0.0 grammar (semver.org, "Is there a suggested regular expression"). */
const SEMVER_RE =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/

/** Longest version string we accept (keeps `d` = `<slug>@<version>` small). */
export const MAX_VERSION_LENGTH = 64

export interface Semver {
  major: bigint
  minor: bigint
  patch: bigint
  prerelease: string[]
  build: string[]
}

/** Parse a SemVer 2.0.0 string; undefined when it is not one. Numbers are bigint (no 2^53 cap in the spec). */
export function parseSemver(s: string): Semver | undefined {
  if (s.length > MAX_VERSION_LENGTH) return undefined
  const m = SEMVER_RE.exec(s)
  if (!m) return undefined
  return {
    major: BigInt(m[1]!),
    minor: BigInt(m[2]!),
    patch: BigInt(m[3]!),
    prerelease: m[4] ? m[4].split('.') : [],
    build: m[5] ? m[5].split('.') : [],
  }
}

/** Whether `s` is a SemVer 2.0.0 version of at most MAX_VERSION_LENGTH characters. */
export function isSemver(s: string): boolean {
  return s.length <= MAX_VERSION_LENGTH && SEMVER_RE.test(s)
}

/**
 * Loose versions as publishers write them (NIP-82 App. D: SemVer where possible): an optional `v`,
 * one to three numeric fields (missing ones are 0), optional further numeric fields (`1.2.3.4`),
 * then a pre-release after `-`, `_`, `~` or directly (`1.0rc1`), and `+build`. `1.0`, `v1.2.3`,
 * `2024.01.15` and `1.2.3-beta01` all coerce; `latest` or `beta` do not.
 */
const LOOSE_RE =
  /^[vV]?(\d{1,20})(?:\.(\d{1,20}))?(?:\.(\d{1,20}))?((?:\.\d{1,20})*)(?:[-_~]?([0-9A-Za-z][0-9A-Za-z.-]*))?(?:\+([0-9A-Za-z.-]+))?$/

/** A loose version coerced to SemVer's fields; `extra` holds numeric fields after the patch (compared next). */
export interface CoercedVersion extends Semver {
  extra: bigint[]
}

/** Coerce a version string (SemVer or loose, at most MAX_VERSION_LENGTH); undefined when it is not one. */
export function coerceVersion(s: string): CoercedVersion | undefined {
  const strict = parseSemver(s)
  if (strict) return { ...strict, extra: [] }
  if (s.length > MAX_VERSION_LENGTH) return undefined
  const m = LOOSE_RE.exec(s)
  if (!m) return undefined
  return {
    major: BigInt(m[1]!),
    minor: BigInt(m[2] ?? '0'),
    patch: BigInt(m[3] ?? '0'),
    extra: m[4]
      ? m[4]
          .slice(1)
          .split('.')
          .map((x) => BigInt(x))
      : [],
    prerelease: m[5] ? m[5].split('.').filter((x) => x !== '') : [],
    build: m[6] ? m[6].split('.') : [],
  }
}

/** Whether `s` is a version we accept: SemVer 2.0.0, or a loose version that coerces (see coerceVersion). */
export function isVersion(s: string): boolean {
  return coerceVersion(s) !== undefined
}

const cmp = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0)
const NUMERIC = /^\d+$/

/** SemVer 11.4: numeric identifiers compare as numbers and sort before alphanumeric ones; fewer fields sort first. */
function comparePrerelease(a: string[], b: string[]): number {
  // A release (no pre-release fields) has higher precedence than any pre-release of it (SemVer 11.3).
  if (a.length === 0 || b.length === 0) return a.length === b.length ? 0 : a.length === 0 ? 1 : -1
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i]
    const y = b[i]
    if (x === undefined) return -1
    if (y === undefined) return 1
    const xn = NUMERIC.test(x)
    const yn = NUMERIC.test(y)
    if (xn && yn) {
      const c = cmp(BigInt(x), BigInt(y))
      if (c !== 0) return c
    } else if (xn !== yn) return xn ? -1 : 1
    else if (x !== y) return x < y ? -1 : 1
  }
  return 0
}

function compareExtra(a: bigint[], b: bigint[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const c = cmp(a[i] ?? 0n, b[i] ?? 0n)
    if (c !== 0) return c
  }
  return 0
}

/**
 * SemVer precedence over coerced versions: negative when a < b, 0 when equal (build metadata is
 * ignored), positive when a > b. Loose versions compare by their coercion (`1.0` = `1.0.0` =
 * `v1.0.0`; `1.2.3.4` > `1.2.3`). Newest first: `versions.sort((a, b) => compareSemver(b, a))`.
 * Strings that do not coerce sort below every version, and among themselves by plain string order,
 * so sorting never throws.
 */
export function compareSemver(a: string, b: string): number {
  const x = coerceVersion(a)
  const y = coerceVersion(b)
  if (!x || !y) {
    if (x) return 1
    if (y) return -1
    return a < b ? -1 : a > b ? 1 : 0
  }
  return (
    cmp(x.major, y.major) ||
    cmp(x.minor, y.minor) ||
    cmp(x.patch, y.patch) ||
    compareExtra(x.extra, y.extra) ||
    comparePrerelease(x.prerelease, y.prerelease)
  )
}
