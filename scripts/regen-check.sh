#!/usr/bin/env bash
# Proof that the spec decides the public types and an operation's other facts, in a copy of the
# workspace:
# 1. adds a property to the spec's Payment and removes another, then compiles code that reads
#    the new field, and code that reads the removed one (which must fail). No Rust file of the
#    crate is edited.
# 2. adds a whole operation to the spec (a path with a limited id, a request body, an open enum
#    in the request and the answer) and a facade method of a few lines, and runs a program
#    that shows: the enum decodes known and unknown values, a too-long id is refused before
#    anything is sent, a stub taken from the call matches the client's request and no other,
#    and a lost answer names the ids it was sent with. No other Rust edit.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
copy=target/regen-check
rm -rf "$copy"
mkdir -p "$copy"
cp -r Cargo.toml Cargo.lock build.rs build src spec README.md xtask benches examples tests "$copy"/
python3 - "$copy/spec/iamport.yaml" <<'PY'
import sys
path = sys.argv[1]
spec = open(path).read()
anchor = "        imp_uid:\n          type: string\n          description: i'mport's id of the payment"
assert anchor in spec, "the Payment schema moved"
added = ("        card_bin:\n          type: string\n          nullable: true\n"
         "          description: The first six digits of the card.\n")
spec = spec.replace(anchor, added + anchor, 1)
removed = "        customer_uid_usage:\n"
start = spec.index(removed)
end = spec.index("        promotion:\n", start)
spec = spec[:start] + spec[end:]
open(path, "w").write(spec)
PY
mkdir -p "$copy/examples"
cat > "$copy/examples/regen.rs" <<'RS'
fn main() {
    let p: iamport::Payment = serde_json::from_str(include_str!("../spec/recordings/get_payment.card_paid.json"))
        .map(|r: serde_json::Value| serde_json::from_value(r["response"]["body"]["response"].clone()).unwrap())
        .unwrap();
    let bin: Option<String> = p.card_bin;
    println!("card_bin = {bin:?}");
}
RS
# A target directory of its own: cargo gives a copied workspace the same artifact hashes as the
# original, so sharing `target/` would let the edited copy's library stand in for the real one.
export CARGO_TARGET_DIR="$root/target/regen-check-target"
(cd "$copy" && cargo run --quiet --example regen)
cat > "$copy/examples/regen.rs" <<'RS'
fn main() {
    let p: Option<iamport::Payment> = None;
    let _ = p.map(|p| p.customer_uid_usage);
}
RS
if (cd "$copy" && cargo check --quiet --example regen 2> "$root/target/regen-check.log"); then
  echo "a property removed from the spec is still a field" >&2
  exit 1
fi
grep -q "no field \`customer_uid_usage\`" "$root/target/regen-check.log"
echo "regeneration: card_bin added and customer_uid_usage removed by a spec edit alone"

# 2. A new operation: the spec entry and a facade method, nothing else.
python3 - "$copy/spec/iamport.yaml" <<'PY'
import sys
path = sys.argv[1]
spec = open(path).read()
paths_anchor = "  /receipts/{imp_uid}:\n"
assert paths_anchor in spec, "the receipts path moved"
operation = """  /deliveries/{imp_uid}:
    post:
      operationId: register_delivery
      tags: [payments]
      summary: Register the delivery of a payment (a made-up operation)
      description: Registers the carrier and invoice of a delivery.
      parameters:
        - $ref: "#/components/parameters/ImpUidPath"
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: "#/components/schemas/ShippingRequest"
      responses:
        "200":
          description: The shipping as registered, or a non-zero `code` with a message.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/ShippingEnvelope"
        "401":
          $ref: "#/components/responses/Unauthorized"
"""
spec = spec.replace(paths_anchor, operation + paths_anchor, 1)
schemas_anchor = "    ReceiptEnvelope:\n"
assert schemas_anchor in spec, "the receipt envelope moved"
schemas = """    Carrier:
      type: string
      description: A delivery company. The server may add values.
      x-extensible-enum: [CJGLS, EPOST]
      x-enum-varnames: [CjGls, Epost]
      x-enum-descriptions:
        - "CJ Logistics."
        - "Korea Post."
    ShippingRequest:
      type: object
      description: The delivery of an escrow payment.
      required: [merchant_uid, company, invoice]
      properties:
        merchant_uid:
          type: string
          minLength: 1
          maxLength: 40
          description: The order the payment is for.
        company:
          description: The carrier.
          allOf:
            - $ref: "#/components/schemas/Carrier"
        invoice:
          type: string
          minLength: 1
          maxLength: 20
          description: The carrier's invoice number.
    Shipping:
      type: object
      description: A registered delivery.
      required: [company, invoice]
      properties:
        company:
          description: The carrier.
          allOf:
            - $ref: "#/components/schemas/Carrier"
        invoice:
          type: string
          description: The carrier's invoice number.
    ShippingEnvelope:
      type: object
      description: Envelope around a registered delivery.
      required: [code]
      properties:
        code:
          type: integer
          format: int64
          description: "`0` on success."
        message:
          type: string
          nullable: true
          description: "`null` on success; on failure a reason."
        response:
          description: The payload when `code` is `0`; `null` otherwise.
          anyOf:
            - $ref: "#/components/schemas/Shipping"
            - nullable: true
              enum: [null]
"""
spec = spec.replace(schemas_anchor, schemas + schemas_anchor, 1)
open(path, "w").write(spec)
PY
# The facade method, in an existing file of the facade.
cat >> "$copy/src/api/receipts.rs" <<'RS'

