/**
 * Progress bars (cli-progress) and a spinner, on stderr and only for a person at a terminal: with
 * --json or when stderr is a pipe they are silent, so scripts read clean output.
 */
import cliProgress from 'cli-progress'
import type { CliContext } from './context.ts'

export interface Bar {
  update(done: number): void
  stop(): void
}

const mib = (n: number) => (n / 1048576).toFixed(1)

/** A byte progress bar: "Uploading [=====-----] 42% 12.0/28.5 MiB". */
export function byteBar(ctx: CliContext, label: string, totalBytes: number): Bar {
  if (!ctx.interactive) return { update: () => {}, stop: () => {} }
  const bar = new cliProgress.SingleBar(
    {
      stream: ctx.io.stderr,
      format: `${label} [{bar}] {percentage}% {done}/{all} MiB`,
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  )
  bar.start(totalBytes, 0, { done: mib(0), all: mib(totalBytes) })
  return {
    update: (n) => bar.update(n, { done: mib(n), all: mib(totalBytes) }),
    stop: () => bar.stop(),
  }
}

export interface Spinner {
  text(t: string): void
  stop(final?: string): void
}

/** A spinner with a status text, e.g. while waiting for a payment. */
export function spinner(ctx: CliContext, initial: string): Spinner {
  if (!ctx.interactive) return { text: () => {}, stop: (f) => void (f && ctx.note(f)) }
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']
  let i = 0
  let text = initial
  const draw = () => ctx.io.stderr.write(`\r\x1b[2K${frames[i++ % frames.length]} ${text}`)
  draw()
  const t = setInterval(draw, 100)
  return {
    text: (s) => void (text = s),
    stop: (final) => {
      clearInterval(t)
      ctx.io.stderr.write('\r\x1b[2K')
      if (final) ctx.note(final)
    },
  }
}
