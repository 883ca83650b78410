/**
 * A game page's media: the screenshot strip with a lightbox (a modal dialog: arrow keys move, Escape
 * closes, focus returns to the thumbnail), and the trailer behind a click: no request reaches the video
 * host before the visitor asks for it.
 */
import { useEffect, useRef, useState } from 'preact/hooks'
import type { Trailer } from '../lib/media.ts'

export function Gallery({ title, images }: { title: string; images: string[] }) {
  const [open, setOpen] = useState<number>()
  const dialog = useRef<HTMLDialogElement>(null)
  const opener = useRef<HTMLElement | null>(null)
  const n = images.length

  useEffect(() => {
    const d = dialog.current
    if (!d) return
    if (open !== undefined && !d.open) d.showModal()
    if (open === undefined && d.open) d.close()
  }, [open])

  const show = (i: number) => setOpen(((i % n) + n) % n)
  const close = () => {
    setOpen(undefined)
    opener.current?.focus()
  }
  const onKey = (e: KeyboardEvent) => {
    if (open === undefined) return
    if (e.key === 'ArrowRight') show(open + 1)
    else if (e.key === 'ArrowLeft') show(open - 1)
    else return
    e.preventDefault()
  }

  if (n === 0) return null
  return (
    <section class="media" aria-label="Screenshots">
      <ul class="gallery">
        {images.map((src, i) => (
          <li key={src}>
            <button
              type="button"
              class="shot"
              aria-label={`Open screenshot ${i + 1} of ${n}`}
              onClick={(e) => {
                opener.current = e.currentTarget
                show(i)
              }}
            >
              <img
                src={src}
                alt={`${title} screenshot ${i + 1}`}
                loading="lazy"
                referrerpolicy="no-referrer"
              />
            </button>
          </li>
        ))}
      </ul>
      <dialog
        ref={dialog}
        class="lightbox"
        aria-label={`${title} screenshots`}
        onKeyDown={onKey}
        onClose={() => open !== undefined && close()}
      >
        {open !== undefined ? (
          <figure>
            <img
              src={images[open]}
              alt={`${title} screenshot ${open + 1}`}
              referrerpolicy="no-referrer"
            />
            <figcaption aria-live="polite">
              Screenshot {open + 1} of {n} <span class="muted">· ← → to browse, Esc to close</span>
            </figcaption>
          </figure>
        ) : null}
        <div class="lightbox-nav">
          <button
            type="button"
            class="secondary"
            onClick={() => show((open ?? 0) - 1)}
            aria-label="Previous screenshot"
            disabled={n < 2}
          >
            ←
          </button>
          <button
            type="button"
            class="secondary"
            onClick={() => show((open ?? 0) + 1)}
            aria-label="Next screenshot"
            disabled={n < 2}
          >
            →
          </button>
          <button type="button" onClick={close}>
            Close
          </button>
        </div>
      </dialog>
    </section>
  )
}

export function TrailerPlayer({
  title,
  trailer,
  poster,
}: {
  title: string
  trailer: Trailer
  poster?: string | undefined
}) {
  const [play, setPlay] = useState(false)
  const host = trailer.kind === 'embed' ? trailer.site : new URL(trailer.src).hostname
  if (play) {
    return (
      <div class="trailer" data-testid="trailer">
        {trailer.kind === 'embed' ? (
          <iframe
            src={trailer.src}
            title={`${title} trailer`}
            allow="autoplay; fullscreen; picture-in-picture"
            allowFullScreen
            referrerpolicy="strict-origin-when-cross-origin"
            sandbox="allow-scripts allow-same-origin allow-presentation allow-popups"
          />
        ) : (
          <video
            src={trailer.src}
            controls
            autoPlay
            preload="metadata"
            aria-label={`${title} trailer`}
          />
        )}
      </div>
    )
  }
  return (
    <div class="trailer" data-testid="trailer">
      <button
        type="button"
        class="trailer-play"
        onClick={() => setPlay(true)}
        style={poster ? { backgroundImage: `url("${poster}")` } : undefined}
      >
        <span class="play-icon" aria-hidden="true">
          ▶
        </span>
        <span>
          Play trailer <small>(loads from {host})</small>
        </span>
      </button>
    </div>
  )
}
