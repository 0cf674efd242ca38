"""The reference validator over the spec: openapi-schema-validator's OAS30Validator.

Run by `cargo xtask interop`:

    python reference_validator.py SPEC CASES SEMANTICS

- validates the response body of every recording in CASES (written by the xtask: each
  recording with the component schema of its operation's response for its status) against
  that schema of SPEC;
- holds the validator to the table SEMANTICS (xtask/tests/semantics.json), whose rows the
  project's own validator must also pass (xtask/tests/semantics.rs): both accept and reject
  the same bodies.

Prints one line per failure and a count; exits non-zero on any failure.
"""

import json
import sys

import yaml
from jsonschema.exceptions import best_match
from openapi_schema_validator import OAS30Validator
from openapi_schema_validator._format import oas30_format_checker


def validator(components, schema):
    """A validator of `schema`, whose `$ref`s name `components` (the components/schemas map)."""
    root = dict(schema)
    root["components"] = {"schemas": components}
    return OAS30Validator(root, format_checker=oas30_format_checker)


def errors(components, schema, instance):
    """Why `instance` breaks `schema`, as readable lines; empty when it is valid."""
    found = list(validator(components, schema).iter_errors(instance))
    if not found:
        return []
    best = best_match(found)
    where = "/" + "/".join(str(p) for p in best.absolute_path)
    return [f"{where}: {best.message[:300]}"]


def load_spec(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def check_recordings(spec, cases):
    components = spec["components"]["schemas"]
    failures = []
    for case in cases:
        with open(case["file"], encoding="utf-8") as f:
            body = json.load(f)["response"]["body"]
        schema = {"$ref": f"#/components/schemas/{case['schema']}"}
        for e in errors(components, schema, body):
            failures.append(f"{case['name']}: {case['schema']} {e}")
    return failures


def check_semantics(table):
    failures = []
    counted = 0
    for rule in table["rules"]:
        for key, valid in (("accept", True), ("reject", False)):
            for body in rule[key]:
                counted += 1
                found = errors(table["components"], rule["schema"], body)
                if (not found) != valid:
                    verdict = "accepted" if not found else f"rejected ({found[0]})"
                    failures.append(
                        f"semantics: {rule['rule']}: {json.dumps(body)} should be "
                        f"{key}ed, was {verdict}"
                    )
    return counted, failures


def main(argv):
    spec_path, cases_path, semantics_path = argv[1:4]
    spec = load_spec(spec_path)
    with open(cases_path, encoding="utf-8") as f:
        cases = json.load(f)
    with open(semantics_path, encoding="utf-8") as f:
        table = json.load(f)
    failures = check_recordings(spec, cases)
    counted, semantic_failures = check_semantics(table)
    for line in failures + semantic_failures:
        print(line)
    print(
        f"OAS30Validator: {len(cases) - len(failures)} of {len(cases)} recordings valid; "
        f"{counted - len(semantic_failures)} of {counted} bodies of the semantics table "
        f"judged as the table says"
    )
    return 1 if failures or semantic_failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
