/**
 * SDK section for refunds (docs/refunds.md): the buyer's request (NIP-98, or a guest's receipt code),
 * the developer's policy and queue, and an admin's refund of any purchase.
 */
import {
  RefundListResponse,
  RefundPolicyResponse,
  RefundView,
  type RefundPolicyBody,
  type RefundRequestBody,
} from '@zapcade/shared/api/refunds'
import { request, type HttpContext } from './http.ts'

const enc = encodeURIComponent

export function refundsApi(ctx: HttpContext) {
  return {
    /** Ask for a purchase's money back; a guest passes the receipt code instead of signing. */
    request: (purchaseId: string, body: RefundRequestBody, o: { receiptCode?: string } = {}) =>
      request(ctx, {
        method: 'POST',
        path: `api/v1/purchases/${enc(purchaseId)}/refund`,
        body,
        auth: o.receiptCode ? 'none' : 'required',
        headers: o.receiptCode ? { 'x-receipt-code': o.receiptCode } : {},
        schema: RefundView,
      }),
    get: (purchaseId: string, o: { receiptCode?: string } = {}) =>
      request(ctx, {
        method: 'GET',
        path: `api/v1/purchases/${enc(purchaseId)}/refund`,
        auth: o.receiptCode ? 'none' : 'required',
        headers: o.receiptCode ? { 'x-receipt-code': o.receiptCode } : {},
        schema: RefundView,
      }),
    setPolicy: (slug: string, body: RefundPolicyBody) =>
      request(ctx, {
        method: 'PUT',
        path: `api/v1/developer/games/${enc(slug)}/refund-policy`,
        body,
        auth: 'required',
        schema: RefundPolicyResponse,
      }),
    list: (status?: string) =>
      request(ctx, {
        method: 'GET',
        path: 'api/v1/developer/refunds',
        query: { status },
        auth: 'required',
        schema: RefundListResponse,
      }),
    decide: (refundId: string, action: 'approve' | 'decline', note?: string) =>
      request(ctx, {
        method: 'POST',
        path: `api/v1/developer/refunds/${enc(refundId)}/${action}`,
        body: note === undefined ? {} : { note },
        auth: 'required',
        schema: RefundView,
      }),
    adminRefund: (purchaseId: string, body: RefundRequestBody) =>
      request(ctx, {
        method: 'POST',
        path: `api/v1/admin/purchases/${enc(purchaseId)}/refund`,
        body,
        auth: 'required',
        schema: RefundView,
      }),
  }
}
