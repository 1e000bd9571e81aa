"""Validates the server's OpenAPI document against the official OpenAPI 3.1
schema (as openapi-spec-validator ships it), offline: the document's own
references are not followed (ninjs' refers to GeoJSON on the web), only its
structure is checked. Usage: validate_openapi.py http://127.0.0.1:PORT"""

import json
import sys
import urllib.request

import jsonschema
from openapi_spec_validator.schemas import schema_v31


def main(base: str) -> int:
    with urllib.request.urlopen(f"{base}/v1/openapi.json") as response:
        document = json.load(response)
    validator = jsonschema.Draft202012Validator(schema_v31)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    for error in errors:
        print(f"{'/'.join(map(str, error.path))}: {error.message}", file=sys.stderr)
    # The check must be able to fail: a broken copy is refused.
    broken = dict(document, paths={"no-leading-slash": {}})
    if not list(validator.iter_errors(broken)):
        print("the meta-schema accepted a broken document", file=sys.stderr)
        return 1
    print(f"OpenAPI {document['openapi']}: valid, {len(document['paths'])} paths")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
