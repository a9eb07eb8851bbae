#!/usr/bin/env bash
# okada brain train forecast against a real registry directory, on a small synthetic marketplace (demand layout:
# sales_daily.csv, orders_hourly.csv, calendar.csv): the first run becomes champion with forecasts from the day after
# the data for every store × product (H days) and zone (Z hours) with ordered quantiles, a report with charts, and
# beats the seasonal naive on the holdout; the same data again is refused (equal, not newer); a week more data is
# promoted; bad input is an error with the file and line, bad options a usage error.
set -euo pipefail
BIN="$1"
T="$(mktemp -d)"
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# 3 stores × 4 products, 98 days from Monday 2026-03-02: weekly pattern, month-end payday lift, rain lift, noise;
# a slow product sells now and then. 3 zones with hourly orders (lunch and evening peaks, more on Saturdays).
make_data() {  # DIR DAYS
python3 - "$1" "$2" <<'PY'
import datetime, math, os, random, sys
out, days = sys.argv[1], int(sys.argv[2])
os.makedirs(out, exist_ok=True)
rng = random.Random(5)
start = datetime.date(2026, 3, 2)
def payday(d):
    nxt = d + datetime.timedelta(days=3)
    return d.day <= 2 or nxt.month != d.month
rain = {}
with open(out + "/calendar.csv", "w") as f:
    f.write("day,city,payday,holiday,rain_hours\n")
    for i in range(days + 42):
        d = start + datetime.timedelta(days=i)
        r = (rng.random() < 0.4) * rng.randint(1, 5)
        rain[d] = r
        f.write(f"{d},douala,{int(payday(d))},{'National Day' if (d.month, d.day) == (5, 20) else ''},{r if i < days else ''}\n")
week = [1.0, 0.9, 0.9, 1.0, 1.2, 1.6, 0.7]
# st0-p0 is on promotion (20 % off, demand × 2.5) 4 days every 3 weeks, planned ones listed past the data.
promo = set()
with open(out + "/promotions.csv", "w") as f:
    f.write("first_day,last_day,city,store,item,discount\n")
    for first in range(10, days + 42, 21):
        a, b = start + datetime.timedelta(days=first), start + datetime.timedelta(days=first + 3)
        f.write(f"{a},{b},douala,st0,st0-p0,0.2\n")
        promo.update(a + datetime.timedelta(days=k) for k in range(4))
rng = random.Random(9)
with open(out + "/sales_daily.csv", "w") as f:
    f.write("day,city,store,item,units\n")
    for i in range(days):
        d = start + datetime.timedelta(days=i)
        for s in range(3):
            for p in range(4):
                level = [12, 6, 3, 0.3][p] * (1 + 0.3 * s)
                mean = level * week[d.weekday()] * (1.35 if payday(d) else 1) * (1 + 0.05 * rain[d])
                if s == 0 and p == 0 and d in promo:
                    mean *= 2.5
                units = max(0, round(rng.gauss(mean, math.sqrt(mean) + 0.3)))
                if units:
                    f.write(f"{d},douala,st{s},st{s}-p{p},{units}\n")
hour = [0.2]*7 + [0.6, 1, 1, 1.2, 2.5, 3, 2, 1, 1, 1.2, 2, 3, 3.5, 2.5, 1.2, 0.6, 0.3]
with open(out + "/orders_hourly.csv", "w") as f:
    f.write("hour,city,zone,orders\n")
    for i in range(days):
        d = start + datetime.timedelta(days=i)
        for h in range(24):
            for z, scale in (("s0wzh", 3), ("s0wzj", 1.5), ("s0wyu", 0.5)):
                mean = scale * hour[h] * (1.3 if d.weekday() == 5 else 1)
                n = sum(1 for _ in range(40) if rng.random() < mean / 40)
                if n:
                    f.write(f"{d}T{h:02d},douala,{z},{n}\n")
PY
}
make_data "$T/d1" 98
R="$T/registry"
field() { python3 -c 'import json,sys; v=json.loads(sys.argv[1]); [v:=v[k] for k in sys.argv[2:]]; print(v)' "$@"; }

out="$("$BIN" train forecast --data "$T/d1" --holdout-days 14 --horizon 21 --zone-horizon-hours 48 --zone-days 28 \
  --registry "$R" 2>"$T/err")" || fail "first run: $(cat "$T/err")"
[ "$(field "$out" promoted)" = True ] || fail "first forecast not promoted: $out"
[ "$(field "$out" version)" = 1 ] || fail "first version: $out"
for line in "extract: reading" "features: 12 store × product series" "per segment" "forecast: from 2026-06-08" \
            "promote: v1 is the first champion"; do
  grep -q "$line" "$T/err" || fail "progress lacks '$line': $(cat "$T/err")"
done
python3 - "$out" <<'PY' || fail "holdout metrics: $out"
import json, sys
r = json.loads(sys.argv[1])
m = r["metrics"]
assert m["mase"] < m["snaive_mase"], m                  # better than the seasonal naive on held-out days
assert m["zones_mase"] < m["zones_snaive_mase"], m
assert r["series"] == {"items": 12, "zones": 3}, r
assert r["forecasts"] == {"from": "2026-06-08", "days": 21, "zone_hours": 48, "rows": 12 * 21 + 3 * 48}, r
PY
report="$(field "$out" report)"
[ "$(grep -o "<svg" "$report" | wc -l)" -ge 6 ] || fail "report charts: $(grep -o "<svg" "$report" | wc -l)"
grep -q "Busiest zones" "$report" && grep -q "Decision:" "$report" || fail "report sections"

