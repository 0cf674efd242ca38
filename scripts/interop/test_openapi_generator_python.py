"""Every recording decodes into the models of openapi-generator's `python` client.

`cargo xtask interop` generates the client (package `iamport_openapi`, pydantic models) from
the spec, puts it on PYTHONPATH, and writes the cases (each recording with the component
schema of its response) to the file named by IAMPORT_INTEROP_CASES. Each recorded body goes
through the generated model's own `from_json`, and `to_dict` must give the same JSON back.
"""

import json
import os

import pydantic
import pytest

import iamport_openapi.models as models

with open(os.environ["IAMPORT_INTEROP_CASES"], encoding="utf-8") as f:
    CASES = json.load(f)


def body_of(name):
    case = next(c for c in CASES if c["name"] == name)
    with open(case["file"], encoding="utf-8") as f:
        return json.load(f)["response"]["body"]


def plain(value):
    """JSON as the generated models write it back, for comparison with what was sent.

    The generated `from_dict` sets every field it knows, so `to_dict` writes `null` for a
    nullable field that was absent: a member whose value is `null` is dropped on both sides,
    and only null-or-absent is left out of the comparison. `format: password` fields come
    back as pydantic `SecretStr`, compared by their secret.
    """
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, pydantic.SecretStr):
        return value.get_secret_value()
    return value


def test_there_are_cases():
    assert len(CASES) >= 40
    assert any(c["success"] for c in CASES)
    assert any(not c["success"] for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_recording_decodes_into_the_generated_model(case):
    with open(case["file"], encoding="utf-8") as f:
        body = json.load(f)["response"]["body"]
    model = getattr(models, case["schema"])
    parsed = model.from_json(json.dumps(body, ensure_ascii=False))
    assert isinstance(parsed, model)
    assert parsed.code == body["code"]
    # A success that carries a payload decodes one (an operation that answers nothing useful
    # sends `null`, and decodes nothing).
    if case["success"] and body["response"] is not None:
        assert parsed.response is not None
    # No field lost, retyped or added.
    assert plain(parsed.to_dict()) == plain(body)


def test_unknown_enum_values_decode_and_stay_as_sent():
    """The recordings made for it carry values the spec does not list."""
    payment = models.PaymentEnvelope.from_json(
        json.dumps(body_of("get_payment.unknown_values"))
    ).response
    assert (payment.status, payment.pay_method, payment.channel, payment.currency) == (
        "pending",
        "bnpl",
        "kiosk",
        "CHF",
    )
    assert type(payment.status) is str
    receipt = models.ReceiptEnvelope.from_json(
        json.dumps(body_of("get_receipt.unknown_type"))
    ).response
    assert receipt.type == "self_issued"


def test_a_request_only_enum_stays_closed_and_takes_its_names_from_the_spec():
    # x-enum-varnames names the members.
    assert models.Sorting("-paid") is models.Sorting.PaidDesc
    with pytest.raises(ValueError):
        models.Sorting("-random")
