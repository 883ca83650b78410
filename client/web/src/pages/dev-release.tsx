/**
 * "Publish a release" on the developer dashboard: pick a game, a version and notes, drop the build zip;
 * the page hashes it, uploads it with a progress bar, waits for the market's verification, and signs
 * the build asset (3063) and release (30063) with the developer's own signer (lib/release-publish.ts,
 * loaded on the first use). No terminal needed.
 */
import { useRef, useState } from 'preact/hooks'
import { sizeText } from '../lib/format.ts'
import type { Phase } from '../lib/release-publish.ts'
import type { DevGame, GameDetail } from '../lib/types.ts'
import { marketInfo } from './game.tsx'

const PHASE_TEXT: Record<Phase['at'], string> = {
  check: 'Checking the file…',
  hash: 'Computing the sha256 in your browser…',
  upload: 'Uploading…',
  verify: 'The market is verifying the zip…',
  sign: 'Sign the build and the release with your key…',
  publish: 'Publishing the signed events…',
}

function Progress({ phase }: { phase: Phase }) {
  const part = phase.at === 'hash' || phase.at === 'upload' ? phase : undefined
  const pct = part && part.total > 0 ? Math.floor((part.done / part.total) * 100) : undefined
  return (
    <div class="release-progress" data-testid="release-progress">
      <p role="status" aria-live="polite">
        {PHASE_TEXT[phase.at]}
        {part ? ` ${sizeText(part.done)} of ${sizeText(part.total)}` : ''}
      </p>
      {part ? (
        <progress
          max={100}
          value={pct ?? 0}
          aria-label={phase.at === 'hash' ? 'Hashing progress' : 'Upload progress'}
        >
          {pct}%
        </progress>
      ) : null}
    </div>
  )
}

export function ReleaseForm({
  games,
  details,
  onDone,
}: {
  /** The developer's published games (drafts cannot take a build until listed). */
  games: DevGame[]
  details: Record<string, GameDetail>
  onDone: (ok: boolean, text: string, link?: string) => void
}) {
  const [slug, setSlug] = useState(games[0]?.slug ?? '')
  const [file, setFile] = useState<File>()
  const [over, setOver] = useState(false)
  const [phase, setPhase] = useState<Phase>()
  const [error, setError] = useState<string>()
  const input = useRef<HTMLInputElement>(null)
  const game = games.find((g) => g.slug === slug) ?? games[0]
  const detail = game ? details[game.slug] : undefined
  const latest = detail?.releases[0]?.version

  if (games.length === 0) {
    return (
      <section class="panel" aria-labelledby="rel-pub-h">
        <h2 id="rel-pub-h">Publish a release</h2>
        <p>List a game first: a release is uploaded for a game the market already knows.</p>
      </section>
    )
  }

  const pick = (f: File | undefined) => {
    setError(undefined)
    setFile(f)
  }
  const submit = async (e: Event) => {
    e.preventDefault()
    if (!game) return
    const f = new FormData(e.currentTarget as HTMLFormElement)
    const get = (k: string) => String(f.get(k) ?? '').trim()
    if (!file) return setError('Drop the build zip here, or choose it with the button.')
    setError(undefined)
    setPhase({ at: 'check' })
    try {
      const { publishRelease } = await import('../lib/release-publish.ts')
      const platforms = get('platforms')
        .split(',')
        .map((x) => x.trim().toLowerCase())
        .filter(Boolean)
      const out = await publishRelease(
        {
          game: { pubkey: game.pubkey, slug: game.slug, title: game.title },
          version: get('version'),
          notes: get('notes'),
          platforms,
          file,
        },
        await marketInfo(),
        setPhase,
      )
      setFile(undefined)
      onDone(
        true,
        `${game.title} ${get('version')} is published (sha256 ${out.sha256.slice(0, 12)}…). It shows in the store once the market has indexed it.`,
        out.url,
      )
    } catch (x) {
      setError(x instanceof Error ? x.message : String(x))
    } finally {
      setPhase(undefined)
    }
  }
  const busy = phase !== undefined

  return (
    <section class="panel" aria-labelledby="rel-pub-h" data-testid="release-form">
      <h2 id="rel-pub-h">Publish a release</h2>
      <p class="muted">
        The zip is hashed in your browser and uploaded to the market, which checks it; then your key
        signs the build and the release. A published version never changes.
      </p>
      <form onSubmit={(e) => void submit(e)} class="grid-form">
        <div class="field">
          <label for="r-game">Game</label>
          <select
            id="r-game"
            value={game?.slug}
            onChange={(e) => setSlug((e.currentTarget as HTMLSelectElement).value)}
          >
            {games.map((g) => (
              <option key={g.slug} value={g.slug}>
                {g.title}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="r-version">Version (SemVer)</label>
          <input
            id="r-version"
            name="version"
            required
            placeholder={latest ? `after ${latest}` : '1.0.0'}
            autocomplete="off"
          />
        </div>
        <div class="field">
          <label for="r-platforms">Platforms of this build, comma separated</label>
          <input
            id="r-platforms"
            name="platforms"
            key={game?.slug}
            defaultValue={(detail?.platforms ?? []).join(', ')}
            placeholder="linux-x86_64, windows-x86_64"
          />
        </div>
        <div class="field wide">
          <label for="r-notes">Release notes (markdown)</label>
          <textarea id="r-notes" name="notes" rows={4} />
        </div>
        <div
          class={`dropzone wide${over ? ' over' : ''}`}
          data-testid="dropzone"
          onDragOver={(e) => {
            e.preventDefault()
            setOver(true)
          }}
          onDragLeave={() => setOver(false)}
          onDrop={(e) => {
            e.preventDefault()
            setOver(false)
            pick(e.dataTransfer?.files[0])
          }}
        >
          <p>
            {file ? (
              <>
                <strong>{file.name}</strong> · {sizeText(file.size)}
              </>
            ) : (
              'Drop the build zip here'
            )}
          </p>
          <label for="r-file" class="button secondary">
            Choose a zip…
          </label>
          <input
            id="r-file"
            ref={input}
            type="file"
            accept=".zip,application/zip"
            class="visually-hidden"
            onChange={(e) => pick((e.currentTarget as HTMLInputElement).files?.[0])}
          />
        </div>
        {phase ? <Progress phase={phase} /> : null}
        {error ? (
          <p role="alert" class="error" data-testid="release-error">
            {error}
          </p>
        ) : null}
        <button type="submit" disabled={busy}>
          Publish release
        </button>
      </form>
    </section>
  )
}
