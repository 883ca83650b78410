/** An amount shown in whole sats, with the exact msat in a tooltip when a fraction was dropped. */
import { satsText, satsTitle } from './format.ts'

export function Sats({ msat }: { msat: number }) {
  const title = satsTitle(msat)
  return title ? (
    <span class="sats" title={title} data-msat={msat}>
      {satsText(msat)}
    </span>
  ) : (
    <span class="sats" data-msat={msat}>
      {satsText(msat)}
    </span>
  )
}
