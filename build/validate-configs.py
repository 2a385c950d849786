#!/usr/bin/env python3
"""Validates every config.json the end-to-end tests produced against the official runtime-spec
JSON schema (Draft 4).

    python3 build/validate-configs.py SCHEMA_DIR CONFIG_DIR

SCHEMA_DIR holds config-schema.json and the files it refers to (../shared/oci-runtime-spec/schema
in CI). CONFIG_DIR holds the *.json files the tests saved (artifacts/e2e-configs). Exits non-zero
when a file fails, or when there is nothing to check (so a broken collection cannot pass quietly).
"""
import json
import pathlib
import sys

import warnings

import jsonschema

# RefResolver is deprecated in newer jsonschema releases but is what Debian 12's 4.10 offers.
warnings.filterwarnings("ignore", category=DeprecationWarning)


def main() -> int:
    schema_dir = pathlib.Path(sys.argv[1]).resolve()
    config_dir = pathlib.Path(sys.argv[2])
    schema_path = schema_dir / "config-schema.json"
    schema = json.loads(schema_path.read_text())
    # The schema's $refs are relative ("defs.json#/…"): resolve them from the schema's folder.
    resolver = jsonschema.RefResolver(base_uri=schema_path.as_uri(), referrer=schema)
    validator = jsonschema.Draft4Validator(schema, resolver=resolver)

    configs = sorted(config_dir.glob("*.json"))
    if not configs:
        print(f"validate-configs: no config.json files in {config_dir}", file=sys.stderr)
        return 1

    failed = 0
    for path in configs:
        errors = sorted(validator.iter_errors(json.loads(path.read_text())), key=lambda e: list(e.path))
        if errors:
            failed += 1
            print(f"{path.name}: INVALID")
            for error in errors[:5]:
                print(f"  at /{'/'.join(str(p) for p in error.path)}: {error.message}")
    if failed:
        print(f"validate-configs: {failed} of {len(configs)} config.json files do not match the runtime-spec schema")
    else:
        print(f"validate-configs: all {len(configs)} config.json files match the runtime-spec schema (Draft 4)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
