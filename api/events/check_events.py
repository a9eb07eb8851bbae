#!/usr/bin/env python3
"""Checks the event contracts in api/events/ against the code (ctest `events_schemas_check`).

  python3 api/events/check_events.py [SOURCE_ROOT]

1. Every `<type>.v<N>.json` here is a JSON Schema (draft 2020-12) with $schema, $id, title, `type: object`,
   `additionalProperties: false`, a version property (`v`, or `version` for the legacy user.registered) that is
   `const` N, and at least one example.
2. Every event type the services emit has a schema. Emitted types are found in the C++ sources:
   - string literals "<family>.<name>" in services/*/src/events/*.cpp;
   - literals in statements under services/*/src that append to an outbox (`Append(`, `events::Of(`,
     `k…Outbox…` insert statements) or pick an event type (`type = …`);
   - the event column of Rules() in services/orders/src/domain/lifecycle.cpp.
   An append whose type is not a literal must be one of the KNOWN_DYNAMIC sites below (which say how they are
   covered); a new dynamic site fails the check until it is listed here.
   For users' `events::Of("type", "key", id[, "key2", id2])` the payload keys must be the schema's properties.
3. If python3-jsonschema is importable, each schema is checked against the 2020-12 metaschema and each of its
   examples validated against it.
Exits 1 with one line per problem.
"""
import json
import pathlib
import re
import sys

DRAFT = "https://json-schema.org/draft/2020-12/schema"
FILE_RE = re.compile(r"^([a-z][a-z_]*\.[a-z][a-z_]*)\.v([1-9][0-9]*)\.json$")
TYPE_LIT = re.compile(r'"([a-z][a-z_]*\.[a-z][a-z_]*)"')
APPEND_HINT = re.compile(r"\bAppend\(|\bevents::Of\(|\bk\w*Outbox\w*\b|\btype\s*=")
# Calls that append an event, with their type argument: outbox->Append(tx, TYPE, ...), events::Of(TYPE, ...),
# tx.Execute(store::k...Outbox..., id, TYPE, ...).
CALL_RES = [
    re.compile(r"->Append\(\s*\w+\s*,\s*([^,]+?)\s*,"),
    re.compile(r"\bevents::Of\(\s*([^,]+?)\s*,"),
    re.compile(r"Execute\(\s*store::k\w*Outbox\w*\s*,\s*[^,]+,\s*([^,]+?)\s*,"),
]
# Appends whose type is an expression, and where the check finds the types they can take.
KNOWN_DYNAMIC = {
    ("services/orders/src/api/orders.cpp", "std::string(t.event)"): "the event column of Rules() (lifecycle.cpp)",
    ("services/users/src/api/riders.cpp", "type"): "the literals of the `type = …` statement before it",
    ("services/users/src/events/outbox.cpp", "event.type"): "users' Append(tx, Of(…)): its callers' Of() literals",
    ("services/delivery/src/api/deliveries.cpp", "std::string(m.event)"):
        "the event column of Moves() (services/delivery/src/domain/lifecycle.cpp), listed in kEmitted "
        "(services/delivery/src/events/events.cpp)",
}
OF_KEYS = re.compile(r'events::Of\(\s*"([a-z_]+\.[a-z_]+)"\s*,\s*"(\w+)"\s*,\s*[^,()]+(?:\([^()]*\))?'
                     r'(?:\s*,\s*"(\w+)"\s*,\s*[^,()]+(?:\([^()]*\))?)?\s*\)')
RULE_ROW = re.compile(r'\{\{\s*"(\w+)"\s*,\s*"(\w+)"\s*,\s*StockEffect::k\w+\s*,\s*"([a-z_.]*)"')


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def statements(text):
    """C++ text split roughly into statements (good enough for calls and declarations)."""
    return [s for s in re.split(r"[;{}]", text) if s.strip()]


