#!/usr/bin/env python3
"""Crash test of checkout (run by the test command through ctest).

Starts a real `okada serve` on a fresh database of the test PostgreSQL, seeds a store with one product,
fires concurrent checkouts (cash on delivery and mobile money), kills the process with SIGKILL in the
middle of the load, restarts it and checks:
  1. every order acknowledged with 201 is present, with its lines;
  2. after the expiry and compensation jobs ran, no reservation is left held, every committed reservation
     belongs to an order, and stock = initial - (units of live cash orders).

Needs OKADA_PG_URL and OKADA_REDIS_URL (scripts/test exports them). Usage: checkout_crash.py PATH_TO_OKADA
"""
import concurrent.futures
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "support"))
from okada_platform import Platform, SetupError, call, fail_with, psql  # noqa: E402

INITIAL = 100000
fail = fail_with("chaos")


def main():
    if len(sys.argv) != 2:
        fail("usage: checkout_crash.py PATH_TO_OKADA")
    okada = sys.argv[1]
    try:
        platform = Platform(okada, "chaos", env={
            "OKADA_GATEWAY_CHECKOUT_PER_MIN": "100000",
            "OKADA_ORDERS_PAYMENT_TTL_MS": "4000", "OKADA_ORDERS_CLAIM_TIMEOUT_MS": "2500",
            "OKADA_HTTP_REQUEST_DEADLINE_MS": "1000", "OKADA_ORDERS_STRANDED_AFTER_MS": "4000",
            "OKADA_ORDERS_SETTLE_AFTER_MS": "500", "OKADA_ORDERS_SWEEP_MS": "200",
            "OKADA_PRODUCTS_RESERVATION_SWEEP_MS": "200",
        }).open()
    except SetupError as e:
        fail(str(e))
    port, db_url = platform.port, platform.db_url
    try:
        platform.migrate()
        server = platform.start()
        # Seed: an admin, an approved merchant with a store in Akwa, one product with plenty of stock.
        def signup():
            phone = "+23767%07d" % random.randint(0, 9999999)
            st, body = call(port, "POST", "/v1/auth/signup", {"phone": phone, "password": "chaos monkey 2026", "lang": "fr"})
            if st != 201:
                fail("signup: %s %s" % (st, body))
            return phone, body
        admin_phone, _ = signup()
        subprocess.run([okada, "accounts", "set-role", "--phone", admin_phone, "--role", "admin"], env=platform.env,
                       check=True, capture_output=True)
        admin = call(port, "POST", "/v1/auth/signin", {"phone": admin_phone, "password": "chaos monkey 2026"})[1]["access_token"]
        owner_phone, owner = signup()
        st, merchant = call(port, "POST", "/v1/merchants", {"business_name": "Chaos Market", "category": "grocery",
                                                           "contact_phone": "699112233"}, owner["access_token"])
        if st != 201:
            fail("merchant: %s %s" % (st, merchant))
        call(port, "POST", "/v1/admin/merchants/%s/approve" % merchant["id"], None, admin)
        owner_token = call(port, "POST", "/v1/auth/signin", {"phone": owner_phone, "password": "chaos monkey 2026"})[1]["access_token"]
        day = [{"open": "00:00", "close": "23:59"}]
        st, store = call(port, "POST", "/v1/merchants/%s/stores" % merchant["id"],
                         {"name": "Chaos Akwa", "location": {"lat": 4.0525, "lon": 9.6963}, "address": "Akwa",
                          "opening_hours": [day] * 7, "delivery_radius_m": 5000}, owner_token)
        if st != 201:
            fail("store: %s %s" % (st, store))
        st, product = call(port, "POST", "/v1/merchants/%s/products" % merchant["id"],
                           {"sku": "CHAOS-1", "name_fr": "Savon", "name_en": "Soap", "unit": "piece",
                            "category": "groceries"}, owner_token)
        if st != 201:
            fail("product: %s %s" % (st, product))
        st, listing = call(port, "PUT", "/v1/stores/%s/listings/%s" % (store["id"], product["id"]),
                           {"price_xaf": 500, "on_hand": INITIAL}, owner_token)
        if st not in (200, 201):
            fail("listing: %s %s" % (st, listing))
        customers = [signup()[1]["access_token"] for _ in range(8)]

        acknowledged = []
        lock = threading.Lock()
        stop = threading.Event()

        def shopper(token):
            while not stop.is_set():
                try:
                    st, _ = call(port, "PUT", "/v1/carts/%s/lines/%s" % (store["id"], product["id"]), {"qty": 1},
                                 token, timeout=3)
                    if st != 200:
                        continue
                    method = random.choice(["cash", "momo"])
                    st, order = call(port, "POST", "/v1/checkout",
                                     {"store_id": store["id"], "payment_method": method,
                                      "delivery": {"location": {"lat": 4.058, "lon": 9.701}}},
                                     token, {"Idempotency-Key": str(uuid.uuid4())}, timeout=3)
                    if st == 201:
                        with lock:
                            acknowledged.append(order["id"])
                except (OSError, ValueError):
                    time.sleep(0.05)

        pool = concurrent.futures.ThreadPoolExecutor(len(customers))
        for t in customers:
            pool.submit(shopper, t)
        time.sleep(2.0 + random.random())
        server.send_signal(signal.SIGKILL)
        server.wait()
        killed_at = len(acknowledged)
        stop.set()
        pool.shutdown(wait=True)
        print("chaos: killed okada after %d acknowledged checkouts" % killed_at, flush=True)
        if killed_at < 5:
            fail("too few checkouts before the kill (%d): the load did not run" % killed_at)

        server = platform.start()
        # 1. Every acknowledged order is there with its line.
        ids = ",".join("'%s'" % i for i in acknowledged)
        present = int(psql(db_url, "SELECT count(*) FROM orders.orders o WHERE o.public_id IN (%s) AND EXISTS "
                                   "(SELECT 1 FROM orders.order_lines l WHERE l.order_id = o.id AND l.qty = 1)" % ids))
        if present != len(acknowledged):
            fail("%d acknowledged orders, %d present with their lines" % (len(acknowledged), present))
        # 2. After the payment window, compensation and sweeps: no leak.
        deadline = time.time() + 30
        while True:
            held = int(psql(db_url, "SELECT count(*) FROM products.reservations WHERE status = 'held'"))
            orphans = int(psql(db_url, "SELECT count(*) FROM products.reservations r WHERE r.status = 'committed' AND "
                                       "NOT EXISTS (SELECT 1 FROM orders.orders o WHERE o.id = r.order_id)"))
            pending = int(psql(db_url, "SELECT count(*) FROM orders.orders WHERE status = 'pending_payment'"))
            stock = psql(db_url, "SELECT on_hand || ',' || reserved FROM products.listings").split(",")
            live = int(psql(db_url, "SELECT coalesce(sum(l.qty), 0) FROM orders.order_lines l JOIN orders.orders o ON "
                                    "o.id = l.order_id WHERE o.status NOT IN ('cancelled', 'rejected', "
                                    "'payment_failed', 'expired')"))
            if held == 0 and orphans == 0 and pending == 0 and int(stock[1]) == 0 and int(stock[0]) == INITIAL - live:
                break
            if time.time() > deadline:
                fail("leak after expiry: held=%d orphan committed=%d pending=%d stock=%s live units=%d"
                     % (held, orphans, pending, stock, live))
            time.sleep(0.3)
        print("chaos: ok: %d acknowledged orders all present; stock %s = %d - %d live units; no reservation leaked"
              % (len(acknowledged), stock[0], INITIAL, live), flush=True)
    except SetupError as e:
        fail(str(e))
    finally:
        platform.close()

if __name__ == "__main__":
    main()
