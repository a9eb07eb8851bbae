#!/usr/bin/env bash
# Live tracking benchmark (issue 6): 2,000 riders each send a position every 5 s while 2,000 customers watch their
# orders over /v1/ws; the p99 position-to-customer latency (rider's send → customer's socket, one clock) must stay
# under 250 ms on this machine; okada's RSS and CPU are recorded. Release `okada` on core 0 (one I/O thread),
# the Node client (bench/live/load.mjs) on core 1. No peer runs beside it (Medusa has no rider tracking); the
# figure is compared with the target.
#
# Usage: bench/live/run.sh [--record]   BENCH_N=2000 BENCH_SECONDS=60 OKADA_BIN=…
# Set-up (accounts, orders, offers) takes a few minutes. Not part of scripts/test.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
cd "$ROOT"
HERE="$ROOT/bench/live"
RECORD=0
RESULTS_FILE="${BENCH_RESULTS_FILE:-$ROOT/bench/RESULTS.md}"
case "${1:-}" in
  "") ;;
  --record) RECORD=1 ;;
  -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
  *) echo "usage: bench/live/run.sh [--record]" >&2; exit 2 ;;
esac
N="${BENCH_N:-2000}"
SECONDS_RUN="${BENCH_SECONDS:-60}"
PORT=18491
SMS_PORT=18493
log() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

command -v node >/dev/null || die "Node.js >= 20 is required"
BIN="${OKADA_BIN:-$ROOT/build/release/apps/okada/okada}"
[[ -x "$BIN" ]] || die "no okada binary at $BIN (cmake --build --preset release --target okada, or set OKADA_BIN)"
[[ -d "$HERE/node_modules/ws" ]] || (cd "$HERE" && npm ci --no-audit --no-fund >&2)
SERVER_CPU=0 CLIENT_CPU=1
(($(nproc) >= 2)) || CLIENT_CPU=0

source "$ROOT/bench/lib.sh"
bench_env bench "${BENCH_PG_PORT:-55434}" "${BENCH_REDIS_PORT:-56381}"
bench_workdir okada-bench-live
started="$(date -u '+%Y-%m-%d %H:%M UTC')"
load_at_start="$(cut -d' ' -f1-3 /proc/loadavg)"

scripts/dev-env dropdb okada_live_bench >&2 || true
scripts/dev-env createdb okada_live_bench >&2
redis-cli -u "${OKADA_REDIS_URL%/}/0" flushdb >/dev/null
export OKADA_STATE_DIR="$WORK/state" OKADA_PG_URL="${OKADA_PG_URL%/*}/okada_live_bench"
export OKADA_LOG_ACCESS=false OKADA_LOG_LEVEL="${BENCH_LOG_LEVEL:-error}" OKADA_HTTP_PORT=$PORT OKADA_HTTP_IO_THREADS=1
export OKADA_SMS_URL="http://127.0.0.1:$SMS_PORT" OKADA_AUTH_INSECURE_FAST_HASHING=true
export OKADA_GATEWAY_GENERAL_RATE=1000000 OKADA_GATEWAY_GENERAL_BURST=1000000 OKADA_GATEWAY_SIGNIN_PER_MIN=1000000
export OKADA_GATEWAY_CHECKOUT_PER_MIN=1000000 OKADA_AUTH_ACCESS_TTL_MS=3600000 OKADA_DELIVERY_DISPATCH_MS=200
export OKADA_DELIVERY_OFFER_TTL_MS=600000 OKADA_NOTIFICATIONS_SMS_PER_HOUR=10000 OKADA_PG_POOL_SIZE=16
export OKADA_NOTIFICATIONS_SWEEP_MS=200 OKADA_DELIVERY_POSITION_STALE_MS=3600000
"$BIN" migrate >&2
"$BIN" sandbox sms --port "$SMS_PORT" >"$WORK/sms.log" 2>&1 &
pids+=($!)
taskset -c "$SERVER_CPU" "$BIN" serve 2>"$WORK/okada.log" &
okada_pid=$!
pids+=("$okada_pid")
for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  kill -0 "$okada_pid" 2>/dev/null || { tail -n 30 "$WORK/okada.log" >&2; die "okada serve exited"; }
  sleep 0.1
