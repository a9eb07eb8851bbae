#!/usr/bin/env python3
"""Signs in every account of PHONES_FILE at once (one thread each) against BASE_URL; prints a JSON summary.

Usage: signin_storm.py BASE_URL PHONES_FILE   (passwords are "bench passphrase <phone>", as bench/gateway/run.sh
creates them). Exit status 0 when every sign-in answered 200.
"""
import json
import sys
import threading
import time
import urllib.error
import urllib.request

base, phones_file = sys.argv[1], sys.argv[2]
phones = [p.strip() for p in open(phones_file) if p.strip()]
results = [None] * len(phones)
start_gate = threading.Barrier(len(phones))


def sign_in(i, phone):
    body = json.dumps({"phone": phone, "password": "bench passphrase " + phone}).encode()
    req = urllib.request.Request(base + "/v1/auth/signin", data=body, headers={"Content-Type": "application/json"})
    start_gate.wait()
    t0 = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=120) as res:
            results[i] = (res.status, time.monotonic() - t0)
    except urllib.error.HTTPError as e:
        results[i] = (e.code, time.monotonic() - t0)
    except Exception:  # noqa: BLE001 - a connection failure counts as a failed sign-in
        results[i] = (0, time.monotonic() - t0)


t0 = time.monotonic()
threads = [threading.Thread(target=sign_in, args=(i, p)) for i, p in enumerate(phones)]
for t in threads:
    t.start()
for t in threads:
    t.join()
ok = sum(1 for r in results if r and r[0] == 200)
statuses = sorted({r[0] for r in results if r})
print(json.dumps({"accounts": len(phones), "ok": ok, "statuses": statuses,
                  "seconds": round(time.monotonic() - t0, 2),
                  "slowest_s": round(max(r[1] for r in results if r), 2)}))
sys.exit(0 if ok == len(phones) else 1)
