/** A background worker the service starts after the app and stops before closing the database. */
export interface Worker {
  readonly name: string
  /** Run a pass now (tests, and after an enqueue that should go out at once). */
  kick(): void
  /** Stop scheduling and wait for a pass in progress to finish. */
  stop(): Promise<void>
}

/** A loop that runs `pass` every `intervalMs` (and on kick), never two passes at once. */
export function intervalWorker(
  name: string,
  intervalMs: number,
  pass: () => Promise<unknown>,
  onError: (e: unknown) => void,
): Worker {
  let stopped = false
  let running: Promise<void> | undefined
  let again = false
  let timer: NodeJS.Timeout | undefined
  const schedule = (): void => {
    if (stopped) return
    timer = setTimeout(run, intervalMs)
    timer.unref()
  }
  function run(): void {
    if (stopped) return
    if (running) {
      again = true
      return
    }
    if (timer) clearTimeout(timer)
    running = pass()
      .then(() => undefined, onError)
      .finally(() => {
        running = undefined
        if (again) {
          again = false
          run()
        } else schedule()
      })
  }
  schedule()
  return {
    name,
    kick: run,
    async stop() {
      stopped = true
      if (timer) clearTimeout(timer)
      await running
    },
  }
}
