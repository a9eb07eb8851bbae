#!/usr/bin/env bash
# The `okada brain eval-recs` contract: one JSON object with the three models' metrics, the same output for the
# same seed, and clear errors with the documented exit statuses for bad input.
set -euo pipefail
BIN="$1"
T="$(mktemp -d)"
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# A small market: 120 users in 4 taste groups over 6 weekly visits, buying 3 of their group's 8 items + 1 staple.
python3 - "$T/interactions.csv" <<'PY'
import random, sys
rng = random.Random(4)
with open(sys.argv[1], "w") as f:
    f.write("user,item,timestamp,weight\n")
    for u in range(120):
        g = u % 4
        for visit in range(6):
            day = f"2026-0{1 + visit % 6}-1{u % 9}"
            for _ in range(3):
                f.write(f"c{u},g{g}-{rng.randrange(8)},{day},1\n")
            f.write(f"c{u},staple-{rng.randrange(3)},{day},2\n")
PY

out="$("$BIN" eval-recs --interactions "$T/interactions.csv" --k 5 --protocol leave-last-out --repeat --threads 2 2>"$T/err")"
python3 - "$out" <<'PY' || fail "eval-recs JSON: $out"
import json, sys
r = json.loads(sys.argv[1])
assert r["protocol"] == "leave-last-out" and r["k"] == 5 and r["users"] == 120 and r["items"] == 35, r
for m in ("popularity", "item_knn", "hybrid"):
    for key in ("hr", "ndcg", "precision", "coverage"):
        assert 0 <= r["models"][m][key] <= 1, (m, key)
assert r["models"]["hybrid"]["ndcg"] > r["models"]["popularity"]["ndcg"], r["models"]
lo, hi = r["hybrid_vs_popularity"]["ci95"]
assert lo <= r["hybrid_vs_popularity"]["mean_difference"] <= hi
PY
grep -q "validation: blend round 1" "$T/err" || fail "no progress on stderr"
again="$("$BIN" eval-recs --interactions "$T/interactions.csv" --k 5 --protocol leave-last-out --repeat --threads 1 2>/dev/null)"
[ "$out" = "$again" ] || fail "not deterministic across thread counts"
r1="$("$BIN" eval-recs --interactions "$T/interactions.csv" --k=5 --protocol random-75-25 --seed 3 2>/dev/null)"
r2="$("$BIN" eval-recs --interactions "$T/interactions.csv" --k=5 --protocol random-75-25 --seed 4 2>/dev/null)"
[ "$r1" != "$r2" ] || fail "random-75-25 ignores --seed"
echo "$r1" | grep -q '"protocol": "random-75-25"' || fail "random protocol: $r1"

status() { set +e; "$@" >/dev/null 2>"$T/err"; local s=$?; set -e; echo $s; }
[ "$(status "$BIN" eval-recs --interactions "$T/interactions.csv" --protocol sideways)" = 2 ] || fail "bad protocol"
grep -q "unknown protocol 'sideways'" "$T/err" || fail "bad protocol message: $(cat "$T/err")"
[ "$(status "$BIN" eval-recs --protocol leave-last-out)" = 2 ] || fail "missing --interactions"
[ "$(status "$BIN" eval-recs --interactions "$T/interactions.csv" --protocol leave-last-out --k 0)" = 2 ] || fail "--k 0"
[ "$(status "$BIN" eval-recs --interactions "$T/none.csv" --protocol leave-last-out)" = 1 ] || fail "missing file"
printf 'user,item,timestamp\nu1,a,1\nu1,b,tomorrow\n' >"$T/bad.csv"
[ "$(status "$BIN" eval-recs --interactions "$T/bad.csv" --protocol leave-last-out)" = 1 ] || fail "bad row"
grep -q "bad.csv:3: 'tomorrow' is not a timestamp" "$T/err" || fail "bad row message: $(cat "$T/err")"
printf 'user,item,timestamp\nu1,a,1\nu2,b,1\n' >"$T/flat.csv"
[ "$(status "$BIN" eval-recs --interactions "$T/flat.csv" --protocol leave-last-out)" = 1 ] || fail "nothing to evaluate"
grep -q "no user has enough history" "$T/err" || fail "nothing-to-evaluate message: $(cat "$T/err")"
"$BIN" eval-recs --help | grep -q "random-75-25" || fail "help"
echo "recs_cli_test: ok"
