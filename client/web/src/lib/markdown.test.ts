import { describe, expect, it } from 'vitest'
import { renderMarkdown } from './markdown.ts'

describe('a developer description renders as markdown without any way to run script', () => {
  it('keeps ordinary markdown: headings, lists, emphasis, https links and images', () => {
    const html = renderMarkdown(
      '# Title\n\n- *one*\n- **two**\n\n[site](https://example.com) ![shot](https://example.com/a.png)',
    )
    expect(html).toContain('<h1>Title</h1>')
    expect(html).toContain('<em>one</em>')
    expect(html).toContain('<strong>two</strong>')
    expect(html).toContain('<a href="https://example.com">site</a>')
    expect(html).toContain('<img src="https://example.com/a.png" alt="shot" />')
  })

  it('moves headings down so the page keeps its one h1, without touching escaped text', () => {
    expect(renderMarkdown('# A\n\n## B\n\n###### F\n\n&lt;h1&gt; <h1>x</h1>', 2)).toBe(
      '<h3>A</h3>\n<h4>B</h4>\n<h6>F</h6>\n<p>&lt;h1&gt; &lt;h1&gt;x&lt;/h1&gt;</p>',
    )
  })

  it.each([
    ['a script tag', '<script>window.pwned = 1</script>'],
    ['an img with onerror', '<img src=x onerror="window.pwned=1">'],
    ['an svg with onload', '<svg onload="window.pwned=1"></svg>'],
    ['an iframe', '<iframe src="javascript:window.pwned=1"></iframe>'],
    ['inline html in a paragraph', 'hello <b onclick="window.pwned=1">there</b>'],
  ])('escapes raw HTML: %s', (_name, md) => {
    const html = renderMarkdown(md)
    expect(html).not.toMatch(/<(script|img|svg|iframe|b)[\s>]/i)
    expect(html).toContain('&lt;')
  })

  it.each([
    ['javascript: link', '[click](javascript:window.pwned=1)'],
    ['JaVaScRiPt: link', '[click](JaVaScRiPt:window.pwned=1)'],
    ['data: link', '[click](data:text/html;base64,PHNjcmlwdD4=)'],
    ['vbscript: link', '[click](vbscript:msgbox)'],
    ['javascript: image', '![x](javascript:window.pwned=1)'],
    ['javascript: autolink-style reference', '[click][r]\n\n[r]: javascript:window.pwned=1'],
  ])('drops dangerous URL protocols: %s', (_name, md) => {
    const html = renderMarkdown(md)
    expect(html.toLowerCase()).not.toContain('javascript:')
    expect(html.toLowerCase()).not.toContain('vbscript:')
    expect(html.toLowerCase()).not.toContain('data:text/html')
  })
})
