#!/usr/bin/env bash
# Commerce benchmark, Okada side by side with Medusa 2.21.2 in one run on this machine (issue: "≥ 100× Medusa"):
#   1. listing   closed-loop requests/s of the first page (20) of a 1,000-product catalogue (autocannon, or wrk
#                with BENCH_LIST_TOOL=wrk; the same connections for both): Okada GET /v1/products?store=…&limit=20;
#                Medusa GET /store/products with the region (so each variant carries its calculated price) and the
#                publishable key.
#   2. checkout  closed loop: the same number of flows in flight, each slot starting the next full flow when
#                one ends — cart, add 3 different random items, checkout — flows/s and flow latency.
#   3. open      OPEN loop (fixed arrival rate, latency from each flow's planned start: no coordinated omission):
#                Okada at BENCH_OPEN_RATE (200 flows/s; target p99 < 50 ms); Medusa at a rate it can sustain
#                (half its closed-loop throughput unless BENCH_MEDUSA_OPEN_RATE is set): at 200/s its queue
#                would only grow.
# Medusa first (install, fresh database, migrate, production start, seed through the admin API: region XAF,
# stock location with managed inventory, shipping option, sales channel + publishable key, 1,000 products with
# stock), stopped, then Okada (fresh database, migrate, serve, seed through its API: merchant, store in Akwa,
# 1,000 products with stock, 200 customer accounts). Servers on core 0, the load client (load.mjs, one Node
# process, the same for both) on core 1; PostgreSQL and Redis (private `bench` pair, ports 55434/56381)
# unpinned. Okada is skipped with a message when its binary is absent (build/release/apps/okada/okada, or
# $OKADA_BIN); this script does not build it.
#
# Usage: bench/commerce/run.sh [--record]     (--record appends a dated section to bench/RESULTS.md)
#   BENCH_LIST_SECONDS=15 BENCH_LIST_CONNECTIONS=32 BENCH_CHECKOUT_SECONDS=60 BENCH_CONCURRENCY=16
#   BENCH_OPEN_SECONDS=60 BENCH_OPEN_RATE=200 BENCH_MEDUSA_OPEN_RATE=auto BENCH_CUSTOMERS=200 BENCH_SKIP_MEDUSA=0
#   BENCH_SETTLE_SECONDS=20 (pause before each system's open loop, after its closed-loop saturation)
#   BENCH_LIST_TOOL=autocannon (or wrk, for both systems, if autocannon on one core caps Okada's listing)
# Diagnosis (not needed for a record): BENCH_TIMELINE=1 prints the open loop's slowest flow and count over 50 ms
#   per second; BENCH_PG_STATS=1 prints Okada's top statements by planning + execution time (needs
#   pg_stat_statements in the bench PostgreSQL's shared_preload_libraries, with track_planning on for plan times).
# The durations are long enough for Medusa (one checkout flow takes it ~2 s alone and tens of seconds with
# 16 in flight; a 20-product page ~0.15 s): shorter runs complete too few of its flows to count.
# Takes ~8 minutes (first run: + ~1 minute of npm ci). Not part of scripts/test.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
cd "$ROOT"
HERE="$ROOT/bench/commerce"
RECORD=0
RESULTS_FILE="${BENCH_RESULTS_FILE:-$ROOT/bench/RESULTS.md}"
case "${1:-}" in
  "") ;;
  --record) RECORD=1 ;;
  -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
  *) echo "usage: bench/commerce/run.sh [--record]" >&2; exit 2 ;;
esac
LIST_S="${BENCH_LIST_SECONDS:-15}"
LIST_C="${BENCH_LIST_CONNECTIONS:-32}"
LIST_TOOL="${BENCH_LIST_TOOL:-autocannon}"
CHECKOUT_S="${BENCH_CHECKOUT_SECONDS:-60}"
CONC="${BENCH_CONCURRENCY:-16}"
OPEN_S="${BENCH_OPEN_SECONDS:-60}"
OPEN_RATE="${BENCH_OPEN_RATE:-200}"
SETTLE_S="${BENCH_SETTLE_SECONDS:-20}"
MEDUSA_OPEN_RATE="${BENCH_MEDUSA_OPEN_RATE:-auto}"
CUSTOMERS="${BENCH_CUSTOMERS:-200}"
OKADA_PORT=18291
MEDUSA_PORT=18292
SMS_PORT=18293
SERVER_CPU=0
CLIENT_CPU=1
log() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

