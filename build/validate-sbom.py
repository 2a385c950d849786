#!/usr/bin/env python3
"""Validates SPDX 2.3 JSON documents against the official SPDX 2.3 JSON schema, and checks what the
schema cannot: SPDXIDs unique and well-formed, every relationship naming known elements, every file
with a SHA1 (SPDX 2.3 requires it) and a SHA256.

    python3 build/validate-sbom.py SCHEMA SBOM...

SCHEMA is spdx-2.3-schema.json (../shared/reference in CI). Exits non-zero when a document fails, or
when none is given (so a broken caller cannot pass quietly). jsonschema must be installed
(Debian: python3-jsonschema); a missing module is a failure, never a skip.
"""
import json
import re
import sys

import jsonschema

ID = re.compile(r"^SPDXRef-[A-Za-z0-9.\-]+$")


def check(schema, path):
    document = json.loads(open(path, encoding="utf-8").read())
    problems = [f"{'/'.join(str(p) for p in e.absolute_path)}: {e.message}"
                for e in jsonschema.Draft7Validator(schema).iter_errors(document)]
    ids = [document.get("SPDXID")] + [p["SPDXID"] for p in document.get("packages", [])] + [f["SPDXID"] for f in document.get("files", [])]
    problems += [f"bad SPDXID {i!r}" for i in ids if not ID.match(i or "")]
    if len(ids) != len(set(ids)):
        problems.append("duplicate SPDXIDs")
    known = set(ids)
    for r in document.get("relationships", []):
        for key in ("spdxElementId", "relatedSpdxElement"):
            if r[key] not in known:
                problems.append(f"relationship names unknown element {r[key]!r}")
    for f in document.get("files", []):
        algorithms = {c["algorithm"] for c in f.get("checksums", [])}
        if not {"SHA1", "SHA256"} <= algorithms:
            problems.append(f"file {f.get('fileName')!r} lacks SHA1 or SHA256")
    if not any(r["spdxElementId"] == "SPDXRef-DOCUMENT" and r["relationshipType"] == "DESCRIBES" for r in document.get("relationships", [])):
        problems.append("the document DESCRIBES nothing")
    return problems


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    schema = json.loads(open(sys.argv[1], encoding="utf-8").read())
    failed = 0
    for path in sys.argv[2:]:
        problems = check(schema, path)
        for p in problems[:50]:
            print(f"{path}: {p}")
        failed += bool(problems)
        if not problems:
            print(f"{path}: valid SPDX 2.3")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
