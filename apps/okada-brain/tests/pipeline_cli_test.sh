#!/usr/bin/env bash
# okada brain train|evaluate|promote|list against a real registry directory: the first model becomes champion;
# a worse challenger (trained on one day of data) is registered but refused; equal is refused; list shows the
# aliases; a tampered champion artifact stops the next run.
set -euo pipefail
BIN="$1"
T="$(mktemp -d)"
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# 200 customers in 5 taste groups, a visit every 3 days for 90 days, 3 items of their group + a staple.
python3 - "$T/interactions.csv" <<'PY'
import random, sys
rng = random.Random(8)
with open(sys.argv[1], "w") as f:
    f.write("user,item,timestamp,weight\n")
    for u in range(200):
        g = u % 5
        for day in range(u % 3, 90, 3):
            t = 1767225600 + day * 86400 + 3600 * (8 + u % 10)
            for _ in range(3):
                f.write(f"c{u},g{g}-{rng.randrange(10)},{t},1\n")
            f.write(f"c{u},staple-{rng.randrange(4)},{t},1\n")
PY
R="$T/registry"
field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }

out="$("$BIN" train recs --interactions "$T/interactions.csv" --holdout-days 14 --repeat --registry "$R" 2>"$T/err")" \
  || fail "first train: $(cat "$T/err")"
[ "$(field "$out" promoted)" = True ] || fail "first model not promoted: $out"
[ "$(field "$out" version)" = 1 ] || fail "first version: $out"
grep -q "extract: reading" "$T/err" && grep -q "promote: v1 is the first champion" "$T/err" || fail "progress: $(cat "$T/err")"
report="$(field "$out" report)"
grep -q "<svg" "$report" && grep -q "Decision:" "$report" || fail "report without charts or decision"
[ -f "$(dirname "$report")/run.json" ] || fail "no run.json"

# A challenger trained on one day before the holdout is worse on the same holdout: registered, refused.
out2="$("$BIN" train recs --interactions "$T/interactions.csv" --holdout-days 14 --repeat --mode incremental \
  --window-days 1 --registry "$R" 2>"$T/err")" || fail "second train: $(cat "$T/err")"
[ "$(field "$out2" promoted)" = False ] || fail "worse challenger promoted: $out2"
echo "$out2" | grep -q "is not better than v1" || fail "refusal reason: $out2"
python3 - "$out2" <<'PY' || fail "metrics of the refused challenger: $out2"
import json, sys
r = json.loads(sys.argv[1])
assert r["metrics"]["ndcg@10"] < r["champion"]["ndcg@10"], r
PY
set +e; "$BIN" promote recs --version 2 --registry "$R" >"$T/out"; s=$?; set -e
[ $s = 3 ] || fail "promote of the worse version exited $s"
grep -q "refused: v2 is not better than v1" "$T/out" || fail "promote message: $(cat "$T/out")"
set +e; "$BIN" promote recs --version 2 --force --registry "$R" 2>"$T/err"; s=$?; set -e
[ $s = 2 ] || fail "--force without --reason exited $s"

list="$("$BIN" list recs --json --registry "$R")"
python3 - "$list" <<'PY' || fail "list: $list"
import json, sys
rows = {r["version"]: r for r in json.loads(sys.argv[1])}
assert rows[1]["aliases"] == "champion" and rows[2]["aliases"] == "challenger", rows
assert len(rows[1]["sha256"]) == 64 and rows[1]["data_to"] > rows[1]["data_from"], rows
PY
"$BIN" list --registry "$R" | grep -q "v1   champion" || fail "list text"

ev="$("$BIN" evaluate recs --version 2 --interactions "$T/interactions.csv" --holdout-days 14 --repeat --registry "$R" 2>/dev/null)"
[ "$(field "$ev" would_promote)" = False ] || fail "evaluate: $ev"

# Tampering with the champion's artifact stops the next run (exit 1), naming the sha256.
art="$(ls "$R"/artifacts/recs/v1/*)"
echo tampered >>"$art"
set +e; "$BIN" train recs --interactions "$T/interactions.csv" --holdout-days 14 --registry "$R" >/dev/null 2>"$T/err"; s=$?; set -e
[ $s = 1 ] || fail "tampered champion: exit $s"
grep -q "fails its sha256" "$T/err" || fail "tamper message: $(cat "$T/err")"
set +e; "$BIN" train eta --interactions "$T/interactions.csv" --registry "$R" 2>"$T/err"; s=$?; set -e
[ $s = 2 ] && grep -q "unknown model 'eta'" "$T/err" || fail "unknown model"
echo "pipeline_cli_test: ok"
