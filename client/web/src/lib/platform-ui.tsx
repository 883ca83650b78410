/**
 * Platforms as a gamer reads them: one icon and label per operating system family (NIP-82 ids grouped
 * by shared/src/platforms.ts), kept apart from genre tags.
 */
import {
  FAMILY_LABELS,
  familiesOf,
  PLATFORMS,
  platformLabel,
  type PlatformFamily,
} from '@zapcade/shared/platforms'

/** Small monochrome glyphs (currentColor), decorative: the label next to them is the name. */
const GLYPH: Record<PlatformFamily, string> = {
  windows: 'M2 3.5 10 2.4v7.1H2zm9-1.2L22 1v8.5H11zM2 10.5h8v7.1l-8-1.1zm9 0h11V19l-11-1.5z',
  macos:
    'M16.4 12.6c0-2.6 2.1-3.8 2.2-3.9-1.2-1.8-3.1-2-3.7-2-1.6-.2-3.1.9-3.9.9-.8 0-2-.9-3.4-.9-1.7 0-3.3 1-4.2 2.6-1.8 3.1-.5 7.7 1.3 10.2.9 1.2 1.9 2.6 3.2 2.6 1.3-.1 1.8-.8 3.3-.8 1.6 0 2 .8 3.4.8 1.4 0 2.3-1.3 3.1-2.5 1-1.4 1.4-2.8 1.4-2.9-.1 0-2.7-1-2.7-4.1zM13.9 5c.7-.9 1.2-2 1.1-3.2-1 .1-2.3.7-3 1.6-.7.8-1.3 2-1.1 3.1 1.1.1 2.3-.6 3-1.5z',
  linux:
    'M12 2c-2.2 0-3.6 1.9-3.6 4.6 0 1.3.3 2.2-.6 3.6C6.5 12 5 14.2 5 16.6c0 .6.1 1.1.3 1.6-.8.4-1.8.6-1.8 1.5 0 1 1.6 1.1 3 1.7 1.2.5 2 .6 2.6.1.5-.3 1.4-.5 2.9-.5s2.4.2 2.9.5c.6.5 1.4.4 2.6-.1 1.4-.6 3-.7 3-1.7 0-.9-1-1.1-1.8-1.5.2-.5.3-1 .3-1.6 0-2.4-1.5-4.6-2.8-6.4-.9-1.4-.6-2.3-.6-3.6C15.6 3.9 14.2 2 12 2zm-1.5 4a.8 1 0 1 1 0 2 .8 1 0 0 1 0-2zm3 0a.8 1 0 1 1 0 2 .8 1 0 0 1 0-2zM12 8.6l1.6 1-1.6 1-1.6-1z',
  android:
    'M6 9h12v8a1 1 0 0 1-1 1h-1v3h-2v-3h-4v3H8v-3H7a1 1 0 0 1-1-1zm-3 0h2v6H3zm16 0h2v6h-2zM6.2 8a5.8 5 0 0 1 11.6 0zM9 5.5a.8.8 0 1 0 0 .1zm6 0a.8.8 0 1 0 0 .1zM7.5 2.5l1.6 2.2M16.5 2.5l-1.6 2.2',
  ios: 'M8 2h8a2 2 0 0 1 2 2v16a2 2 0 0 1-2 2H8a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2zm0 3v13h8V5zm4 14.2a.9.9 0 1 0 0 1.8.9.9 0 0 0 0-1.8z',
  freebsd: 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18zm0 3a6 6 0 1 1 0 12 6 6 0 0 1 0-12z',
  web: 'M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm6.9 6h-3a15 15 0 0 0-1.3-3.9A8 8 0 0 1 18.9 8zM12 4c.8 1.1 1.5 2.5 1.9 4h-3.8c.4-1.5 1.1-2.9 1.9-4zM4.3 14a8 8 0 0 1 0-4h3.4a16 16 0 0 0 0 4zm.8 2h3a15 15 0 0 0 1.3 3.9A8 8 0 0 1 5.1 16zm3-8h-3a8 8 0 0 1 4.3-3.9C8.8 5.3 8.4 6.6 8.1 8zM12 20c-.8-1.1-1.5-2.5-1.9-4h3.8c-.4 1.5-1.1 2.9-1.9 4zm2.3-6H9.7a14 14 0 0 1 0-4h4.6a14 14 0 0 1 0 4zm.3 5.9c.6-1.2 1-2.5 1.3-3.9h3a8 8 0 0 1-4.3 3.9zm1.7-5.9a16 16 0 0 0 0-4h3.4a8 8 0 0 1 0 4z',
}

export function PlatformIcon({ family }: { family: PlatformFamily }) {
  return (
    <svg
      class="pf-icon"
      viewBox="0 0 24 24"
      width="16"
      height="16"
      aria-hidden="true"
      focusable="false"
    >
      <path d={GLYPH[family]} fill="currentColor" />
    </svg>
  )
}

/** A card's compact row: one icon per family, named for screen readers. */
export function PlatformIcons({ ids }: { ids: readonly string[] }) {
  const fams = familiesOf(ids)
  if (fams.length === 0) return null
  const names = fams.map((f) => FAMILY_LABELS[f]).join(', ')
  return (
    <span class="pf-icons" role="img" aria-label={`Runs on ${names}`} title={names}>
      {fams.map((f) => (
        <PlatformIcon family={f} key={f} />
      ))}
    </span>
  )
}

/** A game page's list: every id with its icon and full label, each a link to the catalog filtered by its family. */
export function PlatformList({ ids }: { ids: readonly string[] }) {
  return (
    <ul class="pf-list" aria-label="Platforms">
      {ids.map((id) => {
        const fam = PLATFORMS.find((p) => p.id === id)?.family ?? familiesOf([id])[0]
        return (
          <li key={id}>
            <a href={`/?platform=${encodeURIComponent(fam ?? id)}`} title={id}>
              {fam ? <PlatformIcon family={fam} /> : null}
              {platformLabel(id)}
            </a>
          </li>
        )
      })}
    </ul>
  )
}

/** Filter choices: the families present in these ids, as [value, label]. */
export function familyChoices(ids: readonly string[]): [string, string][] {
  return familiesOf(ids).map((f) => [f, FAMILY_LABELS[f]])
}
