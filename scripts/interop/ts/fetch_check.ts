// Run by `cargo xtask interop` with node, once compiled with tsc --strict beside the client that
// openapi-generator's `typescript-fetch` generator writes from spec/iamport.yaml (`../client`)
// and `./recordings.ts`, which the xtask writes: every recording of spec/recordings with the
// generated `XFromJSON` and `XToJSON` of its response component.
//
// Each recorded body is decoded with its `XFromJSON` (which must not throw), its `code` must
// survive, and `XToJSON` must give the same JSON back. The generated `XToJSON` writes a `null`
// array as absent, so a member whose value is `null` is dropped on both sides before comparing.
import * as M from "../client/models/index";
import { cases } from "./recordings";

declare const process: { exitCode?: number };

const WHO = "openapi-generator typescript-fetch";

// Drops `null` members of objects, recursively.
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== null && v !== undefined)
        .map(([k, v]) => [k, plain(v)]),
    );
  }
  return value;
}

// Where `back` differs from `sent`, as readable lines.
function differences(back: unknown, sent: unknown, path: string, out: string[]): void {
  if (Array.isArray(back) && Array.isArray(sent) && back.length === sent.length) {
    back.forEach((v, i) => differences(v, sent[i], `${path}/${i}`, out));
  } else if (
    back !== null && sent !== null && typeof back === "object" && typeof sent === "object" &&
    !Array.isArray(back) && !Array.isArray(sent)
  ) {
    const a = back as Record<string, unknown>;
    const b = sent as Record<string, unknown>;
    for (const key of Object.keys(b)) {
      if (!(key in a)) out.push(`${path}/${key}: lost`);
      else differences(a[key], b[key], `${path}/${key}`, out);
    }
    for (const key of Object.keys(a)) {
      if (!(key in b)) out.push(`${path}/${key}: added`);
    }
  } else if (back !== sent) {
    out.push(`${path}: ${JSON.stringify(back)} instead of ${JSON.stringify(sent)}`);
  }
}

const failures: string[] = [];
const decoded = { success: 0, failure: 0 };
for (const c of cases) {
  try {
    const value = c.fromJSON(c.body);
    if (value.code !== c.body.code) throw new Error(`code ${value.code} instead of ${c.body.code}`);
    // A success that carries a payload decodes one (an operation that answers nothing useful
    // sends `null`, and decodes nothing).
    const sent = c.body.response !== null && c.body.response !== undefined;
    if (c.success && sent && (value.response === null || value.response === undefined)) {
      throw new Error("no response decoded");
    }
    const out: string[] = [];
    differences(plain(JSON.parse(JSON.stringify(c.toJSON(value)))), plain(c.body), "", out);
    if (out.length > 0) throw new Error(`written back differently: ${out.join("; ")}`);
    decoded[c.success ? "success" : "failure"] += 1;
  } catch (e) {
    failures.push(`${WHO}: ${c.name}: ${c.schema}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

// Values the spec does not list, in the recordings made for that, decode and stay as sent.
function bodyOf(name: string): any {
  const found = cases.find((c) => c.name === name);
  if (!found) throw new Error(`no recording ${name}`);
  return found.body;
}
try {
  const sent = bodyOf("get_payment.unknown_values");
  const payment = M.PaymentEnvelopeFromJSON(sent).response;
  // The generated type of a status must take a status the spec does not list: with a closed
  // enum this line does not compile.
  const status: M.Payment["status"] = String(sent.response.status);
  const got = [status, payment?.payMethod, payment?.channel, payment?.currency];
  const want = ["pending", "bnpl", "kiosk", "CHF"];
  if (payment?.status !== status || JSON.stringify(got) !== JSON.stringify(want)) {
    throw new Error(`get_payment.unknown_values: decoded ${JSON.stringify(got)}`);
  }
  const receipt = M.ReceiptEnvelopeFromJSON(bodyOf("get_receipt.unknown_type")).response;
  if (receipt?.type !== "self_issued") {
    throw new Error(`get_receipt.unknown_type: type decoded as ${receipt?.type}`);
  }
  console.log(
    `${WHO}: unknown enum values kept: get_payment.unknown_values (status pending, ` +
      "payMethod bnpl, channel kiosk, currency CHF), get_receipt.unknown_type (type self_issued)",
  );
} catch (e) {
  failures.push(`${WHO}: ${e instanceof Error ? e.message : String(e)}`);
}

for (const f of failures) console.log(f);
console.log(
  `${WHO}: ${decoded.success + decoded.failure} of ${cases.length} recordings ` +
    `(${decoded.success} success and ${decoded.failure} failure bodies) decode with XFromJSON ` +
    "and come back from XToJSON as recorded",
);
if (failures.length > 0) process.exitCode = 1;