# The artifact: every series, days in order from the day after the data, q10 ≤ q50 ≤ q90, none negative.
art="$R/$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["models"]["forecast"]["versions"][0]["artifact"])' "$R/registry.json")"
python3 - "$art" <<'PY' || fail "artifact"
import csv, sys, collections
rows = list(csv.DictReader(open(sys.argv[1])))
items = collections.defaultdict(list); zones = collections.defaultdict(list)
for r in rows:
    q10, q50, q90 = float(r["q10"]), float(r["q50"]), float(r["q90"])
    assert 0 <= q10 <= q50 <= q90, r
    (items[(r["store"], r["item"])] if r["kind"] == "item_day" else zones[r["zone"]]).append(r["period"])
assert len(items) == 12 and len(zones) == 3, (len(items), len(zones))
assert all(p[0] == "2026-06-08" and len(p) == 21 and p == sorted(p) for p in items.values())
assert all(p[0] == "2026-06-08T00" and len(p) == 48 and p == sorted(p) for p in zones.values())
# the busiest product's forecast is in its range (about 15-30 a day), the slow one near zero
assert 8 < float([r for r in rows if r["item"] == "st2-p0"][0]["q50"]) < 45
assert float([r for r in rows if r["item"] == "st0-p3"][0]["q50"]) < 2
PY

# The LSTM as a global model too (a small budget): registered, not promoted (--promote never).
out_l="$("$BIN" train forecast --data "$T/d1" --holdout-days 14 --horizon 21 --zone-horizon-hours 48 --zone-days 28 \
  --global gbdt,lstm --lstm-steps 40 --promote never --registry "$R" 2>"$T/err")" || fail "lstm run: $(cat "$T/err")"
[ "$(field "$out_l" promoted)" = False ] && echo "$out_l" | grep -q "not promoted (--promote never)" || fail "lstm: $out_l"
grep -q "lstm" "$T/err" || fail "the LSTM did not run: $(cat "$T/err")"

# The same data again: equal on the same holdout and not newer → refused, still registered as challenger.
out2="$("$BIN" train forecast --data "$T/d1" --holdout-days 14 --horizon 21 --zone-horizon-hours 48 --zone-days 28 \
  --registry "$R" 2>"$T/err")" || fail "second run: $(cat "$T/err")"
[ "$(field "$out2" promoted)" = False ] || fail "same data promoted: $out2"
[ "$(field "$out2" version)" = 3 ] || fail "second gbdt version: $out2"
echo "$out2" | grep -q "is not better than v1" || fail "refusal reason: $out2"
[ "$(field "$out2" champion mase)" = "$(field "$out2" metrics mase)" ] || fail "same recipe, same days, different MASE: $out2"

# A week more data: the same recipe on newer data replaces the stale forecasts.
make_data "$T/d2" 105
out3="$("$BIN" train forecast --data "$T/d2" --holdout-days 14 --horizon 21 --zone-horizon-hours 48 --zone-days 28 \
  --registry "$R" 2>"$T/err")" || fail "third run: $(cat "$T/err")"
[ "$(field "$out3" promoted)" = True ] || fail "newer data not promoted: $out3"
[ "$(field "$out3" forecasts from)" = "2026-06-15" ] || fail "third origin: $out3"
"$BIN" list forecast --registry "$R" | grep -q "v4   champion" || fail "list: $("$BIN" list forecast --registry "$R")"

# Bad input and options.
mkdir "$T/bad"
set +e
"$BIN" train forecast --data "$T/bad" --registry "$R" 2>"$T/err"; s=$?
[ $s = 1 ] && grep -q "sales_daily.csv: cannot open" "$T/err" || fail "missing file: $s $(cat "$T/err")"
printf 'day,city,store,item,units\n2026-03-02,douala,s,i,3\n2026-03-03,douala,s,i,x\n' > "$T/bad/sales_daily.csv"
"$BIN" train forecast --data "$T/bad" --registry "$R" 2>"$T/err"; s=$?
[ $s = 1 ] && grep -q "sales_daily.csv:3: units must be a number" "$T/err" || fail "bad row: $s $(cat "$T/err")"
printf 'day,city,store,item,units\n2026-03-02,douala,s,i,3\n2026-03-20,douala,s,i,1\n' > "$T/bad/sales_daily.csv"
"$BIN" train forecast --data "$T/bad" --registry "$R" 2>"$T/err"; s=$?
[ $s = 1 ] && grep -q "spans 19 days; at least 56 are needed" "$T/err" || fail "short data: $s $(cat "$T/err")"
"$BIN" train forecast --data "$T/d1" --global xgb --registry "$R" 2>"$T/err"; s=$?
[ $s = 2 ] && grep -q "global is gbdt, lstm, gbdt,lstm or none" "$T/err" || fail "bad --global: $s $(cat "$T/err")"
"$BIN" train forecast --data "$T/d1" --holdout-days 3 --registry "$R" 2>"$T/err"; s=$?
[ $s = 2 ] || fail "--holdout-days 3: $s"
set -e
echo "forecast pipeline: ok"
