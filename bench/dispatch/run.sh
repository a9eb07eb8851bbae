#!/usr/bin/env bash
# AI Brain dispatch against greedy nearest-rider (issue 7): rounds of 1,000 waiting orders and 300 riders with
# room for 3 (a fifth already carrying one), on a simulated Douala lunchtime built from data/geo's OpenStreetMap
# points. Each round (seeds 1..BENCH_ROUNDS) is
#   1. planned in-process by okada-bench-dispatch with the brain's own code (built-in ETA model) and by greedy
#      nearest-rider on the same input, both scored with the same travel table (total lateness, assigned);
#   2. sent as the same JSON to a release `okada serve --services=orders,brain` (POST /v1/brain/dispatch/assign,
#      deadline_ms 200, service token), timed by curl from a different core.
# Both planners run with `fill` (every order that fits in a rider's room leaves this round), so they assign the
# same number of orders and their lateness compares like for like; a second in-process line per round shows the
# default (batch allowance, the rest waits for the next round).
# Prints a Markdown table and the medians; --record appends them to bench/RESULTS.md.
#
# Usage: bench/dispatch/run.sh [--record]     (BENCH_ROUNDS=15)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
cd "$ROOT"
RECORD=0
RESULTS_FILE="${BENCH_RESULTS_FILE:-$ROOT/bench/RESULTS.md}"
case "${1:-}" in
  "") ;;
  --record) RECORD=1 ;;
  -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
  *) echo "usage: bench/dispatch/run.sh [--record]" >&2; exit 2 ;;
esac
ROUNDS="${BENCH_ROUNDS:-15}"
PORT=18397
log() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
cmake --preset release >/dev/null
cmake --build --preset release --target okada okada-bench-dispatch >&2
BIN="$ROOT/build/release/apps/okada/okada"
TOOL="$ROOT/build/release/bench/okada-bench-dispatch"
SERVER_CPU=0 CLIENT_CPU=1
(($(nproc) >= 2)) || CLIENT_CPU=0

source "$ROOT/bench/lib.sh"
bench_env bench "${BENCH_PG_PORT:-55434}" "${BENCH_REDIS_PORT:-56381}"
bench_workdir okada-bench-dispatch
started="$(date -u '+%Y-%m-%d %H:%M UTC')"
load_at_start="$(cut -d' ' -f1-3 /proc/loadavg)"

scripts/dev-env dropdb okada_dispatch_bench >&2 || true
scripts/dev-env createdb okada_dispatch_bench >&2
export OKADA_STATE_DIR="$WORK/state" OKADA_PG_URL="${OKADA_PG_URL%/*}/okada_dispatch_bench"
export OKADA_LOG_ACCESS=false OKADA_LOG_LEVEL=error OKADA_HTTP_PORT=$PORT OKADA_HTTP_IO_THREADS=1
"$BIN" migrate --services=orders,brain >&2
taskset -c "$SERVER_CPU" "$BIN" serve --services=orders,brain 2>"$WORK/okada.log" &
okada_pid=$!
pids+=("$okada_pid")
for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  kill -0 "$okada_pid" 2>/dev/null || { tail -n 30 "$WORK/okada.log" >&2; die "okada serve exited"; }
  sleep 0.1
done
TOKEN="$(cat "$OKADA_STATE_DIR/keys/service-token.key" 2>/dev/null || true)"
[[ -n "$TOKEN" ]] || die "no service token in $OKADA_STATE_DIR/keys"

