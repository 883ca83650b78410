/**
 * A developer's markdown description rendered safely: micromark with its defaults escapes every raw
 * HTML tag (so `<script>` and `onerror=` arrive as text) and drops dangerous link protocols
 * (`javascript:`, `data:`, `vbscript:`), leaving only http(s), mailto and relative URLs.
 */
import { micromark } from 'micromark'

/**
 * Markdown to HTML with raw HTML and dangerous protocols disabled. Headings move down by
 * `headingOffset` levels (capped at h6) so the page keeps one h1 and a sane outline; the rewrite only
 * touches tags micromark itself generated, since any raw `<h1>` in the input was escaped to `&lt;h1`.
 */
export function renderMarkdown(md: string, headingOffset = 0): string {
  const html = micromark(md, { allowDangerousHtml: false, allowDangerousProtocol: false })
  if (headingOffset === 0) return html
  return html.replace(
    /<(\/?)h([1-6])>/g,
    (_m, slash: string, n: string) => `<${slash}h${Math.min(6, Number(n) + headingOffset)}>`,
  )
}
