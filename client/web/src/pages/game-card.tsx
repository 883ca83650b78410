/** One game in a grid or shelf: cover art, title, summary, price, platforms and genres. The whole card is one link. */
import type { GameItem } from '../lib/types.ts'
import { priceText } from '../lib/format.ts'
import { gamePath } from '../lib/api.ts'
import { PlatformIcons } from '../lib/platform-ui.tsx'

/** A placeholder icon: the title's first letter on a colour derived from the slug. */
export function Icon({
  src,
  title,
  size = 64,
}: {
  src?: string | null | undefined
  title: string
  size?: number
}) {
  if (src)
    return (
      <img
        class="icon"
        src={src}
        alt=""
        width={size}
        height={size}
        loading="lazy"
        referrerpolicy="no-referrer"
      />
    )
  let hue = 0
  for (const ch of title) hue = (hue * 31 + ch.charCodeAt(0)) % 360
  return (
    <span
      class="icon placeholder"
      style={{ background: `hsl(${hue} 45% 32%)`, width: `${size}px`, height: `${size}px` }}
      aria-hidden="true"
    >
      {title.slice(0, 1).toUpperCase()}
    </span>
  )
}

/** The card's art: the listing's first image (cover, 16:9), else its icon, else a lettered tile. */
function Cover({ g }: { g: GameItem }) {
  const src = g.cover ?? g.icon
  if (src)
    return (
      <img
        class="cover"
        src={src}
        alt=""
        loading="lazy"
        referrerpolicy="no-referrer"
        width={320}
        height={180}
      />
    )
  let hue = 0
  for (const ch of g.title) hue = (hue * 31 + ch.charCodeAt(0)) % 360
  return (
    <span
      class="cover placeholder"
      style={{ background: `hsl(${hue} 45% 28%)` }}
      aria-hidden="true"
    >
      {g.title.slice(0, 1).toUpperCase()}
    </span>
  )
}

export function GameCard({ g }: { g: GameItem }) {
  return (
    <li class="card">
      <a href={`/game/${gamePath(g)}`} class="card-link">
        <Cover g={g} />
        <span class="card-body">
          <span class="card-title">{g.title}</span>
          {g.summary ? <span class="card-summary">{g.summary}</span> : null}
          <span class="card-meta">
            <span class="price">{priceText(g.price_msat)}</span>
            {g.coming_soon ? <span class="pill soon">Coming soon</span> : null}
            <PlatformIcons ids={g.platforms} />
          </span>
          {g.tags.length > 0 ? (
            <span class="card-tags">
              {g.tags.slice(0, 3).map((t) => (
                <span class="tag" key={t}>
                  {t}
                </span>
              ))}
            </span>
          ) : null}
        </span>
      </a>
    </li>
  )
}
