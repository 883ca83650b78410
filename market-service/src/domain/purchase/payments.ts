/**
 * The payments feature as one bundle (built once by compose.ts): checkout (absent without a wallet),
 * guest claims and the settlement function the HTTP side and the workers share.
 */
import type { PurchaseRepo } from '../../ports/purchase-repo.ts'
import type { SettleInput, SettleOutcome } from '../settlement/settle.ts'
import type { CheckoutDeps } from './checkout.ts'
import type { ClaimDeps } from './claim.ts'

export interface Payments {
  repo: PurchaseRepo
  checkout: CheckoutDeps | undefined
  claims: ClaimDeps
  settle: (paymentHash: string, input: SettleInput) => Promise<SettleOutcome>
}
