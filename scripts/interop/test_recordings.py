"""Every recording parses into the models that openapi-python-client generated from the spec.

`cargo xtask interop` writes the cases (each recording with the component schema of its
response) to the file named by IAMPORT_INTEROP_CASES and puts the generated package on
PYTHONPATH.
"""

import json
import os

import attrs
import pytest

import iamport_client.models as models

with open(os.environ["IAMPORT_INTEROP_CASES"], encoding="utf-8") as f:
    CASES = json.load(f)


def test_there_are_cases():
    assert len(CASES) >= 40
    assert any(c["success"] for c in CASES)


def raw_dicts(value, path=""):
    """Where a plain dict sits in place of a model.

    For a nullable reference the generated parser falls back to the raw dict when the model
    does not parse, so a successful `from_dict` alone proves nothing.
    """
    if isinstance(value, dict):
        return [path or "/"]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in raw_dicts(v, f"{path}/{i}")]
    if attrs.has(type(value)):
        return [
            p
            for field in attrs.fields(type(value))
            if field.name != "additional_properties"
            for p in raw_dicts(getattr(value, field.name), f"{path}/{field.name}")
        ]
    return []


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_recording_parses_into_the_generated_model(case):
    with open(case["file"], encoding="utf-8") as f:
        body = json.load(f)["response"]["body"]
    model = getattr(models, case["schema"])
    parsed = model.from_dict(body)
    assert parsed.code == body["code"]
    # A success that carries a payload decodes one (an operation that answers nothing useful
    # sends `null`, and decodes nothing).
    if case["success"] and body["response"] is not None:
        assert parsed.response is not None
        assert raw_dicts(parsed.response) == [], "parts that did not parse into models"
        # The generated model writes back exactly what it read: no field lost or retyped.
        assert parsed.to_dict() == body


def payment_body(status):
    """A recorded payment whose status is replaced."""
    case = next(c for c in CASES if c["name"] == "get_payment.card_paid")
    with open(case["file"], encoding="utf-8") as f:
        body = json.load(f)["response"]["body"]
    body["response"]["status"] = status
    return body


def test_an_unknown_status_survives():
    """A status the server added after the spec parses, stays as sent, and round-trips."""
    body = payment_body("pending")
    parsed = models.PaymentEnvelope.from_dict(body)
    assert raw_dicts(parsed.response) == []
    assert parsed.response.status == "pending"
    assert type(parsed.response.status) is str
    assert parsed.to_dict() == body


def test_a_known_status_parses_as_the_same_plain_string():
    # An open enum (x-extensible-enum) is a plain string to openapi-python-client, known
    # values and new ones alike.
    parsed = models.PaymentEnvelope.from_dict(payment_body("paid"))
    assert parsed.response.status == "paid"
    assert type(parsed.response.status) is str


def test_every_open_enum_keeps_an_unknown_value_from_the_recordings():
    case = next(c for c in CASES if c["name"] == "get_payment.unknown_values")
    with open(case["file"], encoding="utf-8") as f:
        body = json.load(f)["response"]["body"]
    payment = models.PaymentEnvelope.from_dict(body).response
    assert (payment.status, payment.pay_method, payment.channel, payment.currency) == (
        "pending",
        "bnpl",
        "kiosk",
        "CHF",
    )
    case = next(c for c in CASES if c["name"] == "get_receipt.unknown_type")
    with open(case["file"], encoding="utf-8") as f:
        body = json.load(f)["response"]["body"]
    assert models.ReceiptEnvelope.from_dict(body).response.type_ == "self_issued"
