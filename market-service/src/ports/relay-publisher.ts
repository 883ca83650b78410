/** Relay publisher port: send a signed event to relays and report each relay's OK or reason. */
import type { NostrEvent } from '@zapcade/shared/events/event'

export interface RelayAnswer {
  relay: string
  ok: boolean
  reason: string
}

export interface RelayPublisher {
  /** Publish to `relays` (default: the configured relays); resolves once each relay answered or timed out. */
  publish(event: NostrEvent, relays?: readonly string[]): Promise<RelayAnswer[]>
  close(): Promise<void>
}
