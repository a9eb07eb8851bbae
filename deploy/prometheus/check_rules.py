#!/usr/bin/env python3
"""Checks deploy/prometheus/*.rules.yml: valid YAML in Prometheus' rule-file shape (groups → rules with alert,
expr, labels.severity, annotations.summary), and every okada_* metric an expression names is registered somewhere
in the C++ sources (so a renamed metric cannot silently disable an alert).

Usage: check_rules.py REPO_ROOT"""
import pathlib
import re
import sys

import yaml

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
sources = "\n".join(p.read_text(errors="replace") for d in ("services", "core") for p in (root / d).rglob("*.cpp"))
registered = set(re.findall(r'"(okada_[a-z0-9_]+)"', sources))
problems = []
files = sorted((root / "deploy" / "prometheus").glob("*.rules.yml"))
if not files:
    problems.append("no deploy/prometheus/*.rules.yml")
alerts = 0
for f in files:
    doc = yaml.safe_load(f.read_text())
    for g in doc.get("groups", []):
        for r in g.get("rules", []):
            alerts += 1
            where = f"{f.name}: {r.get('alert', '?')}"
            for key in ("alert", "expr"):
                if not r.get(key):
                    problems.append(f"{where}: no {key}")
            if not (r.get("labels") or {}).get("severity"):
                problems.append(f"{where}: no labels.severity")
            if not (r.get("annotations") or {}).get("summary"):
                problems.append(f"{where}: no annotations.summary")
            for m in re.findall(r"\b(okada_[a-z0-9_]+)", str(r.get("expr", ""))):
                base = re.sub(r"_(bucket|sum|count)$", "", m)
                if base not in registered and m not in registered:
                    problems.append(f"{where}: metric {m} is not registered by the code")
for p in problems:
    print("FAIL", p)
print(f"prometheus rules: {len(files)} file(s), {alerts} alert(s), {len(problems)} problem(s)")
sys.exit(1 if problems else 0)
