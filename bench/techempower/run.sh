#!/usr/bin/env bash
# TechEmpower test types on okada-bench, side by side in one run with their peers:
#   json  vs nginx returning the same body (1 worker = okada's 1 I/O thread, access log off, keep-alive on)
#   db    vs pgbench -S -M prepared at the same concurrency (the box's PostgreSQL read limit)
#   queries, updates, fortunes (okada only; TechEmpower definitions)
# plus okada's peak RSS while 1,000 connections are open. Servers are pinned to core 0, load generators to
# core 1 (taskset). Prints a Markdown table of medians over BENCH_ROUNDS rounds; paste it into bench/RESULTS.md.
#
# Usage: bench/techempower/run.sh      (BENCH_SECONDS=10 BENCH_ROUNDS=3 BENCH_CONNECTIONS=64)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
cd "$ROOT"
SECONDS_PER_RUN="${BENCH_SECONDS:-10}"
ROUNDS="${BENCH_ROUNDS:-3}"
CONN="${BENCH_CONNECTIONS:-64}"
OKADA_PORT=18181
NGINX_PORT=18182
log() { printf 'bench: %s\n' "$*" >&2; }

scripts/setup --bench >&2
export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
cmake --preset release >/dev/null
cmake --build --preset release --target okada-bench >&2
BIN="$ROOT/build/release/bench/okada-bench"

source "$ROOT/bench/lib.sh"
bench_env bench "${BENCH_PG_PORT:-55434}" "${BENCH_REDIS_PORT:-56381}"
bench_workdir okada-bench

# --- peers -----------------------------------------------------------------------------------------------------
OKADA_PG_URL="$OKADA_PG_URL" "$BIN" migrate >&2
PGBENCH_DB=pgbench
scripts/dev-env createdb "$PGBENCH_DB" >&2
if ! psql -h 127.0.0.1 -p "$OKADA_PG_PORT" -U postgres -d "$PGBENCH_DB" -Atc "SELECT 1 FROM pgbench_accounts LIMIT 1" >/dev/null 2>&1; then
  pgbench -i -s 10 -q -h 127.0.0.1 -p "$OKADA_PG_PORT" -U postgres "$PGBENCH_DB" >&2
fi

nginx_start "$NGINX_PORT" "" \
  "location = /json { default_type application/json; return 200 '{\"message\":\"Hello, World!\"}'; }"

OKADA_HTTP_PORT=$OKADA_PORT OKADA_HTTP_IO_THREADS=1 OKADA_LOG_ACCESS=false OKADA_PG_POOL_SIZE=32 \
  OKADA_HTTP_MAX_CONNECTIONS=20000 OKADA_PG_URL="$OKADA_PG_URL" OKADA_REDIS_URL="$OKADA_REDIS_URL" \
  taskset -c 0 "$BIN" serve 2>"$WORK/okada.log" &
OKADA_PID=$!
pids+=($OKADA_PID)
for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$OKADA_PORT/json" >/dev/null 2>&1 && curl -fsS "http://127.0.0.1:$NGINX_PORT/json" >/dev/null 2>&1 && break
  sleep 0.1
done

# --- runs ------------------------------------------------------------------------------------------------------
pgbench_run() {
  local out tps
  out=$(taskset -c 1 pgbench -S -M prepared -c "$CONN" -j 1 -T "$SECONDS_PER_RUN" -n -h 127.0.0.1 -p "$OKADA_PG_PORT" -U postgres "$PGBENCH_DB" 2>&1)
  tps=$(awk '/^tps = / {print $3; exit}' <<<"$out")
  results[pgbench]+="$tps "
  log "pgbench -S: $tps tps"
}

for r in $(seq "$ROUNDS"); do
  log "round $r/$ROUNDS"
  wrk_run nginx_json "http://127.0.0.1:$NGINX_PORT/json" "$CONN"
  wrk_run okada_json "http://127.0.0.1:$OKADA_PORT/json" "$CONN"
  pgbench_run
  wrk_run okada_db "http://127.0.0.1:$OKADA_PORT/db" "$CONN"
  wrk_run okada_queries20 "http://127.0.0.1:$OKADA_PORT/queries?queries=20" "$CONN"
  wrk_run okada_updates20 "http://127.0.0.1:$OKADA_PORT/updates?queries=20" "$CONN"
  wrk_run okada_fortunes "http://127.0.0.1:$OKADA_PORT/fortunes" "$CONN"
done

# RSS with 1,000 open connections (all active under wrk); peak sampled every 200 ms and VmHWM.
( taskset -c 1 wrk -t1 -c1000 -d"${SECONDS_PER_RUN}s" "http://127.0.0.1:$OKADA_PORT/json" >"$WORK/wrk1000.txt" 2>&1 ) &
wrk1000=$!
peak=0
open_max=0
while kill -0 $wrk1000 2>/dev/null; do
  rss=$(awk '/VmRSS/ {print $2}' /proc/$OKADA_PID/status)
  [ "$rss" -gt "$peak" ] && peak=$rss
  open=$(curl -fsS "http://127.0.0.1:$OKADA_PORT/metrics" | awk '/^okada_http_open_connections / {print int($2)}')
  [ -n "$open" ] && [ "$open" -gt "$open_max" ] && open_max=$open
  sleep 0.2
done
hwm=$(awk '/VmHWM/ {print $2}' /proc/$OKADA_PID/status)
rps1000=$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk1000.txt")

json_okada=$(m okada_json); json_nginx=$(m nginx_json); db_okada=$(m okada_db); pg=$(m pgbench)
cat <<TABLE
| test | okada (median req/s) | peer | peer (median) | ratio | okada p50 |
|---|---|---|---|---|---|
| json, $CONN connections | $json_okada | nginx 1 worker, same body | $json_nginx | $(ratio "$json_okada" "$json_nginx") | $(echo "${results[okada_json.p50]}" | awk '{print $1}') |
| db, $CONN connections | $db_okada | pgbench -S -M prepared -c $CONN | $pg tps | $(ratio "$db_okada" "$pg") | $(echo "${results[okada_db.p50]}" | awk '{print $1}') |
| queries (20), $CONN connections | $(m okada_queries20) | | | | |
| updates (20), $CONN connections | $(m okada_updates20) | | | | |
| fortunes, $CONN connections | $(m okada_fortunes) | | | | |
| json, 1,000 connections | $rps1000 | | | | |

okada-bench peak RSS with 1,000 open connections (${open_max} seen open): $((peak / 1024)) MB sampled, VmHWM $((hwm / 1024)) MB.
Rounds: $ROUNDS × ${SECONDS_PER_RUN}s; raw req/s per round: json ${results[okada_json]}| nginx ${results[nginx_json]}| db ${results[okada_db]}| pgbench ${results[pgbench]}
TABLE