done
admin_phone='+237690000000'
curl -fsS -X POST "http://127.0.0.1:$PORT/v1/auth/signup" -H 'content-type: application/json' \
  -d '{"phone":"'$admin_phone'","password":"bench passphrase 2026"}' >/dev/null
"$BIN" accounts set-role --phone "$admin_phone" --role admin >/dev/null
admin="$(curl -fsS -X POST "http://127.0.0.1:$PORT/v1/auth/signin" -H 'content-type: application/json' \
  -d '{"phone":"'$admin_phone'","password":"bench passphrase 2026"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$okada_pid/stat"; }
rss_mib() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$okada_pid/status"; }
hz="$(getconf CLK_TCK)"
# The client measures only its last phase; okada's CPU is sampled around the whole client run and reported per
# second of the measured phase from a second sample taken when the client says it starts measuring.
ticks0="$(cpu_ticks)"
result="$(taskset -c "$CLIENT_CPU" node "$HERE/load.mjs" --base "http://127.0.0.1:$PORT" --admin "$admin" --n "$N" \
  --seconds "$SECONDS_RUN" 2> >(tee "$WORK/client.log" >&2) &
  client=$!
  # When the sockets are subscribed the measured phase starts: sample CPU then.
  until grep -q 'measuring' "$WORK/client.log" 2>/dev/null || ! kill -0 $client 2>/dev/null; do sleep 0.2; done
  cpu_ticks >"$WORK/ticks_start"; date +%s.%N >"$WORK/t_start"
  wait $client)"
ticks1="$(cpu_ticks)"; t1="$(date +%s.%N)"
[[ -n "${BENCH_KEEP_LOG:-}" ]] && cp "$WORK/okada.log" "$BENCH_KEEP_LOG"
rss="$(rss_mib)"
cpu_pct="$(python3 -c 'import sys; t0=float(open(sys.argv[1]).read()); s0=float(open(sys.argv[2]).read())
print(f"{(float(sys.argv[3])-t0)/float(sys.argv[5])/(float(sys.argv[4])-s0)*100:.0f}")' \
  "$WORK/ticks_start" "$WORK/t_start" "$ticks1" "$t1" "$hz")"
field() { python3 -c 'import json,sys; d=json.loads(sys.argv[1]); v=d.get(sys.argv[2]); print("—" if v is None else v)' "$1" "$2"; }
table=$(cat <<TABLE
| riders / customers | positions sent | delivered to customers | p50 | p90 | p99 | max | okada RSS | okada CPU (of one core) |
|---|---|---|---|---|---|---|---|---|
| $N / $N | $(field "$result" sent) | $(field "$result" received) | $(field "$result" p50_ms) ms | $(field "$result" p90_ms) ms | $(field "$result" p99_ms) ms | $(field "$result" max_ms) ms | $rss MiB | $cpu_pct % |
TABLE
)
echo "$table"
p99="$(field "$result" p99_ms)"
verdict="$(python3 -c 'import sys; print("met" if sys.argv[1] != "—" and float(sys.argv[1]) < 250 else "NOT met")' "$p99")"
echo "target p99 < 250 ms: $verdict"
if ((RECORD)); then
  {
    echo
    echo "## Live tracking: rider positions to customers' sockets — $started"
    echo
    echo "Command: \`bench/live/run.sh --record\` (BENCH_N=$N BENCH_SECONDS=$SECONDS_RUN, one position per rider every 5 s)."
    echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), load at start $load_at_start;"
    echo "okada (release, one I/O thread) pinned to core $SERVER_CPU, the Node client to core $CLIENT_CPU; PostgreSQL and Redis unpinned."
    echo "Latency = customer socket receive time − the rider's send time (the client's clock for both)."
    echo
    echo "$table"
    echo
    echo "Target p99 < 250 ms: **$verdict**. CPU is okada's user+system time over the measured phase."
  } >>"$RESULTS_FILE"
  log "recorded in $RESULTS_FILE"
fi
