/** Clock port: domain code never reads the time itself. */
export interface Clock {
  nowMs(): number
  nowSec(): number
}

/** The real clock (composition roots only). */
export const systemClock: Clock = {
  nowMs: () => Date.now(),
  nowSec: () => Math.floor(Date.now() / 1000),
}