def check_schemas(events_dir, problems):
    schemas = {}
    files = sorted(events_dir.glob("*.json"))
    if not files:
        problems.append(f"{events_dir}: no schema files")
    for f in files:
        m = FILE_RE.match(f.name)
        if not m:
            problems.append(f"{f.name}: name must be <family>.<name>.v<N>.json")
            continue
        type_, version = m.group(1), int(m.group(2))
        try:
            s = json.loads(f.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            problems.append(f"{f.name}: not valid JSON: {e}")
            continue
        if not isinstance(s, dict):
            problems.append(f"{f.name}: the schema must be a JSON object")
            continue
        if s.get("$schema") != DRAFT:
            problems.append(f"{f.name}: $schema must be {DRAFT}")
        if not isinstance(s.get("$id"), str) or not s["$id"].endswith("/" + f.name):
            problems.append(f"{f.name}: $id must be a URI ending in /{f.name}")
        if s.get("title") != f"{type_} v{version}":
            problems.append(f"{f.name}: title must be \"{type_} v{version}\"")
        if s.get("type") != "object":
            problems.append(f"{f.name}: type must be \"object\"")
        if s.get("additionalProperties") is not False:
            problems.append(f"{f.name}: additionalProperties must be false")
        props = s.get("properties") or {}
        required = s.get("required") or []
        vkey = "version" if "version" in props and "v" not in props else "v"
        if props.get(vkey, {}).get("const") != version or vkey not in required:
            problems.append(f"{f.name}: property \"{vkey}\" must be required and const {version}")
        for r in required:
            if r not in props:
                problems.append(f"{f.name}: required \"{r}\" is not a property")
        if not isinstance(s.get("examples"), list) or not s["examples"]:
            problems.append(f"{f.name}: needs at least one example payload in \"examples\"")
        schemas.setdefault(type_, {})[version] = (f.name, s)
    return schemas


def emitted_types(root, problems):
    """{type: [where…]} for every event type the services emit, plus users' Of() payload keys."""
    found = {}
    of_keys = {}

    def add(t, where):
        found.setdefault(t, []).append(where)

    for src in sorted(root.glob("services/*/src/**/*.cpp")):
        rel = src.relative_to(root).as_posix()
        text = strip_comments(src.read_text(encoding="utf-8"))
        in_events_dir = "/src/events/" in rel
        for stmt in statements(text):
            if in_events_dir:
                for t in TYPE_LIT.findall(stmt):
                    add(t, rel)
            if not APPEND_HINT.search(stmt):
                continue
            for t in TYPE_LIT.findall(stmt):
                add(t, rel)
            for call in CALL_RES:
                for arg in call.findall(stmt):
                    arg = arg.strip()
                    if TYPE_LIT.fullmatch(arg):
                        continue
                    if (rel, arg) not in KNOWN_DYNAMIC:
                        problems.append(f"{rel}: an event is appended with the type `{arg}`, which this check cannot "
                                        "read; use a string literal or list the site in KNOWN_DYNAMIC "
                                        "(api/events/check_events.py)")
        for m in OF_KEYS.finditer(text):
            of_keys.setdefault(m.group(1), set()).add(frozenset(k for k in m.group(2, 3) if k))

    lifecycle = root / "services/orders/src/domain/lifecycle.cpp"
    if lifecycle.exists():
        rows = RULE_ROW.findall(strip_comments(lifecycle.read_text(encoding="utf-8")))
        if not rows:
            problems.append(f"{lifecycle.relative_to(root)}: found no rows in Rules(); update RULE_ROW in this check")
        for _from, _to, event in rows:
            if event:
                add(event, "services/orders/src/domain/lifecycle.cpp Rules()")
    return found, of_keys


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parents[2])
    events_dir = root / "api" / "events"
    problems = []

    schemas = check_schemas(events_dir, problems)
    emitted, of_keys = emitted_types(root, problems)
    if not emitted:
        problems.append("found no emitted event types under services/*/src: is the source root right?")

    for t in sorted(emitted):
        if t not in schemas:
            where = ", ".join(sorted(set(emitted[t])))
            problems.append(f"{t}: emitted ({where}) but has no schema: add api/events/{t}.v1.json")
    for t, key_sets in sorted(of_keys.items()):
        if t not in schemas:
            continue
        name, s = schemas[t][max(schemas[t])]
        props = set(s.get("properties", {})) - {"v"}
        for keys in key_sets:
            if set(keys) != props:
                problems.append(f"{name}: events::Of(\"{t}\", …) builds keys {sorted(keys)}, "
                                f"the schema has {sorted(props)}")

    try:
        import jsonschema  # python3-jsonschema
    except ImportError:
        jsonschema = None
    validated = 0
    if jsonschema is not None:
        v_cls = jsonschema.Draft202012Validator
        for t, versions in sorted(schemas.items()):
            for _, (name, s) in sorted(versions.items()):
                try:
                    v_cls.check_schema(s)
                except jsonschema.exceptions.SchemaError as e:
                    problems.append(f"{name}: not a valid 2020-12 schema: {e.message}")
                    continue
                validator = v_cls(s, format_checker=v_cls.FORMAT_CHECKER)
                for i, example in enumerate(s.get("examples") or []):
                    for err in validator.iter_errors(example):
                        path = "/".join(str(p) for p in err.absolute_path) or "(payload)"
                        problems.append(f"{name}: examples[{i}] {path}: {err.message}")
                    validated += 1

    contract_only = sorted(t for t in schemas if t not in emitted)
    print(f"events: {sum(len(v) for v in schemas.values())} schemas, {len(emitted)} types emitted by the code "
          f"({', '.join(sorted(emitted))})")
    print(f"events: contracts not emitted yet: {', '.join(contract_only) if contract_only else 'none'}")
    if jsonschema is None:
        print("events: python3-jsonschema not installed: examples not validated")
    else:
        print(f"events: {validated} examples validated")
    if problems:
        for p in problems:
            print(f"FAIL {p}", file=sys.stderr)
        print(f"events: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print("events: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
