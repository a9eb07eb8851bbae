#!/usr/bin/env bash
# Medusa 2.21.2, the peer of bench/commerce/run.sh: install, migrate a fresh database, start in production mode,
# seed through the admin API. Leaves Medusa running; its pid, log and the load client's seed file go to OUT_DIR.
#
# Usage: bench/commerce/medusa/setup.sh OUT_DIR
#   Uses the private PostgreSQL + Redis whose OKADA_PG_URL / OKADA_REDIS_URL are in the environment
#   (eval "$(OKADA_ENV_NAME=bench scripts/dev-env env)"); starts that pair itself when they are not set.
#   Database "medusa" on that server is DROPPED and re-created; Medusa uses Redis database 1 (flushed).
#   MEDUSA_PORT [18292]  MEDUSA_CPUS [0] (taskset list for the server)  MEDUSA_PRODUCTS [1000]
# Stop it with: kill "$(cat OUT_DIR/medusa.pid)"
# Prerequisites: Node.js >= 20.19 with npm (Medusa 2.21's engines field), the packages come from npm.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
ROOT="$(cd "$HERE/../../.." && pwd -P)"
OUT="${1:?usage: setup.sh OUT_DIR}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd -P)"
PORT="${MEDUSA_PORT:-18292}"
CPUS="${MEDUSA_CPUS:-0}"
log() { printf 'medusa: %s\n' "$*" >&2; }
die() { printf 'medusa: error: %s\n' "$*" >&2; exit 1; }

command -v node >/dev/null && command -v npm >/dev/null ||
  die "Node.js >= 20.19 with npm is required (Debian 12's Node 18 is too old for Medusa 2.21)"
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' ||
  die "Node.js >= 20.19 is required by Medusa 2.21 (found $(node --version))"

if [[ -z "${OKADA_PG_URL:-}" || -z "${OKADA_REDIS_URL:-}" ]]; then
  export OKADA_ENV_NAME="${OKADA_ENV_NAME:-bench}" OKADA_PG_PORT="${OKADA_PG_PORT:-55434}" OKADA_REDIS_PORT="${OKADA_REDIS_PORT:-56381}"
  "$ROOT/scripts/dev-env" start >&2
  eval "$("$ROOT/scripts/dev-env" env)"
fi

cd "$HERE"
# npm ci when node_modules is missing or older than the lock file (~1 min, ~700 MB).
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  log "npm ci (Medusa 2.21.2 and its dependencies)"
  npm ci --no-audit --no-fund --loglevel=error >&2
fi

"$ROOT/scripts/dev-env" dropdb medusa >&2
"$ROOT/scripts/dev-env" createdb medusa >&2
redis_db_url="${OKADA_REDIS_URL%/}/1"
redis-cli -u "$redis_db_url" flushdb >/dev/null

export DATABASE_URL="${OKADA_PG_URL%/*}/medusa" REDIS_URL="$redis_db_url" NODE_ENV=production
export MEDUSA_DISABLE_TELEMETRY=true DO_NOT_TRACK=1
export JWT_SECRET="${JWT_SECRET:-$(head -c 24 /dev/urandom | base64)}" COOKIE_SECRET="${COOKIE_SECRET:-$(head -c 24 /dev/urandom | base64)}"
MEDUSA=(node "$HERE/node_modules/.bin/medusa")

log "migrating $DATABASE_URL"
"${MEDUSA[@]}" db:migrate >"$OUT/medusa-migrate.log" 2>&1 || { tail -n 30 "$OUT/medusa-migrate.log" >&2; die "medusa db:migrate failed"; }
ADMIN_EMAIL=admin@bench.okada.cm
ADMIN_PASSWORD="$(head -c 12 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')x9"
"${MEDUSA[@]}" user -e "$ADMIN_EMAIL" -p "$ADMIN_PASSWORD" >"$OUT/medusa-user.log" 2>&1 || { tail -n 30 "$OUT/medusa-user.log" >&2; die "medusa user failed"; }

log "starting Medusa (production, port $PORT, cpus $CPUS)"
ulimit -n 65536 2>/dev/null || true
PORT="$PORT" nohup taskset -c "$CPUS" "${MEDUSA[@]}" start </dev/null >"$OUT/medusa.log" 2>&1 &
pid=$!
echo "$pid" >"$OUT/medusa.pid"
for _ in $(seq 120); do
  curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { tail -n 30 "$OUT/medusa.log" >&2; die "medusa start exited"; }
  sleep 1
done
curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null || { tail -n 30 "$OUT/medusa.log" >&2; die "Medusa did not answer /health within 120 s"; }
log "up (pid $pid, log $OUT/medusa.log); seeding"

node "$HERE/seed.mjs" --base "http://127.0.0.1:$PORT" --email "$ADMIN_EMAIL" --password "$ADMIN_PASSWORD" \
  --products "${MEDUSA_PRODUCTS:-1000}" --out "$OUT/medusa-seed.json"
log "ready: seed file $OUT/medusa-seed.json; stop with: kill $pid"
