#!/usr/bin/env bash
# Payments resilience benchmark (issue 5: "provider down: other endpoints keep answering within their normal
# deadline; their p99 recorded"). One run, two phases of the same open-loop load on the release `okada`:
#   healthy  the MoMo sandbox approves every payment after 1 s;
#   hanging  the MoMo sandbox holds every answer about the payer for 60 s (longer than payments'
#            provider_timeout_ms, 10 s): each payment request waits for the deadline until the breaker opens,
#            then the payments wait for the worker.
# Load (bench/payments/load.mjs, one Node process on core 1; server on core 0): other endpoints (public listing,
# a customer's cart) at BENCH_RATE requests/s, and BENCH_PAY_RATE checkout+pay flows/s. Reported per phase: the
# other endpoints' p50/p99 (from each request's planned start) and the pay request's p50/p99. There is no peer
# to run beside it (Medusa has no mobile-money provider): the comparison is the same system, provider healthy
# versus hanging, in one run. The target: the other endpoints' p99 stays far inside http.request_deadline_ms (2 s).
#
# Usage: bench/payments/run.sh [--record]   BENCH_SECONDS=30 BENCH_RATE=200 BENCH_PAY_RATE=5 OKADA_BIN=…
# Takes ~2 minutes. Not part of scripts/test.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
cd "$ROOT"
HERE="$ROOT/bench/payments"
RECORD=0
RESULTS_FILE="${BENCH_RESULTS_FILE:-$ROOT/bench/RESULTS.md}"
case "${1:-}" in
  "") ;;
  --record) RECORD=1 ;;
  -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
  *) echo "usage: bench/payments/run.sh [--record]" >&2; exit 2 ;;
esac
SECONDS_RUN="${BENCH_SECONDS:-30}"
RATE="${BENCH_RATE:-200}"
PAY_RATE="${BENCH_PAY_RATE:-5}"
PORT=18391
SMS_PORT=18393
MOMO_PORT=18394
ORANGE_PORT=18395
PAYER=237670000001
log() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

command -v node >/dev/null || die "Node.js >= 20 is required"
BIN="${OKADA_BIN:-$ROOT/build/release/apps/okada/okada}"
[[ -x "$BIN" ]] || die "no okada binary at $BIN (cmake --build --preset release --target okada, or set OKADA_BIN)"
SERVER_CPU=0 CLIENT_CPU=1
(($(nproc) >= 2)) || CLIENT_CPU=0

source "$ROOT/bench/lib.sh"
bench_env bench "${BENCH_PG_PORT:-55434}" "${BENCH_REDIS_PORT:-56381}"
bench_workdir okada-bench-payments
started="$(date -u '+%Y-%m-%d %H:%M UTC')"
load_at_start="$(cut -d' ' -f1-3 /proc/loadavg)"

scripts/dev-env dropdb okada_payments_bench >&2 || true
scripts/dev-env createdb okada_payments_bench >&2
redis-cli -u "${OKADA_REDIS_URL%/}/0" flushdb >/dev/null
export OKADA_STATE_DIR="$WORK/state" OKADA_PG_URL="${OKADA_PG_URL%/*}/okada_payments_bench"
export OKADA_LOG_ACCESS=false OKADA_LOG_LEVEL=error OKADA_HTTP_PORT=$PORT OKADA_HTTP_IO_THREADS=1
export OKADA_SMS_URL="http://127.0.0.1:$SMS_PORT"
export OKADA_PAYMENTS_MOMO_URL="http://127.0.0.1:$MOMO_PORT" OKADA_PAYMENTS_ORANGE_URL="http://127.0.0.1:$ORANGE_PORT"
export OKADA_GATEWAY_GENERAL_RATE=1000000 OKADA_GATEWAY_GENERAL_BURST=1000000 OKADA_GATEWAY_SIGNIN_PER_MIN=100000
export OKADA_GATEWAY_CHECKOUT_PER_MIN=1000000 OKADA_GATEWAY_PAYMENT_PER_MIN=1000000 OKADA_AUTH_ACCESS_TTL_MS=3600000
"$BIN" migrate >&2
"$BIN" sandbox sms --port "$SMS_PORT" >"$WORK/sms.log" 2>&1 &
pids+=($!)
"$BIN" sandbox momo --port "$MOMO_PORT" >"$WORK/momo.log" 2>&1 &
pids+=($!)
"$BIN" sandbox orange --port "$ORANGE_PORT" >"$WORK/orange.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [[ -s "$OKADA_STATE_DIR/keys/momo-sandbox.json" ]] && break; sleep 0.1; done
taskset -c "$SERVER_CPU" "$BIN" serve 2>"$WORK/okada.log" &
okada_pid=$!
pids+=("$okada_pid")
for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  kill -0 "$okada_pid" 2>/dev/null || { tail -n 30 "$WORK/okada.log" >&2; die "okada serve exited"; }
  sleep 0.1
