#!/usr/bin/env bash
# The `okada brain eta` CLI contract (issue 7 item 3): trips writes the documented CSV, train prints the agreed
# JSON and writes a model that evaluate reads back, and usage errors exit 2 naming the option.
# Usage: eta_cli_test.sh OKADA_BRAIN_BINARY
set -u
brain=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
check() {  # description, command...
  local what=$1
  shift
  if "$@"; then echo "ok: $what"; else echo "FAILED: $what"; failures=$((failures + 1)); fi
}
usage_error() {  # option expected in the message, command args...
  local option=$1
  shift
  "$brain" "$@" >"$work/out.txt" 2>"$work/err.txt"
  local rc=$?
  check "'$*' exits 2" test $rc -eq 2
  check "'$*' names $option" grep -qF -- "$option" "$work/err.txt"
}

"$brain" eta trips --days 12 --seed 3 --out "$work/trips.csv" 2>"$work/trips.err"
check "trips exits 0" test $? -eq 0
check "trips writes the documented header" test "$(head -1 "$work/trips.csv")" = \
  "started_at,from_lat,from_lon,to_lat,to_lon,rain,seconds"
check "trips rows start with a Douala local time" grep -qE '^2026-06-0[1-9]T[0-9]{2}:[0-9]{2}:[0-9]{2}\+01:00,' \
  "$work/trips.csv"
"$brain" eta trips --days 12 --seed 3 --out "$work/again.csv" 2>/dev/null
check "trips is deterministic for a seed" cmp -s "$work/trips.csv" "$work/again.csv"

"$brain" eta train --trips "$work/trips.csv" --holdout-days 3 --rounds 40 --out "$work/m.gbt" \
  >"$work/train.json" 2>"$work/train.err"
check "train exits 0" test $? -eq 0
for field in '"trips_train": ' '"trips_holdout": ' '"baseline": {"mae_s": ' '"p90_abs_error_s": ' '"mape": ' \
  '"gbt": {"mae_s": ' '"mae_improvement": ' '"max_abs_diff_s": '; do
  check "train output has $field" grep -qF "$field" "$work/train.json"
done
check "train prints one JSON line" test "$(wc -l <"$work/train.json")" -eq 1
check "train reports progress on stderr" grep -q 'holdout-rmse' "$work/train.err"
check "train writes an okada-eta-gbt model" test "$(head -1 "$work/m.gbt")" = "okada-eta-gbt 1"

"$brain" eta evaluate --model "$work/m.gbt" --trips "$work/trips.csv" --holdout-days 3 >"$work/eval.json"
check "evaluate exits 0" test $? -eq 0
check "evaluate agrees with train on the holdout" python3 - "$work/train.json" "$work/eval.json" <<'PY'
import json, sys
t, e = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert e["trips"] == t["trips_holdout"], (e, t)
assert e["gbt"] == t["gbt"] and e["baseline"] == t["baseline"], (e, t)
PY

head -c 300 "$work/m.gbt" >"$work/truncated.gbt"
"$brain" eta evaluate --model "$work/truncated.gbt" --trips "$work/trips.csv" >/dev/null 2>"$work/bad.txt"
check "evaluate rejects a truncated model (exit 1)" test $? -eq 1
check "the message names the file" grep -qF "truncated.gbt:" "$work/bad.txt"

check "eta --help exits 0" "$brain" eta --help
for sub in trips train evaluate; do
  check "eta $sub --help exits 0" "$brain" eta $sub --help
done
usage_error --days eta trips --out "$work/x.csv"
usage_error --days eta trips --days zero --out "$work/x.csv"
usage_error --out eta trips --days 2
usage_error --colour eta trips --days 2 --out "$work/x.csv" --colour red
usage_error --holdout-days eta train --trips "$work/trips.csv" --out "$work/y.gbt"
usage_error --threads eta train --trips "$work/trips.csv" --holdout-days 2 --out "$work/y.gbt" --threads 0
usage_error --model eta evaluate --trips "$work/trips.csv"
usage_error frobnicate eta frobnicate

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all checks passed"
