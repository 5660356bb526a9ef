#!/usr/bin/env python3
"""Validate SARIF files against the official SARIF 2.1.0 JSON schema.

Usage: scripts/validate-sarif.py FILE.sarif [...]

The schema is vendored at tests/schemas/sarif-2.1.0-rtm.5.json (see tests/schemas/NOTICE).
Needs the `jsonschema` package (pip install jsonschema). Exit codes: 0 valid, 1 invalid,
3 jsonschema is not installed (the Rust test treats that as "skipped").
"""
import json
import pathlib
import sys

try:
    import jsonschema
except ImportError:
    print("the Python package `jsonschema` is not installed", file=sys.stderr)
    sys.exit(3)

SCHEMA = pathlib.Path(__file__).resolve().parent.parent / "tests" / "schemas" / "sarif-2.1.0-rtm.5.json"


def main(paths):
    schema = json.loads(SCHEMA.read_text())
    validator = jsonschema.Draft4Validator(schema)
    failed = False
    for p in paths:
        doc = json.loads(pathlib.Path(p).read_text())
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
        for e in errors[:20]:
            where = "/".join(str(x) for x in e.path)
            print(f"{p}: /{where}: {e.message}")
        if errors:
            failed = True
        else:
            print(f"{p}: valid SARIF 2.1.0")
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
