/** The outcome of parsing untrusted input: the typed value, or a precise reason naming the rule broken. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string }

/** A successful parse. */
export const ok = <T>(value: T): Parsed<T> => ({ ok: true, value })

/** A refused parse; `reason` names the rule (e.g. `"price: not an integer"`). */
export const fail = <T = never>(reason: string): Parsed<T> => ({ ok: false, reason })
