/**
 * Where `npm start` runs the embedded relay and the indexer: a worker thread each (default), a child
 * process each, or inline on the service's event loop. Light on purpose: main.ts spawns the parts from
 * here before it loads the rest of the marketplace, so their modules load meanwhile.
 */
import type { Logger } from 'pino'
import type { Env } from '@zapcade/shared/config'
import {
  spawnRelayIndexerPart,
  type HostMode,
  type SpawnedPart,
} from '@zapcade/relay-indexer/worker-host'

export type PartsHost = HostMode | 'inline'
export interface SpawnedParts {
  mode: HostMode
  relay: SpawnedPart
  indexer: SpawnedPart
}

/** Where the relay and the indexer run, from ZAPCADE_RELAY_INDEXER_HOST (default worker; bad values refused). */
export function partsHostFromEnv(env: Env): PartsHost {
  const v = env.ZAPCADE_RELAY_INDEXER_HOST ?? 'worker'
  if (v === 'worker' || v === 'process' || v === 'inline') return v
  throw new Error(
    `invalid configuration:\n  - ZAPCADE_RELAY_INDEXER_HOST: "${v}" is not one of worker, process, inline`,
  )
}

/** Boot the relay's and the indexer's threads or processes now; startMarket gives them their jobs. */
export function spawnParts(mode: HostMode, log?: Logger): SpawnedParts {
  return {
    mode,
    relay: spawnRelayIndexerPart('relay', mode),
    indexer: spawnRelayIndexerPart('indexer', mode, {
      onLog: (m) => log?.info({ svc: 'indexer' }, m),
    }),
  }
}
