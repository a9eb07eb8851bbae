#!/usr/bin/env bash
# Marketplace forecasting on the simulator (issue 9: "simulated marketplace, 180 days, last 28 held out: auto MASE
# ≤ 0.85× seasonal naive"). Simulates Douala for 180 days (brain/sim/market.conf as committed), turns the order lines
# into daily units sold per store × product (every offer that sold in the first 152 days; days without sales are 0),
# holds out the last 28 days and scores the forecasters with M4's sMAPE and MASE (season 7, horizon 28).
#
# Usage: bench/forecast/sim.sh [OKADA] [OKADA_BRAIN]   (default build/release/apps/{okada/okada,okada-brain/okada-brain})
#   SIM_SEED=1  SIM_DAYS=180  FORECAST_MODELS=snaive,ets,theta,auto
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
OKADA="${1:-$ROOT/build/release/apps/okada/okada}"
BRAIN="${2:-$ROOT/build/release/apps/okada-brain/okada-brain}"
DAYS="${SIM_DAYS:-180}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
"$OKADA" sim export --city douala --days "$DAYS" --seed "${SIM_SEED:-1}" --out "$WORK/sim" >&2
python3 - "$WORK/sim" "$WORK" "$DAYS" <<'PY'
import csv, sys, datetime, collections
sim, out, days = sys.argv[1], sys.argv[2], int(sys.argv[3])
day_of = {}
first = None
with open(sim + "/orders.csv", newline="") as f:
    for r in csv.DictReader(f):
        d = datetime.date.fromisoformat(r["placed_at"][:10])  # local (Douala) date
        first = d if first is None or d < first else first
        day_of[r["order"]] = d
units = collections.defaultdict(lambda: [0] * days)
with open(sim + "/order_lines.csv", newline="") as f:
    for r in csv.DictReader(f):
        i = (day_of[r["order"]] - first).days
        if 0 <= i < days:
            units[r["item"]][i] += int(r["quantity"])
train_n = days - 28
kept = sorted(k for k, v in units.items() if sum(v[:train_n]) > 0)
def write(path, rows, n):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, quoting=csv.QUOTE_NONNUMERIC)
        w.writerow(["V1"] + ["V%d" % (i + 2) for i in range(n)])
        for k, vals in rows:
            w.writerow([k] + [float(v) for v in vals])
write(out + "/train.csv", [(k, units[k][:train_n]) for k in kept], train_n)
write(out + "/test.csv", [(k, units[k][train_n:]) for k in kept], 28)
print("bench: %d store x product series, %d training days, 28 held out; mean %.2f units/day"
      % (len(kept), train_n, sum(sum(units[k]) for k in kept) / len(kept) / days), file=sys.stderr)
PY
"$BRAIN" forecast --train "$WORK/train.csv" --test "$WORK/test.csv" --format m4 --horizon 28 --season 7 \
  --models "${FORECAST_MODELS:-snaive,ets,theta,auto}" --out "$WORK/forecasts.csv"
