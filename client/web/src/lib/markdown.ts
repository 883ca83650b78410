/**
 * A developer's markdown description rendered safely: micromark with its defaults escapes every raw
 * HTML tag (so `<script>` and `onerror=` arrive as text) and drops dangerous link protocols
 * (`javascript:`, `data:`, `vbscript:`), leaving only http(s), mailto and relative URLs.
 */
import { micromark } from 'micromark'

/** Markdown to HTML with raw HTML and dangerous protocols disabled. */
export function renderMarkdown(md: string): string {
  return micromark(md, { allowDangerousHtml: false, allowDangerousProtocol: false })
}
