#!/usr/bin/env bash
# The `okada sim` CLI contract (issue 8 item 1): export writes the documented CSV files, byte-identical for a seed
# and different for another, report writes the HTML page, usage errors exit 2 naming the option.
# Usage: sim_cli_test.sh OKADA_BINARY
set -u
okada=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
check() {  # description, command...
  local what=$1
  shift
  if "$@"; then echo "ok: $what"; else echo "FAILED: $what"; failures=$((failures + 1)); fi
}
usage_error() {  # text expected in the message, command args...
  local text=$1
  shift
  "$okada" "$@" >"$work/out.txt" 2>"$work/err.txt"
  local rc=$?
  check "'$*' exits 2" test $rc -eq 2
  check "'$*' names $text" grep -qF -- "$text" "$work/err.txt"
}

"$okada" sim export --out "$work/a" --city both --days 6 --seed 5 2>"$work/a.err"
check "export exits 0" test $? -eq 0
for f in merchants products items customers riders orders order_lines trips eta_trips weather interactions; do
  check "export writes $f.csv with rows" test "$(wc -l <"$work/a/$f.csv")" -gt 1
done
check "export keeps the parameters it used" cmp -s "$work/a/market.conf" "$(dirname "$0")/../market.conf"
check "export prints a summary line" grep -qE '^okada sim export: both, 6 days from 2026-03-01, seed 5: .* orders' "$work/a.err"
check "no progress bar when stderr is not a terminal" test "$(tr -cd '\r' <"$work/a.err" | wc -c)" -eq 0
check "interactions.csv has the recommender's header" test "$(head -1 "$work/a/interactions.csv")" = \
  "user,item,timestamp,weight"
check "eta_trips.csv has the ETA model's header" test "$(head -1 "$work/a/eta_trips.csv")" = \
  "started_at,from_lat,from_lon,to_lat,to_lon,rain,seconds"
check "both cities are exported" test "$(cut -d, -f2 "$work/a/orders.csv" | sort -u | tr '\n' ' ')" = \
  "city douala yaounde "

"$okada" sim export --out "$work/b" --city both --days 6 --seed 5 2>/dev/null
check "same seed: byte-identical export directory" diff -r "$work/a" "$work/b"
"$okada" sim export --out="$work/c" --city=both --days=6 --seed=6 2>/dev/null
check "another seed: different orders" test -n "$(cmp "$work/a/orders.csv" "$work/c/orders.csv" 2>&1)"

"$okada" sim report --in "$work/a" --out "$work/report.html" 2>"$work/report.err"
check "report exits 0" test $? -eq 0
check "report has SVG charts" grep -q '<svg' "$work/report.html"
for p in weekday_demand payday_demand rain_demand rain_speed_factor speed_factor_weekday hour_demand; do
  check "report shows $p" grep -qF "$p" "$work/report.html"
done
check "report prints a summary" grep -q '^okada sim report: .* orders over 6 days' "$work/report.err"

usage_error "--days" sim export --out "$work/x" --days 0
usage_error "--days" sim export --out "$work/x" --days ten
usage_error "--city" sim export --out "$work/x" --city paris
usage_error "--out DIR is required" sim export --days 3
usage_error "unknown option '--frobnicate'" sim export --out "$work/x" --frobnicate 1
usage_error "needs a value" sim export --out
usage_error "--in DIR is required" sim report --out "$work/r.html"
usage_error "unknown command 'simulate'" sim simulate
check "okada sim --help exits 0" "$okada" sim --help
check "okada sim export --help exits 0" "$okada" sim export --help
check "okada sim report --help exits 0" "$okada" sim report --help
check "okada --help lists sim" sh -c "'$okada' --help | grep -q '^  sim '"

{ cat "$(dirname "$0")/../market.conf"; echo "bogus = 1"; } >"$work/bad.conf"
line=$(wc -l <"$work/bad.conf")
"$okada" sim export --out "$work/x" --params "$work/bad.conf" >/dev/null 2>"$work/err.txt"
check "bad parameters exit 1" test $? -eq 1
check "the message names file, line and key" grep -qF "bad.conf:$line: unknown key 'bogus'" "$work/err.txt"
"$okada" sim export --out "$work/x" --geo-dir "$work/nowhere" >/dev/null 2>"$work/err.txt"
check "a missing POI file exits 1" test $? -eq 1
check "the message names the POI file" grep -qF "douala_poi_nodes.csv" "$work/err.txt"
"$okada" sim report --in "$work/nowhere" --out "$work/r.html" >/dev/null 2>"$work/err.txt"
check "report of a missing export exits 1" test $? -eq 1

echo "$failures failure(s)"
test $failures -eq 0