command -v node >/dev/null || die "Node.js >= 20.19 with npm is required"
scripts/setup --bench >&2 # wrk, the PostgreSQL client (and the server packages), from Debian
(($(nproc) >= 2)) || { SERVER_CPU=0; CLIENT_CPU=0; log "one core only: server and client share it"; }
BIN="${OKADA_BIN:-$ROOT/build/release/apps/okada/okada}"

source "$ROOT/bench/lib.sh"
bench_env bench "${BENCH_PG_PORT:-55434}" "${BENCH_REDIS_PORT:-56381}"
bench_workdir okada-bench-commerce
started="$(date -u '+%Y-%m-%d %H:%M UTC')"
command_env="$(env | grep -E '^(BENCH_[A-Z_]+|OKADA_BIN)=' | grep -v '^BENCH_RESULTS_FILE=' | sort | tr '\n' ' ' || true)"
load_at_start="$(cut -d' ' -f1-3 /proc/loadavg)"

# The load client's own packages (autocannon, undici).
if [[ ! -f "$HERE/node_modules/.package-lock.json" || "$HERE/package-lock.json" -nt "$HERE/node_modules/.package-lock.json" ]]; then
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi
client() { taskset -c "$CLIENT_CPU" node "$HERE/load.mjs" "$@"; }
field() { python3 -c 'import json,sys; d=json.loads(sys.argv[1]); v=d
for k in sys.argv[2].split("."): v=v.get(k) if isinstance(v,dict) else None
print("" if v is None else v)' "$1" "$2"; }
# user + system CPU ticks of a process (fields 14 and 15 of /proc/PID/stat).
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
peak_rss_mb() { awk '/VmHWM/ {printf "%d", $2/1024}' "/proc/$1/status" 2>/dev/null || echo "?"; }

# run_system NAME SEED_FILE OPEN_RATE: the three measurements; results in NAME_list, NAME_checkout, NAME_open.
run_system() {
  local name=$1 seed=$2 rate=$3 v
  log "$name: listing, $LIST_C connections, ${LIST_S}s"
  v="${name}_list"
  printf -v "$v" '%s' "$(client list --seed "$seed" --connections "$LIST_C" --seconds "$LIST_S" --tool "$LIST_TOOL")"
  log "$name: ${!v}"
  log "$name: checkout flows, closed loop, $CONC virtual users, ${CHECKOUT_S}s"
  v="${name}_checkout"
  printf -v "$v" '%s' "$(client checkout --seed "$seed" --concurrency "$CONC" --seconds "$CHECKOUT_S")"
  log "$name: ${!v}"
  if [[ "$rate" == auto ]]; then
    rate=$(python3 -c 'import sys; print(max(0.2, round(float(sys.argv[1]) / 2, 2)))' "$(field "${!v}" flows_per_s)")
  fi
  # Let the closed-loop saturation settle (the database's autovacuum and checkpoint after tens of thousands of
  # orders, the server's event backlog) so the open loop measures the offered rate, not the previous phase.
  log "$name: settling ${SETTLE_S}s before the open loop"
  sleep "$SETTLE_S"
  log "$name: checkout flows, open loop, $rate flows/s for ${OPEN_S}s"
  v="${name}_open"
  printf -v "$v" '%s' "$(client open --seed "$seed" --rate "$rate" --seconds "$OPEN_S")"
  log "$name: ${!v}"
}

# --- Medusa ---------------------------------------------------------------------------------------------------
medusa_list="" medusa_checkout="" medusa_open="" medusa_rss="" okada_list="" okada_checkout="" okada_open="" okada_rss=""
if [[ "${BENCH_SKIP_MEDUSA:-0}" != 1 ]]; then
  MEDUSA_PORT=$MEDUSA_PORT MEDUSA_CPUS=$SERVER_CPU "$HERE/medusa/setup.sh" "$WORK/medusa" ||
    { tail -n 40 "$WORK/medusa/medusa.log" >&2 2>/dev/null || true; die "Medusa set-up failed"; }
  medusa_pid="$(cat "$WORK/medusa/medusa.pid")"
  pids+=("$medusa_pid")
  run_system medusa "$WORK/medusa/medusa-seed.json" "$MEDUSA_OPEN_RATE"
  medusa_rss="$(peak_rss_mb "$medusa_pid")"
  orders=$(psql -h 127.0.0.1 -p "$OKADA_PG_PORT" -U postgres -d medusa -Atc \
    'SELECT count(*) FROM "order"; SELECT count(*) FROM reservation_item WHERE deleted_at IS NULL' | paste -sd/)
  log "medusa: orders / inventory reservations in the database: $orders; peak RSS ${medusa_rss} MB"
  kill "$medusa_pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$medusa_pid" 2>/dev/null || break; sleep 0.1; done
fi

# --- Okada ----------------------------------------------------------------------------------------------------
# Start and seed; returns 1 (with the reason logged) instead of exiting, so that Medusa's figures still print.
okada_start() {
  scripts/dev-env dropdb okada_commerce >&2 || true
  scripts/dev-env createdb okada_commerce >&2 || return 1
  redis-cli -u "${OKADA_REDIS_URL%/}/0" flushdb >/dev/null || return 1
  export OKADA_STATE_DIR="$WORK/okada-state" OKADA_PG_URL="${OKADA_PG_URL%/*}/okada_commerce"
  export OKADA_LOG_ACCESS=false OKADA_LOG_LEVEL=warn OKADA_HTTP_PORT=$OKADA_PORT OKADA_HTTP_IO_THREADS=1
  export OKADA_SMS_URL="http://127.0.0.1:$SMS_PORT"
  # Rate limits stay ON (every request still goes through the limiters) with ceilings above the load: all traffic
  # comes from one address, and each of the 200 bench customers checks out far more often than a person would
  # (gateway.checkout_per_min defaults to 20 per customer; 200/s spread over 200 accounts is 60 per minute each).
  # Any 429 still shows up in the errors column. Access tokens outlive the run.
  export OKADA_GATEWAY_GENERAL_RATE=1000000 OKADA_GATEWAY_GENERAL_BURST=1000000 OKADA_GATEWAY_SIGNIN_PER_MIN=100000
  if "$BIN" config --keys 2>/dev/null | grep -q '^gateway.checkout_per_min '; then
    export OKADA_GATEWAY_CHECKOUT_PER_MIN="${BENCH_CHECKOUT_PER_MIN:-1000000}"
  else
    log "this okada has no gateway.checkout_per_min: an older build?"
  fi
  export OKADA_AUTH_ACCESS_TTL_MS=3600000
  "$BIN" migrate >&2 || { log "okada migrate failed"; return 1; }
  "$BIN" sandbox sms --port "$SMS_PORT" >"$WORK/sms.log" 2>&1 &
  pids+=($!)
  taskset -c "$SERVER_CPU" "$BIN" serve 2>"$WORK/okada.log" &
  okada_pid=$!
  pids+=("$okada_pid")
  for _ in $(seq 100); do
    curl -fsS "http://127.0.0.1:$OKADA_PORT/readyz" >/dev/null 2>&1 && break
    kill -0 "$okada_pid" 2>/dev/null || { tail -n 30 "$WORK/okada.log" >&2; log "okada serve exited"; return 1; }
    sleep 0.1
  done
  node "$HERE/okada/seed.mjs" --base "http://127.0.0.1:$OKADA_PORT" --bin "$BIN" --customers "$CUSTOMERS" \
    --out "$WORK/okada-seed.json" || { tail -n 20 "$WORK/okada.log" >&2; log "Okada seeding failed"; return 1; }
}

okada_pid=""
if [[ ! -x "$BIN" ]]; then
  log "Okada SKIPPED: no okada binary at $BIN (build it with 'cmake --build --preset release --target okada', or set OKADA_BIN)"
elif okada_start; then
  [[ "${BENCH_PG_STATS:-0}" == 1 ]] && psql "$OKADA_PG_URL" -qc 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset()' >/dev/null
  cpu0="$(cpu_ticks "$okada_pid")"
  run_system okada "$WORK/okada-seed.json" "$OPEN_RATE"
  log "okada: server CPU over the three phases: $(( ($(cpu_ticks "$okada_pid") - cpu0) / $(getconf CLK_TCK) )) s"
  okada_rss="$(peak_rss_mb "$okada_pid")"
  if [[ "${BENCH_PG_STATS:-0}" == 1 ]]; then
    psql "$OKADA_PG_URL" -c "SELECT calls, plans, round(total_plan_time) AS plan_ms, round(total_exec_time) AS total_ms, round(mean_exec_time::numeric, 3) AS mean_ms,
      left(regexp_replace(query, '\s+', ' ', 'g'), 110) AS query FROM pg_stat_statements ORDER BY total_plan_time + total_exec_time DESC LIMIT 40" >&2
  fi
else
  log "Okada FAILED to start or seed (see above): no Okada figures in this run"
fi

# --- table ----------------------------------------------------------------------------------------------------
f() { [[ -n "$1" ]] && field "$1" "$2" || echo "—"; }
r() { [[ -n "$1" && -n "$2" && "$2" != 0 && "$1" != "—" && "$2" != "—" ]] && python3 -c 'import sys; print(f"{float(sys.argv[1])/float(sys.argv[2]):,.0f}×")' "$1" "$2" || echo "—"; }
ok_list=$(f "$okada_list" req_per_s) md_list=$(f "$medusa_list" req_per_s)
ok_flow=$(f "$okada_checkout" flows_per_s) md_flow=$(f "$medusa_checkout" flows_per_s)
ok_p99=$(f "$okada_open" p99_ms)
# verdict A B: ✔ when A > B (strictly), ✘ otherwise, nothing when a figure is missing.
verdict() { python3 -c 'import sys
try: print("✔" if float(sys.argv[1]) > float(sys.argv[2]) else "✘")
except ValueError: print("")' "$1" "$2"; }
ratio_num() { [[ "$1" != "—" && "$2" != "—" ]] && python3 -c 'import sys; print(float(sys.argv[1])/float(sys.argv[2]))' "$1" "$2" || echo "—"; }
errs() { [[ -n "$1" ]] && python3 -c 'import json,sys; d=json.loads(sys.argv[1]); e=d.get("errors") or {}
e = e if isinstance(e, dict) else {"errors": e}
if d.get("non2xx"): e["non-2xx"] = d["non2xx"]
print(", ".join(f"{k}: {v}" for k, v in e.items() if v) or "none")' "$1" || echo "—"; }

table=$(cat <<TABLE
| measure | Okada | Medusa 2.21.2 | Okada ÷ Medusa | target |
|---|---|---|---|---|
| product listing, first page of 20 of 1,000, $LIST_C connections, closed loop, $LIST_TOOL (req/s) | $ok_list | $md_list | $(r "$ok_list" "$md_list") | ≥ 100× $(verdict "$(ratio_num "$ok_list" "$md_list")" 99.9999) |
| listing latency p50 / p99 (ms) | $(f "$okada_list" p50_ms) / $(f "$okada_list" p99_ms) | $(f "$medusa_list" p50_ms) / $(f "$medusa_list" p99_ms) | | |
| full checkout (cart, add 3 items, checkout), $CONC virtual users, closed loop (flows/s) | $ok_flow | $md_flow | $(r "$ok_flow" "$md_flow") | ≥ 100× $(verdict "$(ratio_num "$ok_flow" "$md_flow")" 99.9999) |
| checkout flow latency, closed loop, p50 / p99 (ms) | $(f "$okada_checkout" p50_ms) / $(f "$okada_checkout" p99_ms) | $(f "$medusa_checkout" p50_ms) / $(f "$medusa_checkout" p99_ms) | | |
| open loop: offered checkouts/s × ${OPEN_S}s, completed/s | $(f "$okada_open" offered_per_s), $(f "$okada_open" completed_per_s) | $(f "$medusa_open" offered_per_s), $(f "$medusa_open" completed_per_s) | | Okada at 200/s |
| open loop checkout latency from planned start, p50 / p99 (ms) | $(f "$okada_open" p50_ms) / **$ok_p99** | $(f "$medusa_open" p50_ms) / $(f "$medusa_open" p99_ms) | | Okada p99 < 50 ms $( [[ "$ok_p99" != "—" ]] && verdict 50 "$ok_p99") |
| open loop, the order-placing request alone (Okada POST /v1/checkout; Medusa POST /store/carts/{id}/complete), p50 / p99 from sending (ms) | $(f "$okada_open" steps.checkout.p50_ms) / $(f "$okada_open" steps.checkout.p99_ms) | $(f "$medusa_open" steps.complete.p50_ms) / $(f "$medusa_open" steps.complete.p99_ms) | | |
| errors: listing; closed-loop checkout; open-loop checkout | $(errs "$okada_list"); $(errs "$okada_checkout"); $(errs "$okada_open") | $(errs "$medusa_list"); $(errs "$medusa_checkout"); $(errs "$medusa_open") | | |
| server peak RSS (MB) | ${okada_rss:-—} | ${medusa_rss:-—} | | |
TABLE
)
echo
echo "$table"
echo

if ((RECORD)); then
  # shellcheck disable=SC2016 # backquotes are Markdown
  {
    printf '\n## Commerce side by side with Medusa 2.21 (bench/commerce/run.sh)\n\n'
    printf 'Command: `%sbench/commerce/run.sh --record` (listing %ss × %s connections, closed-loop checkout %ss × %s in flight, %ss pause, open loop %ss) — started %s, ' \
      "$command_env" "$LIST_S" "$LIST_C" "$CHECKOUT_S" "$CONC" "$SETTLE_S" "$OPEN_S" "$started"
    printf 'ended %s. Machine: `nproc` = %s, `uname -r` = %s, %s; load average at start %s.\n\n' \
      "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(nproc)" "$(uname -r)" \
      "$(lscpu | sed -n 's/^Model name: *//p' | head -1)" "$load_at_start"
    printf 'Set-up: each server alone on core %s (Okada `okada serve`, all services, 1 I/O thread; Medusa 2.21.2 `medusa start`, NODE_ENV=production, Redis event bus, cache, workflow engine and locking), ' "$SERVER_CPU"
    printf 'the same load client (`bench/commerce/load.mjs`, one Node %s process) on core %s, PostgreSQL 15 + Redis 7 (private `bench` pair) unpinned and shared. ' "$(node --version)" "$CLIENT_CPU"
    printf 'Same catalogue: 1,000 products, one variant/listing each with stock; Medusa variants have `manage_inventory: true` (adding to cart checks availability, completing reserves). '
    printf 'Medusa checkout = guest cart with a shipping address, 3 line items, shipping method, payment collection + session (system provider), complete; Okada = 3 × PUT cart line, POST /v1/checkout (cash, Idempotency-Key) by %s customer accounts taking turns; its rate limiters stay on with ceilings above the load (general, sign-in, checkout per customer).\n\n' "$CUSTOMERS"
    echo "$table"
    printf '\nRaw (load.mjs output):\n\n```\n'
    for v in medusa_list medusa_checkout medusa_open okada_list okada_checkout okada_open; do
      [[ -n "${!v}" ]] && printf '%s\n' "${!v}"
    done
    [[ -x "$BIN" ]] || printf 'Okada skipped: no binary at %s\n' "$BIN"
    printf '```\n'
  } >>"$RESULTS_FILE"
  log "appended to $RESULTS_FILE"
fi
