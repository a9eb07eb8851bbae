#!/usr/bin/env bash
# Identity & gateway benchmarks (issue 3), side by side in one run:
#   1. proxy   an authenticated GET /v1/users/me through the okada gateway (JWT verification + in-memory rate
#              limit + proxy) vs nginx proxy_pass (upstream keep-alive, no auth), both to the SAME backend
#              process (`okada serve --services=users`). Proxies on core 0, wrk on core 1. Target ≥ 0.7×.
#   2. overhead in one process: Server::Handle (the whole edge) vs calling the route's handler directly,
#              interleaved; p50 difference. Target < 20 µs (okada-bench-gateway).
#   3. storm   200 concurrent sign-ins of distinct accounts (production Argon2id, m=19 MiB t=2 p=1) while wrk
#              measures GET /v1/users/me: all sign-ins succeed; p99 of the other endpoint. Target < 50 ms.
# Prints a Markdown table of medians over BENCH_ROUNDS rounds; paste it into bench/RESULTS.md.
#
# Usage: bench/gateway/run.sh      (BENCH_SECONDS=10 BENCH_ROUNDS=3 BENCH_CONNECTIONS=64)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
cd "$ROOT"
SECONDS_PER_RUN="${BENCH_SECONDS:-10}"
ROUNDS="${BENCH_ROUNDS:-3}"
CONN="${BENCH_CONNECTIONS:-64}"
GW_PORT=18281
BACK_PORT=18282
NGINX_PORT=18283
SMS_PORT=18284
log() { printf 'bench: %s\n' "$*" >&2; }

scripts/setup --bench >&2
export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
cmake --preset release >/dev/null
cmake --build --preset release --target okada okada-bench-gateway >&2
BIN="$ROOT/build/release/apps/okada/okada"
OVERHEAD="$ROOT/build/release/bench/okada-bench-gateway"

source "$ROOT/bench/lib.sh"
bench_env bench "${BENCH_PG_PORT:-55434}" "${BENCH_REDIS_PORT:-56381}"
bench_workdir okada-bench-gw

scripts/dev-env dropdb okada_gw >&2 || true
scripts/dev-env createdb okada_gw >&2
DB_URL="${OKADA_PG_URL%/*}/okada_gw"
export OKADA_STATE_DIR="$WORK/state" OKADA_PG_URL="$DB_URL" OKADA_LOG_ACCESS=false OKADA_LOG_LEVEL=warn
export OKADA_SMS_URL="http://127.0.0.1:$SMS_PORT"
# Limits stay ON (the in-memory limiter runs on every request), just high enough not to throttle the load.
export OKADA_GATEWAY_GENERAL_RATE=1000000 OKADA_GATEWAY_GENERAL_BURST=1000000 OKADA_GATEWAY_SIGNIN_PER_MIN=100000
export OKADA_AUTH_OTP_SENDS_PER_IP=100000
"$BIN" migrate >&2
"$BIN" sandbox sms --port "$SMS_PORT" >"$WORK/sms.log" 2>&1 &
pids+=($!)

# The backend: users only (its own edge also verifies tokens, against the gateway process's JWKS).
OKADA_HTTP_PORT=$BACK_PORT OKADA_HTTP_IO_THREADS=1 OKADA_SERVICES_REMOTE="auth=http://127.0.0.1:$GW_PORT" \
  taskset -c 1 "$BIN" serve --services=users 2>"$WORK/backend.log" &
pids+=($!)
# The gateway process: auth + the edge, users proxied to the backend.
OKADA_HTTP_PORT=$GW_PORT OKADA_HTTP_IO_THREADS=1 OKADA_SERVICES_REMOTE="users=http://127.0.0.1:$BACK_PORT" \
  taskset -c 0 "$BIN" serve --services=auth 2>"$WORK/gateway.log" &
GW_PID=$!
pids+=($GW_PID)

nginx_start "$NGINX_PORT" "upstream backend { server 127.0.0.1:$BACK_PORT; keepalive 64; }" \
  'location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; }'

