#!/usr/bin/env bash
# The statistical forecasters on the M4 hourly set (414 series, H = 48, M = 24), scored with M4's sMAPE and MASE
# against the anchors in bench/forecast/data/m4_hourly_anchors.csv. Prints the CLI's JSON object, then the anchors.
#
# Usage: bench/forecast/run.sh [OKADA_BRAIN]    (default build/release/apps/okada-brain/okada-brain)
#   FORECAST_MODELS=snaive,ets,theta,auto   the models to run (the forecasts file holds the last one's)
#   FORECAST_OUT=/some/file.csv             keep the forecasts there (default: a temporary file, removed at the end)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
BIN="${1:-$ROOT/build/release/apps/okada-brain/okada-brain}"
DATA="$ROOT/bench/forecast/data"
OUT="${FORECAST_OUT:-$(mktemp --suffix=.csv)}"
[[ -n "${FORECAST_OUT:-}" ]] || trap 'rm -f "$OUT"' EXIT
"$BIN" forecast --train "$DATA/Hourly-train.csv" --test "$DATA/Hourly-test.csv" --format m4 --horizon 48 --season 24 \
  --models "${FORECAST_MODELS:-snaive,ets,theta,auto}" --out "$OUT"
echo "M4 anchors (official):" >&2
column -s, -t "$DATA/m4_hourly_anchors.csv" >&2
