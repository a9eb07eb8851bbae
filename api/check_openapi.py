#!/usr/bin/env python3
"""Checks api/openapi.yaml against the router's routes (the route x role table).

Usage:
    check_openapi.py SPEC ROUTES_JSON [--error-codes ERROR_CODES_INC]

ROUTES_JSON is the output of `okada routes --json`: a JSON array of
{"method": "GET", "pattern": "/v1/x/{id}", "service": "auth", "who": "public", "rate_class": ""}.
Before the binary exists, use the table itself:

    python3 api/check_openapi.py api/openapi.yaml <(python3 api/routes_from_table.py)

Checks:
  * `openapi` is "3.1.0";
  * the set of (METHOD, path) in the spec equals the set in ROUTES_JSON (differences printed both ways);
  * every operation's `x-okada-roles` equals `who` split on `|`, and `x-okada-rate-class` equals `rate_class`
    (absent when empty);
  * every operation has a unique operationId, a summary, responses, tags, and a `security` matching `who`
    ([] for public, bearerAuth for signed-in callers and roles, serviceToken for service);
  * every path template variable is declared as a required path parameter;
  * every requestBody media type has an `example` or `examples`;
  * every `$ref` resolves inside the document;
  * with --error-codes, the ProblemCode enum equals the codes of error_codes.inc.

Prints one line per problem, or `openapi check: N operations, OK`. Exit status: 0 OK, 1 problems, 2 usage or
unreadable input.
"""
import json
import re
import sys

try:
    import yaml
except ImportError:
    print("check_openapi: PyYAML is missing: apt-get install python3-yaml", file=sys.stderr)
    sys.exit(2)

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
ROLES = {"customer", "rider", "merchant_owner", "merchant_staff", "support", "admin"}


class Checker:
    def __init__(self):
        self.problems = []

    def problem(self, text):
        self.problems.append(text)


def load_spec(path):
    with open(path, encoding="utf-8") as f:
        # BaseLoader would keep every scalar a string; SafeLoader is what any consumer of the spec sees.
        return yaml.safe_load(f)