impl Client {
    /// Registers the delivery of a payment (`POST /deliveries/{imp_uid}`).
    pub async fn register_delivery(
        &self,
        imp_uid: &str,
        request: crate::types::ShippingRequest,
    ) -> Result<crate::types::Shipping> {
        self.call(|| self.api.register_delivery(imp_uid, &request)).await
    }
}
RS
cat > "$copy/examples/regen.rs" <<'RS'
use iamport::{Carrier, types::{Shipping, ShippingRequest}, testing::MockIamport};
use serde_json::json;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    // The open enum: a known value and one the server added later, both kept.
    let known: Shipping = serde_json::from_value(json!({"company": "EPOST", "invoice": "1"})).unwrap();
    assert_eq!(known.company, Carrier::Epost);
    let added: Shipping = serde_json::from_value(json!({"company": "HANJIN", "invoice": "2"})).unwrap();
    assert_eq!(added.company.as_str(), "HANJIN");
    assert_eq!(serde_json::to_value(&added).unwrap()["company"], "HANJIN");

    let mock = MockIamport::start().await;
    let client = mock.client();
    let request = || ShippingRequest::new("order-1", Carrier::CjGls, "6000-1234");

    // A too-long id is refused before anything is sent, not even a token exchange.
    let err = client.register_delivery(&"x".repeat(33), request()).await.unwrap_err();
    assert!(err.is_invalid_input(), "{err}");
    assert_eq!(mock.token_mock().calls(), 0);

    // A stub taken from the call answers that request and no other.
    let shipped = json!({"company": "CJGLS", "invoice": "6000-1234"});
    let stub = mock.when(client.register_delivery("imp_1", request())).ok(&shipped);
    let answer = client.register_delivery("imp_1", request()).await.unwrap();
    assert_eq!(answer.company, Carrier::CjGls);
    let other = ShippingRequest::new("order-1", Carrier::Epost, "6000-1234");
    let err = client.register_delivery("imp_1", other).await.unwrap_err();
    assert!(err.to_string().contains("no stub for POST /deliveries/imp_1"), "{err}");
    stub.assert_calls(1);

    // A lost answer names the ids the change was sent with.
    let lost = mock
        .when(client.register_delivery("imp_2", request()))
        .respond(504, json!({}));
    let err = client.register_delivery("imp_2", request()).await.unwrap_err();
    assert!(err.is_outcome_unknown(), "{err}");
    let attempted = err.attempted().unwrap();
    assert_eq!(attempted.operation, "register_delivery");
    assert_eq!(attempted.imp_uid.as_deref(), Some("imp_2"));
    assert_eq!(attempted.merchant_uid.as_deref(), Some("order-1"));
    lost.assert_calls(1);
    println!("register_delivery: enum, limits, stub and lost answer from the spec entry");
}
RS
(cd "$copy" && cargo run --quiet --features testing --example regen)
echo "regeneration: an operation added to the spec with a facade method alone"
