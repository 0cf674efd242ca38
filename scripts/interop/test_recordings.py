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
    if case["success"]:
        assert parsed.response is not None
        assert raw_dicts(parsed.response) == [], "parts that did not parse into models"
        # The generated model writes back exactly what it read: no field lost or retyped.
        assert parsed.to_dict() == body