def load_routes(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    if not isinstance(data, list):
        raise ValueError("ROUTES_JSON must be a JSON array")
    routes = []
    for i, r in enumerate(data):
        if not isinstance(r, dict) or not all(isinstance(r.get(k), str) for k in ("method", "pattern", "who")):
            raise ValueError(f"ROUTES_JSON[{i}]: expected an object with string method, pattern and who")
        rc = r.get("rate_class", "")
        if rc is None:
            rc = ""
        if not isinstance(rc, str):
            raise ValueError(f"ROUTES_JSON[{i}]: rate_class must be a string")
        # A router pattern's final `{name...}` (the rest of the path) is the spec's `{name}` with
        # `x-okada-rest-of-path: name` (OpenAPI has no multi-segment parameter).
        pattern = re.sub(r"\{([^}]+)\.\.\.\}$", r"{\1}", r["pattern"])
        routes.append({"method": r["method"].upper(), "pattern": pattern, "who": r["who"], "rate_class": rc,
                       "service": r.get("service", "")})
    return routes


def resolve_pointer(doc, ref):
    """Returns (True, node) if the local `#/a/b` reference resolves in doc."""
    if ref == "#":
        return True, doc
    if not ref.startswith("#/"):
        return False, None
    node = doc
    for raw in ref[2:].split("/"):
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return False, None
    return True, node


def walk_refs(node, where, out):
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            out.append((where, ref))
        for k, v in node.items():
            walk_refs(v, f"{where}/{k}", out)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            walk_refs(v, f"{where}/{i}", out)


def deref(doc, node, depth=0):
    """Follows `$ref` chains of a Reference Object (parameters, requestBodies…)."""
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and depth < 20:
        ok, target = resolve_pointer(doc, node["$ref"])
        if not ok:
            return None
        node = target
        depth += 1
    return node


def security_kind(security):
    """'public' for [], otherwise the set of scheme names required."""
    if security == []:
        return "public", set()
    names = set()
    if isinstance(security, list):
        for req in security:
            if isinstance(req, dict):
                names.update(req.keys())
    return "schemes", names


def check(spec, routes, error_codes_path=None):
    c = Checker()
    if not isinstance(spec, dict):
        c.problem("spec: not a YAML mapping")
        return c.problems, 0

    version = spec.get("openapi")
    if version != "3.1.0":
        c.problem(f"spec: openapi is {version!r}, expected '3.1.0'")

    # --- every $ref resolves --------------------------------------------------------------------------------
    refs = []
    walk_refs(spec, "#", refs)
    for where, ref in refs:
        if not ref.startswith("#"):
            c.problem(f"{where}: $ref {ref} is not local (only #/… references are allowed)")
        elif not resolve_pointer(spec, ref)[0]:
            c.problem(f"{where}: $ref {ref} does not resolve")

    # --- operations -----------------------------------------------------------------------------------------
    paths = spec.get("paths")
    if not isinstance(paths, dict):
        c.problem("spec: no paths")
        paths = {}
    ops = {}
    for path, item in paths.items():
        if not isinstance(item, dict):
            c.problem(f"{path}: path item is not a mapping")
            continue
        for m in item:
            if m in METHODS:
                ops[(m.upper(), path)] = (item, item[m])

    # --- the set of routes ----------------------------------------------------------------------------------
    table = {}
    for r in routes:
        key = (r["method"], r["pattern"])
        if key in table:
            c.problem(f"routes: {key[0]} {key[1]} listed twice")
        table[key] = r
    for key in sorted(set(table) - set(ops), key=lambda k: (k[1], k[0])):
        c.problem(f"missing from spec: {key[0]} {key[1]} (registered route, who={table[key]['who']})")
    for key in sorted(set(ops) - set(table), key=lambda k: (k[1], k[0])):
        c.problem(f"not a registered route: {key[0]} {key[1]} (in spec only)")

    op_ids = {}
    for (method, path), (item, op) in sorted(ops.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        name = f"{method} {path}"
        if not isinstance(op, dict):
            c.problem(f"{name}: operation is not a mapping")
            continue

        op_id = op.get("operationId")
        if not isinstance(op_id, str) or not op_id:
            c.problem(f"{name}: no operationId")
        elif op_id in op_ids:
            c.problem(f"{name}: operationId {op_id} also used by {op_ids[op_id]}")
        else:
            op_ids[op_id] = name
        if not isinstance(op.get("summary"), str) or not op["summary"].strip():
            c.problem(f"{name}: no summary")
        if not isinstance(op.get("tags"), list) or not op["tags"]:
            c.problem(f"{name}: no tags")
        responses = op.get("responses")
        if not isinstance(responses, dict) or not responses:
            c.problem(f"{name}: no responses")

        # Request body examples.
        body = deref(spec, op.get("requestBody")) if "requestBody" in op else None
        if "requestBody" in op:
            content = body.get("content") if isinstance(body, dict) else None
            if not isinstance(content, dict) or not content:
                c.problem(f"{name}: requestBody has no content")
            else:
                for media, mt in content.items():
                    mt = mt if isinstance(mt, dict) else {}
                    has = "example" in mt or (isinstance(mt.get("examples"), dict) and mt["examples"])
                    if not has:
                        c.problem(f"{name}: requestBody {media} has no example")

        # Path template variables.
        declared = set()
        for p in list(item.get("parameters") or []) + list(op.get("parameters") or []):
            p = deref(spec, p)
            if isinstance(p, dict) and p.get("in") == "path":
                if p.get("required") is not True:
                    c.problem(f"{name}: path parameter {p.get('name')} must be required: true")
                declared.add(p.get("name"))
        wanted = set(re.findall(r"\{([^}]+)\}", path))
        for v in sorted(wanted - declared):
            c.problem(f"{name}: path variable {{{v}}} has no path parameter")
        for v in sorted(declared - wanted):
            c.problem(f"{name}: path parameter {v} is not in the path")

        # Roles, rate class and security against the table.
        route = table.get((method, path))
        if route is None:
            continue
        want_roles = route["who"].split("|")
        roles = op.get("x-okada-roles")
        if roles != want_roles:
            c.problem(f"{name}: x-okada-roles is {roles!r}, table says {want_roles!r}")
        rate = op.get("x-okada-rate-class")
        if route["rate_class"]:
            if rate != route["rate_class"]:
                c.problem(f"{name}: x-okada-rate-class is {rate!r}, table says {route['rate_class']!r}")
        elif "x-okada-rate-class" in op:
            c.problem(f"{name}: x-okada-rate-class is {rate!r} but the table has no rate class (omit it)")

        security = op.get("security", spec.get("security"))
        kind, schemes = security_kind(security)
        if route["who"] == "public":
            if kind != "public":
                c.problem(f"{name}: public route must have security: []")
        elif route["who"] == "service":
            if kind == "public" or "serviceToken" not in schemes:
                c.problem(f"{name}: service route must require serviceToken")
        else:
            unknown = [r for r in want_roles if r != "signed_in" and r not in ROLES]
            if unknown:
                c.problem(f"{name}: unknown role(s) in the table: {', '.join(unknown)}")
            if kind == "public" or "bearerAuth" not in schemes:
                c.problem(f"{name}: route for signed-in callers must require bearerAuth")

    # --- error codes ------------------------------------------------------------------------------------------
    if error_codes_path:
        with open(error_codes_path, encoding="utf-8") as f:
            registry = re.findall(r'^\s*OKADA_ERROR\(\s*\w+\s*,\s*"([A-Z0-9_]+)"', f.read(), re.M)
        ok, node = resolve_pointer(spec, "#/components/schemas/ProblemCode")
        enum = node.get("enum") if ok and isinstance(node, dict) else None
        if not isinstance(enum, list):
            c.problem("components/schemas/ProblemCode: no enum")
        else:
            for code in registry:
                if code not in enum:
                    c.problem(f"ProblemCode: {code} (error_codes.inc) missing from the enum")
            for code in enum:
                if code not in registry:
                    c.problem(f"ProblemCode: {code} is not in error_codes.inc")

    return c.problems, len(ops)


def main(argv):
    args = argv[1:]
    error_codes = None
    if "--error-codes" in args:
        i = args.index("--error-codes")
        if i + 1 >= len(args):
            print(__doc__.strip(), file=sys.stderr)
            return 2
        error_codes = args[i + 1]
        del args[i:i + 2]
    if len(args) != 2 or any(a in ("-h", "--help") for a in args):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    spec_path, routes_path = args
    try:
        spec = load_spec(spec_path)
    except (OSError, yaml.YAMLError) as e:
        print(f"check_openapi: cannot read {spec_path}: {e}", file=sys.stderr)
        return 2
    try:
        routes = load_routes(routes_path)
    except (OSError, ValueError) as e:  # json.JSONDecodeError is a ValueError
        print(f"check_openapi: cannot read {routes_path}: {e}", file=sys.stderr)
        return 2
    try:
        problems, n = check(spec, routes, error_codes)
    except OSError as e:
        print(f"check_openapi: {e}", file=sys.stderr)
        return 2
    for p in problems:
        print(p)
    if problems:
        print(f"openapi check: {n} operations, {len(problems)} problem(s)")
        return 1
    print(f"openapi check: {n} operations, OK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
