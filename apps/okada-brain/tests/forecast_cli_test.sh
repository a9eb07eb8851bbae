#!/usr/bin/env bash
# The `okada brain forecast` contract on eight M4 hourly series: the forecasts file in the M4 layout (H values per
# series, the last listed model's), one JSON object with the M4 scores per model, progress on stderr, the same output
# twice, and clear errors with the documented exit statuses.
set -euo pipefail
BIN="$1"
DATA="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../brain/models/forecast/tests/data" && pwd -P)"
T="$(mktemp -d)"
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
run() { "$BIN" forecast --train "$DATA/m4_hourly_slice_train.csv" --format m4 --horizon 48 --season 24 "$@"; }

out="$(run --models snaive,theta,auto --out "$T/f.csv" --test "$DATA/m4_hourly_slice_test.csv" 2>"$T/err")"
python3 - "$out" "$T/f.csv" <<'PY' || fail "forecast JSON or file: $out"
import csv, json, sys
r = json.loads(sys.argv[1])
assert r["series"] == 8 and r["horizon"] == 48, r
assert list(r["models"]) == ["snaive", "theta", "auto"], r
for m, s in r["models"].items():
    assert 0 <= s["smape"] <= 200 and s["mase"] > 0 and s["mase_left_out"] == 0, (m, s)
assert abs(r["models"]["snaive"]["smape"] - 7.20741) < 1e-4, r
assert r["models"]["auto"]["smape"] < r["models"]["snaive"]["smape"], r
rows = list(csv.reader(open(sys.argv[2])))
assert rows[0] == ["id"] + [f"F{i}" for i in range(1, 49)], rows[0]
assert [row[0] for row in rows[1:]] == ["H1", "H2", "H50", "H100", "H170", "H171", "H300", "H414"], rows
assert all(len(row) == 49 and all(float(v) >= 0 for v in row[1:]) for row in rows[1:])
PY
grep -q "8/8 series (100%)" "$T/err" || fail "no progress on stderr: $(cat "$T/err")"
grep -q "auto chose" "$T/err" || fail "no summary of auto's choices on stderr"
head -c 20 "$T/f.csv" | grep -q '^"id","F1"' || fail "forecast header not quoted like M4's"

# The file holds the LAST listed model's forecasts; the same run gives the same bytes.
run --models auto --out "$T/auto.csv" 2>/dev/null >"$T/stdout"
cmp -s "$T/f.csv" "$T/auto.csv" || fail "the last listed model's forecasts differ from a run of that model alone"
[ ! -s "$T/stdout" ] || fail "printed on stdout without --test"
run --models theta,snaive --out "$T/snaive.csv" 2>/dev/null
run --models snaive --out "$T/snaive2.csv" --seed 7 2>/dev/null
cmp -s "$T/snaive.csv" "$T/snaive2.csv" || fail "--models theta,snaive did not write snaive's forecasts"
run --out "$T/default.csv" 2>/dev/null
cmp -s "$T/default.csv" "$T/auto.csv" || fail "the default model is not auto"

# Errors: usage (2) and input (1).
expect() {
  local want="$1" pattern="$2"
  shift 2
  set +e
  "$BIN" forecast "$@" >/dev/null 2>"$T/e"
  local got=$?
  set -e
  [ "$got" = "$want" ] || fail "exit $got, want $want for: $* ($(cat "$T/e"))"
  grep -q -- "$pattern" "$T/e" || fail "no '$pattern' in: $(cat "$T/e")"
}
expect 2 "--lstm-steps must be" --train "$DATA/m4_hourly_slice_train.csv" --format m4 --horizon 48 --season 24 --models lstm --lstm-steps -1 --out "$T/x.csv"
expect 2 "unknown model 'arima' (available: snaive, ets, theta, gbdt, lstm, auto)" --train "$DATA/m4_hourly_slice_train.csv" --format m4 --horizon 48 --season 24 --models arima --out "$T/x.csv"
expect 2 "--format must be m4" --train "$DATA/m4_hourly_slice_train.csv" --format csv --horizon 48 --season 24 --out "$T/x.csv"
expect 2 "--horizon is required" --train "$DATA/m4_hourly_slice_train.csv" --format m4 --season 24 --out "$T/x.csv"
expect 2 "--out is required" --train "$DATA/m4_hourly_slice_train.csv" --format m4 --horizon 48 --season 24
expect 2 "--season must be a whole number" --train "$DATA/m4_hourly_slice_train.csv" --format m4 --horizon 48 --season 0 --out "$T/x.csv"
expect 1 "cannot open" --train "$T/missing.csv" --format m4 --horizon 48 --season 24 --out "$T/x.csv"
printf '"V1","V2","V3"\n"A","1",,"3"\n' >"$T/bad.csv"
expect 1 "bad.csv:2: series 'A': empty cell" --train "$T/bad.csv" --format m4 --horizon 2 --season 1 --out "$T/x.csv"
printf '"V1","V2"\n"H1","1"\n' >"$T/short_test.csv"
expect 1 "fewer than the horizon" --train "$DATA/m4_hourly_slice_train.csv" --format m4 --horizon 48 --season 24 --out "$T/x.csv" --test "$T/short_test.csv"
"$BIN" forecast --help | grep -q "training budget 1,500 Adam steps" || fail "--help does not state the LSTM's training budget"

# The global models (gbdt with XGBoost, lstm with LibTorch) through the CLI, with a small LSTM budget: H values
# per series, scored, training progress on stderr, and the same seed giving the same forecasts.
out="$(run --models gbdt,lstm --lstm-steps 60 --seed 3 --out "$T/g.csv" --test "$DATA/m4_hourly_slice_test.csv" 2>"$T/err")"
python3 - "$out" "$T/g.csv" <<'PY' || fail "global models' JSON or file: $out"
import csv, json, sys
r = json.loads(sys.argv[1])
assert list(r["models"]) == ["gbdt", "lstm"], r
for m, s in r["models"].items():
    assert 0 <= s["smape"] <= 200 and s["mase"] > 0, (m, s)
rows = list(csv.reader(open(sys.argv[2])))
assert len(rows) == 9 and all(len(row) == 49 and all(float(v) >= 0 for v in row[1:]) for row in rows[1:]), rows
PY
grep -q "gbdt: keeping" "$T/err" || fail "no gbdt training progress: $(cat "$T/err")"
grep -q "lstm: step 60/60" "$T/err" || fail "no lstm training progress: $(cat "$T/err")"
run --models lstm --lstm-steps 60 --seed 3 --out "$T/g2.csv" 2>/dev/null
cmp -s "$T/g.csv" "$T/g2.csv" || fail "the same seed gave different LSTM forecasts"
echo "forecast CLI: ok"