rows=()
for seed in $(seq 1 "$ROUNDS"); do
  req="$WORK/round-$seed.json"
  fill_line="$(taskset -c "$SERVER_CPU" "$TOOL" --seed "$seed" --fill --write-request "$req" --pois data/geo/douala_poi_nodes.csv)"
  default_line="$(taskset -c "$SERVER_CPU" "$TOOL" --seed "$seed" --pois data/geo/douala_poi_nodes.csv)"
  # Through HTTP: a warm-up call for the first round (the travel table for the hour is built once), then the timed one.
  ((seed > 1)) || curl -sS -o /dev/null -H "X-Okada-Service-Token: $TOKEN" -H 'Content-Type: application/json' \
    --data-binary "@$req" "http://127.0.0.1:$PORT/v1/brain/dispatch/assign"
  http="$(taskset -c "$CLIENT_CPU" curl -sS -o "$WORK/answer-$seed.json" -w '%{http_code} %{time_total}' \
    -H "X-Okada-Service-Token: $TOKEN" -H 'Content-Type: application/json' \
    --data-binary "@$req" "http://127.0.0.1:$PORT/v1/brain/dispatch/assign")"
  rows+=("$(python3 - "$fill_line" "$default_line" "$http" "$WORK/answer-$seed.json" <<'EOF'
import json, sys
fill, default = json.loads(sys.argv[1]), json.loads(sys.argv[2])
code, seconds = sys.argv[3].split()
answer = json.load(open(sys.argv[4])) if code == "200" else {}
http_assigned = sum(len(a["order_ids"]) for a in answer.get("assignments", []))
complete = answer.get("stats", {}).get("complete")
print("\t".join(str(x) for x in [
    fill["seed"], code, round(float(seconds) * 1000, 1), http_assigned, complete,
    round(fill["ms"], 1), fill["assigned"], round(fill["lateness_s"]), fill["greedy_assigned"],
    round(fill["greedy_lateness_s"]), round(fill["greedy_lateness_s"] / max(fill["lateness_s"], 1), 2),
    default["assigned"], round(default["lateness_s"]), fill["eta_model"]]))
EOF
)")
  log "round $seed: ${rows[-1]}"
done

report="$(python3 - "$started" "$load_at_start" "$(nproc)" "$(lscpu | sed -n 's/^Model name: *//p')" "${rows[@]}" <<'EOF'
import statistics as st, sys
started, load, cpus, model = sys.argv[1:5]
rows = [r.split("\t") for r in sys.argv[5:]]
out = []
out.append("| round | HTTP status | HTTP ms | HTTP assigned | complete | in-process ms | assigned | lateness s | greedy assigned | greedy lateness s | greedy ÷ ours | default-mode assigned | default-mode lateness s |")
out.append("|---:|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for r in rows:
    out.append("| " + " | ".join(r[:13]) + " |")
f = lambda i: [float(r[i]) for r in rows]
ok = all(r[1] == "200" for r in rows)
http = f(2)
worse = sum(1 for r in rows if float(r[7]) > float(r[9]))
fewer = sum(1 for r in rows if int(r[6]) < int(r[8]))
out.append("")
out.append(f"- HTTP round trip (deadline_ms 200): median **{st.median(http):.1f} ms**, max **{max(http):.1f} ms**; every answer 200: {ok}; all complete: {all(r[4] == 'True' for r in rows)}")
out.append(f"- In-process planning: median {st.median(f(5)):.1f} ms")
out.append(f"- Total lateness, ours vs greedy nearest-rider (same input, same assigned count): median {st.median(f(7)):.0f} s vs {st.median(f(9)):.0f} s, greedy ÷ ours median **{st.median(f(10)):.2f}×**; rounds where ours was later: {worse} of {len(rows)}; rounds where ours assigned fewer: {fewer}")
out.append(f"- ETA model: {rows[0][13]}; started {started}, load average at start {load}; {cpus} cores, {model}")
print("\n".join(out))
EOF
)"
echo "$report"
if ((RECORD)); then
  {
    echo
    echo "## AI Brain dispatch: 1,000 orders, 300 riders (capacity 3) against greedy nearest-rider (issue 7)"
    echo
    echo "Command: \`bench/dispatch/run.sh --record\` (BENCH_ROUNDS=$ROUNDS), code of $(git rev-parse --short HEAD)."
    echo "Release \`okada serve --services=orders,brain\` pinned to core $SERVER_CPU, one I/O thread; curl on core $CLIENT_CPU."
    echo
    echo "$report"
  } >>"$RESULTS_FILE"
  log "recorded in $RESULTS_FILE"
fi
