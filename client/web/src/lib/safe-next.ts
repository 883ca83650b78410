/**
 * Where to go after signing in: `?next=` accepts only a path of this site. Anything else (a scheme such
 * as `javascript:`, another origin `https://…`, a protocol-relative `//host`, a backslash that browsers
 * read as a slash, control characters the URL parser drops) falls back to `/` (no open redirect).
 */
export function safeNext(raw: string | null | undefined): string {
  if (!raw || raw.length > 2000) return '/'
  if (!raw.startsWith('/') || raw.startsWith('//')) return '/'
  if (/[\\\u0000-\u001f\u007f]/.test(raw)) return '/'
  const base = 'https://same-origin.invalid'
  try {
    const u = new URL(raw, base)
    if (u.origin !== base) return '/'
    return `${u.pathname}${u.search}${u.hash}`
  } catch {
    return '/'
  }
}
