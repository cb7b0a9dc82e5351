#!/usr/bin/env python3
"""Writes JSONL records (stdin) as one block YAML list (stdout), one `- id: …` item a record,
for benchmarking the YAML reader. Standard library only; streams line by line.

    scripts/jsonl-to-yaml.py < records.jsonl > records.yaml
"""
import json
import re
import sys

PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_./-]*$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Plain words YAML 1.1 would read as something other than a string.
RESERVED = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"}


def scalar(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, (int, float)):
        return json.dumps(v)
    if (PLAIN.match(v) and v.lower() not in RESERVED) or DATE.match(v):
        return v
    return json.dumps(v)  # a JSON string is a YAML double-quoted scalar


def emit(v, indent, out):
    pad = " " * indent
    if isinstance(v, dict):
        for k, x in v.items():
            if isinstance(x, (dict, list)) and x:
                out.append(f"{pad}{k}:")
                emit(x, indent + 2, out)
            elif isinstance(x, (dict, list)):
                out.append(f"{pad}{k}: {json.dumps(x)}")
            else:
                out.append(f"{pad}{k}: {scalar(x)}")
    else:
        for x in v:
            if isinstance(x, dict) and x:
                item = []
                emit(x, indent + 2, item)
                item[0] = pad + "- " + item[0][indent + 2 :]
                out.extend(item)
            elif isinstance(x, (dict, list)):
                out.append(f"{pad}- {json.dumps(x)}")
            else:
                out.append(f"{pad}- {scalar(x)}")


for line in sys.stdin:
    if line.strip():
        out = []
        emit([json.loads(line)], 0, out)
        sys.stdout.write("\n".join(out) + "\n")
