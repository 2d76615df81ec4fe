"""HAR 1.2 validity, against the schema kept beside this module (tests/support/har_schema)."""

import json
from pathlib import Path

from jsonschema import Draft6Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT6

SCHEMAS = Path(__file__).resolve().parent / "har_schema"


def har_validator() -> Draft6Validator:
    resources = []
    for path in SCHEMAS.glob("*.json"):
        schema = json.loads(path.read_text())
        resources.append((path.name, Resource.from_contents(schema, default_specification=DRAFT6)))
        resources.append(
            (schema["$id"].rstrip("#"), Resource.from_contents(schema, default_specification=DRAFT6))
        )
    registry = Registry().with_resources(resources)
    return Draft6Validator(json.loads((SCHEMAS / "har.json").read_text()), registry=registry)


def assert_valid_har(har: dict) -> None:
    errors = sorted(har_validator().iter_errors(har), key=str)
    assert errors == [], "\n".join(f"{list(e.path)}: {e.message}" for e in errors)
