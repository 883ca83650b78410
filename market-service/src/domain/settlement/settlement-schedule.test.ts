/** The reconcile poller's lookup schedule: everything on the first pass, then backoff by age. */
import { describe, expect, it } from 'vitest'
import { checkpointsPassed } from './settlement-workers.ts'

describe('reconcile schedule', () => {
  it('checkpoints at base, 2·base, 4·base … up to the cap, then once per cap', () => {
    const table: [number, number][] = [
      [0, 0],
      [4, 0],
      [5, 1],
      [9, 1],
      [10, 2],
      [20, 3],
      [40, 4],
      [80, 5],
      [160, 6],
      [320, 7],
      [599, 7],
      [600, 7],
      [1199, 7],
      [1200, 8],
      [1800, 9],
    ]
    for (const [age, n] of table) expect([age, checkpointsPassed(age, 5, 600)]).toEqual([age, n])
  })
})
