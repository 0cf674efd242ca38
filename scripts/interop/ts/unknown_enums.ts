// Checked by `cargo xtask interop` beside the recordings, against the types openapi-typescript
// generates from spec/iamport.yaml (`../schema`): server-owned enums are open, request-only
// enums are closed, and wrong types are still refused. Each `@ts-expect-error` line must fail
// to type-check; if the types ever accepted it, tsc would report the directive as unused.
import type { components } from "../schema";

type Payment = components["schemas"]["Payment"];
type PaymentEnvelope = components["schemas"]["PaymentEnvelope"];
type Receipt = components["schemas"]["Receipt"];

// A status the server added after the spec was written type-checks, as do known values.
export const pending: PaymentEnvelope = {
  code: 0,
  message: null,
  response: {
    imp_uid: "imp_730118264503",
    merchant_uid: "order-20261120-0042",
    amount: 49.9,
    cancel_amount: 0,
    currency: "CHF",
    status: "pending",
    pay_method: "bnpl",
    channel: "kiosk",
    escrow: false,
    cash_receipt_issued: false,
  },
};
export const paid: Payment["status"] = "paid";
export const selfIssued: Receipt["type"] = "self_issued";

// A refused call: HTTP 200, a non-zero code and a null payload.
export const refused: PaymentEnvelope = { code: 1, message: "거절", response: null };

// @ts-expect-error a number is no status, open enum or not
export const numeric: Payment["status"] = 5;

// @ts-expect-error a request-only enum is closed: the client must send a listed value
export const sorting: components["schemas"]["Sorting"] = "-random";

// @ts-expect-error a required field (`status`) is missing
export const incomplete: Payment = {
  imp_uid: "imp_1",
  merchant_uid: "order-1",
  amount: 1000,
  cancel_amount: 0,
  currency: "KRW",
  escrow: false,
  cash_receipt_issued: false,
};

// @ts-expect-error `imp_uid` is a string that is never null
export const nullId: Payment["imp_uid"] = null;