for _ in $(seq 200); do
  curl -fsS "http://127.0.0.1:$GW_PORT/readyz" >/dev/null 2>&1 && curl -fsS "http://127.0.0.1:$BACK_PORT/readyz" >/dev/null 2>&1 &&
    curl -fsS "http://127.0.0.1:$NGINX_PORT/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done

phone_n=0
phone_of() { printf '+23767%07d' "$1"; }
signup() {  # → access token
  curl -fsS -X POST -H 'Content-Type: application/json' \
    -d "{\"phone\":\"$1\",\"password\":\"bench passphrase $1\"}" "http://127.0.0.1:$GW_PORT/v1/auth/signup" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}
TOKEN="$(signup "$(phone_of 0)")"
for port in $GW_PORT $NGINX_PORT; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$port/v1/users/me")
  [ "$code" = 200 ] || { log "GET /v1/users/me via port $port answered $code: $(curl -s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$port/v1/users/me")"; for f in "$WORK"/*.log; do tail -n 20 "$f" >&2; done; exit 1; }
done

WRK_ARGS=(-H "Authorization: Bearer $TOKEN")

# 1. proxy throughput, alternating
for r in $(seq "$ROUNDS"); do
  log "round $r/$ROUNDS"
  wrk_run nginx "http://127.0.0.1:$NGINX_PORT/v1/users/me" "$CONN"
  wrk_run gateway "http://127.0.0.1:$GW_PORT/v1/users/me" "$CONN"
done

# 3. sign-in storm: 200 distinct accounts, all signing in at once, while wrk measures GET /v1/users/me.
log "creating 200 accounts for the sign-in storm"
: >"$WORK/phones"
for i in $(seq 200); do
  p=$(phone_of "$i")
  signup "$p" >/dev/null
  echo "$p" >>"$WORK/phones"
done
for r in $(seq "$ROUNDS"); do
  ( sleep 1; python3 "$ROOT/bench/gateway/signin_storm.py" "http://127.0.0.1:$GW_PORT" "$WORK/phones" >"$WORK/storm.$r" ) &
  storm=$!
  wrk_run storm_other "http://127.0.0.1:$GW_PORT/v1/users/me" 8 "$((SECONDS_PER_RUN + 10))"
  wait $storm || true
  log "storm $r: $(cat "$WORK/storm.$r")"
  results[storm]+="$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["ok"])' "$WORK/storm.$r") "
  results[storm_s]+="$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["seconds"])' "$WORK/storm.$r") "
done

# 2. in-process overhead (its own host on this database; no other load)
kill "$GW_PID" 2>/dev/null || true
overhead=$(taskset -c 0 "$OVERHEAD" --pg "$DB_URL" --redis "$OKADA_REDIS_URL" --iterations 20000)
log "overhead: $overhead"

gw=$(m gateway); ng=$(m nginx)
cat <<TABLE
| measure | okada | peer | peer figure | ratio / target |
|---|---|---|---|---|
| authenticated GET /v1/users/me via proxy, $CONN conns (req/s) | $gw | nginx proxy_pass, keep-alive, no auth | $ng | $(ratio "$gw" "$ng") (≥ 0.70) |
| p50 latency via proxy (ms) | $(m gateway.p50) | nginx | $(m nginx.p50) | |
| edge overhead in one process, p50 (µs) | $(echo "$overhead" | python3 -c 'import json,sys; print(json.load(sys.stdin)["overhead_p50_us"])') | direct handler call | $(echo "$overhead" | python3 -c 'import json,sys; print(json.load(sys.stdin)["direct_p50_us"])') µs direct | < 20 µs |
| GET /v1/users/me p99 during 200 concurrent sign-ins (ms) | $(m storm_other.p99) | | | < 50 ms |
| sign-ins succeeded of 200 (median), storm duration (s) | $(m storm) | | $(m storm_s) s | 200 |

Rounds: $ROUNDS × ${SECONDS_PER_RUN}s; raw req/s per round: gateway ${results[gateway]}| nginx ${results[nginx]}; storm p99 per round: ${results[storm_other.p99]}; overhead: $overhead
TABLE
