#!/usr/bin/env python3
"""Prints api/routes.inc as the JSON array `okada routes --json` prints.

Each OKADA_ROUTE(METHOD, "pattern", "service", "who", "rate-class") row becomes
{"method": ..., "pattern": ..., "service": ..., "who": ..., "rate_class": ...}, in table order, so that
api/check_openapi.py can run before the binary exists:

    python3 api/check_openapi.py api/openapi.yaml <(python3 api/routes_from_table.py)

Usage: routes_from_table.py [ROUTES_INC]   (default: routes.inc next to this script)
"""
import json
import os
import re
import sys

ROW = re.compile(
    r'^\s*OKADA_ROUTE\(\s*([A-Z]+)\s*,\s*"([^"]*)"\s*,\s*"([^"]*)"\s*,\s*"([^"]*)"\s*,\s*"([^"]*)"\s*\)\s*(//.*)?$'
)


def parse(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            stripped = line.strip()
            if not stripped.startswith("OKADA_ROUTE("):
                continue  # comments, blank lines; a row mentioned inside a comment starts with //
            m = ROW.match(line)
            if not m:
                raise ValueError(f"{path}:{lineno}: cannot parse: {stripped}")
            method, pattern, service, who, rate_class = m.group(1, 2, 3, 4, 5)
            rows.append({"method": method, "pattern": pattern, "service": service, "who": who,
                         "rate_class": rate_class})
    return rows


def main(argv):
    if len(argv) > 2 or (len(argv) == 2 and argv[1] in ("-h", "--help")):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    path = argv[1] if len(argv) == 2 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "routes.inc")
    try:
        rows = parse(path)
    except (OSError, ValueError) as e:
        print(f"routes_from_table: {e}", file=sys.stderr)
        return 2
    json.dump(rows, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
