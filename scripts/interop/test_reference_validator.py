"""The reference validator (openapi-schema-validator, OAS30Validator) refuses broken bodies.

`reference_validator.py` shows that it accepts every recording; these cases show that it is
not accepting everything: a broken body, and the spec's former lenient nullable encoding.
"""

import copy
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

import reference_validator as rv  # noqa: E402

SPEC = rv.load_spec(os.environ["IAMPORT_INTEROP_SPEC"])
with open(os.environ["IAMPORT_INTEROP_CASES"], encoding="utf-8") as f:
    CASES = {c["name"]: c for c in json.load(f)}


def body_of(name):
    with open(CASES[name]["file"], encoding="utf-8") as f:
        return json.load(f)["response"]["body"]


def check(components, schema_name, body):
    return rv.errors(components, {"$ref": f"#/components/schemas/{schema_name}"}, body)


def test_a_recorded_payment_is_valid():
    assert check(SPEC["components"]["schemas"], "PaymentEnvelope", body_of("get_payment.card_paid")) == []


def test_a_wrong_type_is_refused():
    body = body_of("get_payment.card_paid")
    body["response"]["amount"] = "32,000"
    assert check(SPEC["components"]["schemas"], "PaymentEnvelope", body) != []


def test_a_missing_required_field_is_refused():
    body = body_of("get_payment.card_paid")
    del body["response"]["merchant_uid"]
    assert check(SPEC["components"]["schemas"], "PaymentEnvelope", body) != []


def test_a_number_for_an_open_enum_is_refused_and_a_new_string_accepted():
    components = SPEC["components"]["schemas"]
    body = body_of("get_payment.card_paid")
    body["response"]["status"] = "pending"
    assert check(components, "PaymentEnvelope", body) == []
    body["response"]["status"] = 5
    assert check(components, "PaymentEnvelope", body) != []


def test_the_lenient_nullable_encoding_is_refused_under_strict_semantics():
    # `nullable: true` beside `allOf: [$ref]` does not admit null under OpenAPI 3.0.3.
    components = copy.deepcopy(SPEC["components"]["schemas"])
    components["PaymentBalanceEnvelope"]["properties"]["response"] = {
        "description": "The payload when `code` is `0`; `null` otherwise.",
        "nullable": True,
        "allOf": [{"$ref": "#/components/schemas/PaymentBalance"}],
    }
    body = body_of("get_payment_balance.refused")
    assert body["response"] is None
    assert check(components, "PaymentBalanceEnvelope", body) != []
    assert check(SPEC["components"]["schemas"], "PaymentBalanceEnvelope", body) == []
