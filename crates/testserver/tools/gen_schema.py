#!/usr/bin/env python3
"""Generates data/schema.json, the structured-merge-diff schema of every built-in
Kubernetes type, from client-go's applyconfigurations/internal/internal.go.

Usage: tools/gen_schema.py PATH/TO/client-go/applyconfigurations/internal/internal.go > data/schema.json

The Go file embeds the schema as YAML (`types:` list); this keeps it as compact JSON,
one object keyed by type name, so the server reads it without a YAML parser.
"""
import json
import sys

import yaml


def main():
    source = open(sys.argv[1], encoding="utf-8").read()
    start = source.index("typed.YAMLObject(`") + len("typed.YAMLObject(`")
    end = source.index("`)", start)
    schema = yaml.safe_load(source[start:end])
    types = {}
    for entry in schema["types"]:
        name = entry.pop("name")
        types[name] = entry
    json.dump(types, sys.stdout, separators=(",", ":"), sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
