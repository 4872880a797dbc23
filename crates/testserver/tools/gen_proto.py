#!/usr/bin/env python3
"""Generates data/proto.json, the protobuf field numbers of every built-in
Kubernetes message, from the `generated.proto` files of k8s.io/api and
k8s.io/apimachinery.

Usage: tools/gen_proto.py FILE.proto... > data/proto.json

Output: one object keyed by fully qualified message name; each message maps a
field number to [name, type, shape], where type is a scalar name or a fully
qualified message name and shape is "" (single), "r" (repeated) or "m:KEY"
(a map, whose value type is `type`).
"""
import json
import re
import sys

FIELD = re.compile(r"^\s*(optional|repeated)\s+([\w.]+)\s+(\w+)\s*=\s*(\d+)")
MAP = re.compile(r"^\s*map<\s*([\w.]+)\s*,\s*([\w.]+)\s*>\s+(\w+)\s*=\s*(\d+)")
SCALARS = {"string", "bytes", "bool", "int32", "int64", "uint32", "uint64", "double", "float", "fixed32", "fixed64"}


def qualify(package, type_name):
    if type_name in SCALARS:
        return type_name
    if type_name.startswith("."):
        return type_name[1:]
    return package + "." + type_name


def parse(path, out):
    package = ""
    message = None
    depth = 0
    for line in open(path, encoding="utf-8"):
        stripped = line.strip()
        if stripped.startswith("//"):
            continue
        if stripped.startswith("package "):
            package = stripped[len("package "):].rstrip(";").strip()
            continue
        if stripped.startswith("message ") and depth == 0:
            message = package + "." + stripped.split()[1]
            out[message] = {}
        if message is not None and depth == 1:
            m = MAP.match(line)
            if m:
                out[message][m.group(4)] = [m.group(3), qualify(package, m.group(2)), "m:" + m.group(1)]
            else:
                f = FIELD.match(line)
                if f:
                    shape = "r" if f.group(1) == "repeated" else ""
                    out[message][f.group(4)] = [f.group(3), qualify(package, f.group(2)), shape]
        depth += stripped.count("{") - stripped.count("}")
        if depth == 0:
            message = None


def main():
    out = {}
    for path in sys.argv[1:]:
        parse(path, out)
    json.dump(out, sys.stdout, separators=(",", ":"), sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
