/**
 * SemVer 2.0.0 (semver.org): a validator and the precedence comparison releases are sorted by.
 * Our profile requires SemVer for `version` (DESIGN.md section 2), the first choice of NIP-82 App. D.
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

/**
 * SemVer precedence: negative when a < b, 0 when equal (build metadata is ignored), positive when a > b.
 * Newest first: `versions.sort((a, b) => compareSemver(b, a))`. Strings that are not SemVer sort
 * below every SemVer, and among themselves by plain string order, so sorting never throws.
 */
export function compareSemver(a: string, b: string): number {
  const x = parseSemver(a)
  const y = parseSemver(b)
  if (!x || !y) {
    if (x) return 1
    if (y) return -1
    return a < b ? -1 : a > b ? 1 : 0
  }
  return (
    cmp(x.major, y.major) || cmp(x.minor, y.minor) || cmp(x.patch, y.patch) || comparePrerelease(x.prerelease, y.prerelease)
  )
}
