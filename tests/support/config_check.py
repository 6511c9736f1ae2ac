#!/usr/bin/env python3
"""Reads back and validates files written by `hotpath disagg-config` (used by tests/core/disagg).

  config_check.py tojson FILE           the YAML document of FILE as JSON on stdout
  config_check.py shellsplit FILE       the commands of a shell script as a JSON list of word lists
                                        (comments dropped, continuations joined, POSIX quoting, "&" off)
  config_check.py validate SCHEMA FILE  JSON-Schema (draft-07) validation of FILE's YAML document:
                                        SCHEMA is a JSON schema, or a gzip'ed CustomResourceDefinition
                                        (*.crd.yaml.gz) whose version matching FILE's apiVersion is used.
                                        Prints one "path: message" line per error; exit 1 when any.
Needs Debian's python3-yaml and python3-jsonschema.
"""
import gzip
import hashlib
import json
import os
import shlex
import sys
import tempfile

import jsonschema
import yaml

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(path):
    with open(path, "rb") as f:
        return yaml.load(f, Loader=Loader)


def schema_for(schema_path, doc):
    if schema_path.endswith(".crd.yaml.gz"):
        version = str(doc.get("apiVersion", "")).split("/")[-1]
        # Reading the 1.6 MB CRD takes seconds: keep each version's schema as JSON in the temp dir.
        key = hashlib.sha1(f"{os.path.abspath(schema_path)}:{os.path.getmtime(schema_path)}".encode()).hexdigest()
        cache = os.path.join(tempfile.gettempdir(), f"hotpath_crd_{key[:16]}_{version}.json")
        if os.path.exists(cache):
            with open(cache, "rb") as f:
                return json.load(f)
        with gzip.open(schema_path, "rb") as f:
            crd = yaml.load(f, Loader=Loader)
        for v in crd["spec"]["versions"]:
            if v["name"] == version:
                schema = v["schema"]["openAPIV3Schema"]
                tmp = f"{cache}.{os.getpid()}"
                with open(tmp, "w") as f:
                    json.dump(schema, f)
                os.replace(tmp, cache)
                return schema
        sys.exit(f"{schema_path}: no version {version!r} in the CRD")
    with open(schema_path, "rb") as f:
        return json.load(f)


def main(argv):
    if len(argv) == 3 and argv[1] == "tojson":
        json.dump(load(argv[2]), sys.stdout)
        return 0
    if len(argv) == 3 and argv[1] == "shellsplit":
        with open(argv[2], encoding="utf-8") as f:
            text = f.read().replace("\\\n", " ")
        commands = []
        for line in text.splitlines():
            words = shlex.split(line, comments=True, posix=True)
            if words and words[-1] == "&":
                words.pop()
            if words:
                commands.append(words)
        json.dump(commands, sys.stdout)
        return 0
    if len(argv) == 4 and argv[1] == "validate":
        doc = load(argv[3])
        validator = jsonschema.Draft7Validator(schema_for(argv[2], doc))
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        for e in errors:
            print("/".join(str(p) for p in e.absolute_path) + ": " + e.message)
        print(f"{len(errors)} errors")
        return 1 if errors else 0
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
