/** A small form that signs a new game as a draft (kept by the market, not sent to relays) or listed. */
import { useState } from 'preact/hooks'
import { marketInfo } from './game.tsx'

const list = (s: string): string[] =>
  s
    .split(',')
    .map((x) => x.trim().toLowerCase())
    .filter(Boolean)

export function DraftForm({ onDone }: { onDone: (ok: boolean, text: string) => void }) {
  const [busy, setBusy] = useState(false)
  const submit = async (e: Event) => {
    e.preventDefault()
    const form = e.currentTarget as HTMLFormElement
    const f = new FormData(form)
    const get = (k: string) => String(f.get(k) ?? '').trim()
    const price = get('price')
    if (!/^[0-9]{1,10}$/.test(price || '0')) return onDone(false, 'Price: a whole number of sats.')
    setBusy(true)
    try {
      const { publishGame } = await import('../lib/publish.ts')
      const input = {
        slug: get('slug'),
        title: get('title'),
        description: get('description'),
        tags: list(get('tags')),
        platforms: list(get('platforms')),
        priceSats: Number(price || '0'),
        listing: 'DRAFT' as const,
        ...(get('summary') ? { summary: get('summary') } : {}),
      }
      await publishGame(input, await marketInfo())
      form.reset()
      onDone(true, `Draft ${input.title} saved. List it when it is ready.`)
    } catch (x) {
      onDone(false, x instanceof Error ? x.message : String(x))
    } finally {
      setBusy(false)
    }
  }
  return (
    <details class="panel">
      <summary>New draft</summary>
      <form onSubmit={(e) => void submit(e)} class="grid-form">
        <div class="field">
          <label for="d-slug">Slug (a-z, 0-9, . _ -)</label>
          <input id="d-slug" name="slug" pattern="[a-z0-9][a-z0-9._\-]{0,63}" required />
        </div>
        <div class="field">
          <label for="d-title">Title</label>
          <input id="d-title" name="title" maxLength={120} required />
        </div>
        <div class="field">
          <label for="d-summary">Summary</label>
          <input id="d-summary" name="summary" maxLength={280} />
        </div>
        <div class="field">
          <label for="d-price">Price in sats (0 = free)</label>
          <input id="d-price" name="price" inputMode="numeric" defaultValue="0" />
        </div>
        <div class="field">
          <label for="d-tags">Tags, comma separated</label>
          <input id="d-tags" name="tags" />
        </div>
        <div class="field">
          <label for="d-platforms">Platforms, comma separated</label>
          <input id="d-platforms" name="platforms" placeholder="linux-x86_64, windows-x86_64" />
        </div>
        <div class="field wide">
          <label for="d-description">Description (markdown)</label>
          <textarea id="d-description" name="description" rows={6} />
        </div>
        <button type="submit" disabled={busy}>
          Save draft
        </button>
      </form>
    </details>
  )
}
