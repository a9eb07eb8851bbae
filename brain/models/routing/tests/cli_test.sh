#!/usr/bin/env bash
# The route CLI contract (issue 7): `okada brain route` prints one JSON object with the agreed fields and
# `okada brain route-check` accepts it; a crafted invalid solution is rejected naming the constraint.
# Usage: cli_test.sh OKADA_BINARY DATA_DIR
set -u
okada=$1
data=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
check() {  # description, command...
  local what=$1
  shift
  if "$@"; then echo "ok: $what"; else echo "FAILED: $what"; failures=$((failures + 1)); fi
}

"$okada" brain route --instance "$data/li_lim/lc101.txt" --format lilim --time-limit 2 --seed 7 >"$work/sol.json" 2>"$work/progress.txt"
check "route exits 0" test $? -eq 0
for field in '"instance": "lc101"' '"feasible": true' '"vehicles": ' '"distance": ' '"seconds": ' '"routes": [['; do
  check "route output has $field" grep -qF "$field" "$work/sol.json"
done
check "route prints one JSON object on one line" test "$(wc -l <"$work/sol.json")" -eq 1
check "route reports progress on stderr" test -s "$work/progress.txt"

"$okada" brain route-check --instance "$data/li_lim/lc101.txt" --format lilim --solution "$work/sol.json" >"$work/check.txt" 2>&1
check "route-check accepts the solver's solution" test $? -eq 0

# Swap the first two stops of the first route that starts with a pickup whose delivery follows it: reversing a
# pickup and its delivery must be named as a precedence (or time window) violation.
python3 - "$work/sol.json" "$work/bad.json" <<'PY'
import json, sys
sol = json.load(open(sys.argv[1]))
route = sol["routes"][0]
route[0], route[-1] = route[-1], route[0]
json.dump(sol, open(sys.argv[2], "w"))
PY
"$okada" brain route-check --instance "$data/li_lim/lc101.txt" --format lilim --solution "$work/bad.json" >"$work/bad.txt" 2>&1
rc=$?
check "route-check rejects a tampered solution (exit 1)" test $rc -eq 1
check "route-check names the violated constraint" grep -qiE 'precedence|time window|capacity' "$work/bad.txt"

python3 - "$work/sol.json" "$work/missing.json" <<'PY'
import json, sys
sol = json.load(open(sys.argv[1]))
sol["routes"][0] = sol["routes"][0][:-1]
json.dump(sol, open(sys.argv[2], "w"))
PY
"$okada" brain route-check --instance "$data/li_lim/lc101.txt" --format lilim --solution "$work/missing.json" >"$work/missing.txt" 2>&1
check "route-check rejects a missing task" test $? -eq 1
check "route-check says which constraint (missing or pairing)" grep -qiE 'missing|pairing' "$work/missing.txt"

"$okada" brain route --instance "$data/li_lim/lc101.txt" --format nonsense --time-limit 1 >/dev/null 2>"$work/usage.txt"
check "a bad --format is a usage error (exit 2)" test $? -eq 2

echo "$failures failed"
exit $((failures > 0))