done
node "$ROOT/bench/commerce/okada/seed.mjs" --base "http://127.0.0.1:$PORT" --bin "$BIN" --products 200 \
  --customers 100 --out "$WORK/seed.json" >&2

program() {
  curl -fsS -X POST "http://127.0.0.1:$MOMO_PORT/sandbox/payers" -H 'content-type: application/json' -d "$1" >/dev/null
}
phase() {
  log "$1: other endpoints at $RATE/s, $PAY_RATE payments/s, ${SECONDS_RUN}s"
  taskset -c "$CLIENT_CPU" node "$HERE/load.mjs" --seed "$WORK/seed.json" --rate "$RATE" --pay-rate "$PAY_RATE" \
    --seconds "$SECONDS_RUN" --msisdn "$PAYER"
}
field() { python3 -c 'import json,sys; d=json.loads(sys.argv[1]); v=d
for k in sys.argv[2].split("."): v=v.get(k) if isinstance(v,dict) else None
print("—" if v is None else v)' "$1" "$2"; }

program '{"msisdn":"'$PAYER'","outcome":"approve","after_ms":1000}'
healthy="$(phase healthy)"
log "healthy: $healthy"
program '{"msisdn":"'$PAYER'","outcome":"approve","after_ms":1000,"slow_ms":60000}'
hanging="$(phase hanging)"
log "hanging: $hanging"
breaker="$(curl -fsS "http://127.0.0.1:$PORT/metrics" | grep -E '^okada_breaker_transitions_total\{upstream="momo",to="open"\}' || echo 'none')"

table=$(cat <<TABLE
| phase | other endpoints p50 | other endpoints p99 | other errors | pay request p50 | pay request p99 | pay answers |
|---|---|---|---|---|---|---|
| provider healthy | $(field "$healthy" other.p50_ms) ms | $(field "$healthy" other.p99_ms) ms | $(field "$healthy" other.errors) | $(field "$healthy" pay.p50_ms) ms | $(field "$healthy" pay.p99_ms) ms | $(field "$healthy" pay.statuses) |
| provider hanging | $(field "$hanging" other.p50_ms) ms | $(field "$hanging" other.p99_ms) ms | $(field "$hanging" other.errors) | $(field "$hanging" pay.p50_ms) ms | $(field "$hanging" pay.p99_ms) ms | $(field "$hanging" pay.statuses) |
TABLE
)
ratio=$(python3 -c 'import sys
try: print(f"{float(sys.argv[1])/float(sys.argv[2]):.2f}")
except Exception: print("—")' "$(field "$hanging" other.p99_ms)" "$(field "$healthy" other.p99_ms)")
echo "$table"
echo "other endpoints p99, hanging ÷ healthy: $ratio; breaker: $breaker"
if ((RECORD)); then
  {
    echo
    echo "## Payments: other endpoints while the provider hangs — $started"
    echo
    echo "Command: \`bench/payments/run.sh --record\` (BENCH_SECONDS=$SECONDS_RUN BENCH_RATE=$RATE BENCH_PAY_RATE=$PAY_RATE)."
    echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), load at start $load_at_start;"
    echo "server on core $SERVER_CPU, load client on core $CLIENT_CPU; release build; provider_timeout_ms 10000, breaker 5 failures."
    echo
    echo "$table"
    echo
    echo "Other endpoints' p99, hanging ÷ healthy: **$ratio** (deadline of a request: 2,000 ms). Breaker: \`$breaker\`."
  } >>"$RESULTS_FILE"
  log "recorded in $RESULTS_FILE"
fi
