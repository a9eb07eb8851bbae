# Shared plumbing of the HTTP benchmarks (sourced by bench/*/run.sh; bash, set -euo pipefail):
#   bench_env NAME PG_PORT REDIS_PORT   start the private PostgreSQL + Redis of that name and load its variables
#   bench_workdir PREFIX                a temporary folder in $WORK, removed (with every pid in `pids`) on exit
#   wrk_run NAME URL CONNS [SECONDS]    one wrk run on core 1; appends req/s, p50, p99 to results[NAME(.p50|.p99)]
#                                       (extra wrk arguments, e.g. headers, in the array WRK_ARGS)
#   nginx_start PORT HTTP_EXTRA SERVER_BODY   nginx, 1 worker on core 0, access log off, keep-alive on; the
#                                       caller's `http {}` extras (e.g. an upstream) and `server {}` body
#   m NAME / ratio A B                  median of a result list / A÷B with two decimals
# Callers set SECONDS_PER_RUN and define log().
declare -A results
pids=()
WRK_ARGS=()

bench_env() {
  export OKADA_ENV_NAME="$1" OKADA_PG_PORT="$2" OKADA_REDIS_PORT="$3"
  unset OKADA_RUN_DIR OKADA_PG_URL OKADA_REDIS_URL
  scripts/dev-env start >&2
  eval "$(scripts/dev-env env)"
  ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
}

bench_cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  scripts/dev-env stop >&2 || true
  rm -rf "$WORK"
}

bench_workdir() {
  WORK="$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")"
  chmod 755 "$WORK"
  trap bench_cleanup EXIT
}

wrk_run() {
  local name=$1 url=$2 c=$3 d=${4:-$SECONDS_PER_RUN} out rps p50 p99 errors
  out=$(taskset -c 1 wrk -t1 -c"$c" -d"${d}s" --latency "${WRK_ARGS[@]}" "$url" 2>&1)
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errors=$(grep -Eo 'Non-2xx or 3xx responses: [0-9]+|Socket errors: .*' <<<"$out" || true)
  [ -n "$errors" ] && log "$name: $errors"
  results[$name]+="$rps "
  results[$name.p50]+="$p50 "
  results[$name.p99]+="$p99 "
  log "$name: $rps req/s (p50 $p50, p99 $p99)"
}

nginx_start() {
  local port=$1 http_extra=$2 server_body=$3
  cat >"$WORK/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 60s;
  $http_extra
  server {
    listen 127.0.0.1:$port reuseport;
    $server_body
  }
}
NGINX
  taskset -c 0 nginx -c "$WORK/nginx.conf" -e "$WORK/nginx-error.log" &
  pids+=($!)
}

# Medians of wrk figures: plain numbers, or latencies with a unit (converted to ms).
median() {
  tr ' ' '\n' | grep -v '^$' | sed 's/ms$//; s/us$/e-3/; s/s$/e3/' | sort -g |
    awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'
}
m() { echo "${results[$1]}" | median; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}'; }
