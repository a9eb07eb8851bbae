#!/usr/bin/env bash
# Routing solver against the literature: the 6 Li & Lim PDPTW and 4 Solomon VRPTW instances copied into
# brain/models/routing/data/, each solved by `okada-brain route` for ROUTING_SECONDS with seed 1, every
# solution validated by the independent `okada-brain route-check`. Prints a Markdown table (vehicles and
# distance against the best-known solutions) and the acceptance summary; paste it into bench/RESULTS.md.
#
# Usage: bench/routing/run.sh          (ROUTING_SECONDS=60 ROUTING_SEED=1)
#   ROUTING_BUILD_DIR=/tmp/x  build okada-brain (Release, -O2) in that directory instead of the release preset
#   ROUTING_OUT=/some/dir     keep the JSON solutions there (default: a temporary folder, removed at the end)
# Exit status: 0 when every solution is valid, 1 otherwise (the acceptance targets are reported, not enforced).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
cd "$ROOT"
SECONDS_PER_RUN="${ROUTING_SECONDS:-60}"
SEED="${ROUTING_SEED:-1}"
DATA="$ROOT/brain/models/routing/data"
log() { printf 'routing bench: %s\n' "$*" >&2; }

export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
if [[ -n "${ROUTING_BUILD_DIR:-}" ]]; then
  cmake -S "$ROOT" -B "$ROUTING_BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" -DOKADA_BUILD_TESTS=OFF >/dev/null
  cmake --build "$ROUTING_BUILD_DIR" --target okada-brain >&2
  BIN="$ROUTING_BUILD_DIR/apps/okada-brain/okada-brain"
else
  cmake --preset release >/dev/null
  cmake --build --preset release --target okada-brain >&2
  BIN="$ROOT/build/release/apps/okada-brain/okada-brain"
fi

if [[ -n "${ROUTING_OUT:-}" ]]; then
  OUT="$ROUTING_OUT"
  mkdir -p "$OUT"
else
  OUT="$(mktemp -d "${TMPDIR:-/tmp}/okada-routing.XXXXXX")"
  trap 'rm -rf "$OUT"' EXIT
fi

# bks <file> <instance>: "vehicles distance" from a bks.csv (Solomon: the vehicles-first columns 2 and 3).
bks() { awk -F, -v name="$2" 'NR > 1 && $1 == name { print (NF == 4 ? $3 " " $4 : $2 " " $3) }' "$1"; }
field() { sed -n "s/.*\"$2\": \([^,}]*\).*/\1/p" "$1"; }

ROWS="$OUT/rows.tsv"
: >"$ROWS"
status=0
run() {  # run <family> <format> <instance>
  local family="$1" format="$2" name="$3"
  local file="$DATA/$family/$name.txt" json="$OUT/$name.json"
  log "$name ($format, ${SECONDS_PER_RUN}s, seed $SEED)"
  "$BIN" route --instance "$file" --format "$format" --time-limit "$SECONDS_PER_RUN" --seed "$SEED" \
    >"$json" 2>"$OUT/$name.log" || { log "  route failed: $(tail -1 "$OUT/$name.log")"; status=1; }
  local check feasible
  if check="$("$BIN" route-check --instance "$file" --format "$format" --solution "$json")" &&
     [[ "$(field "$json" feasible)" == "true" ]]; then
    feasible=yes
  else
    feasible="no (${check:-route-check failed})"
    status=1
  fi
  log "  $check"
  read -r bks_v bks_d < <(bks "$DATA/$family/bks.csv" "$name")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$family" "$name" "$(field "$json" vehicles)" "$bks_v" \
    "$(field "$json" distance)" "$bks_d" "$feasible" "$(field "$json" seconds)" >>"$ROWS"
}

for name in lc101 lc201 lr101 lr201 lrc101 lrc201; do run li_lim lilim "$name"; done
for name in C101 R101 RC101 R201; do run solomon solomon "$name"; done

awk -F'\t' '
  BEGIN {
    print "| instance | vehicles | BKS vehicles | distance | BKS distance | gap % | feasible | seconds |"
    print "|---|---:|---:|---:|---:|---:|---|---:|"
  }
  {
    gap = ($6 > 0) ? 100 * ($5 - $6) / $6 : 0
    printf "| %s | %s | %s | %.2f | %.2f | %+.2f | %s | %.1f |\n", $2, $3, $4, $5, $6, gap, $7, $8
    fam = $1; n[fam]++
    if ($7 != "yes") infeasible[fam]++
    if ($3 == $4) { match_v[fam]++; gaps[fam] += gap; if (gap > worst[fam]) worst[fam] = gap }
  }
  END {
    print ""
    ll = match_v["li_lim"] + 0; lg = ll ? gaps["li_lim"] / ll : 0
    ok = (infeasible["li_lim"] + 0 == 0 && ll >= 5 && lg <= 2.0)
    printf "- Li & Lim: %d/%d feasible, vehicles = BKS on %d of %d, mean distance gap over those %+.2f%% " \
           "(target: all feasible, >= 5 of 6, <= 2%%): **%s**\n",
           n["li_lim"] - infeasible["li_lim"], n["li_lim"], ll, n["li_lim"], lg, ok ? "PASS" : "FAIL"
    sl = match_v["solomon"] + 0
    ok = (infeasible["solomon"] + 0 == 0 && sl >= 3 && (sl == 0 || worst["solomon"] <= 3.0))
    printf "- Solomon: %d/%d feasible, vehicles = BKS (vehicles-first) on %d of %d, worst distance gap over " \
           "those %+.2f%% (target: all feasible, >= 3 of 4, each within 3%%): **%s**\n",
           n["solomon"] - infeasible["solomon"], n["solomon"], sl, n["solomon"], worst["solomon"] + 0,
           ok ? "PASS" : "FAIL"
  }' "$ROWS"
exit "$status"
