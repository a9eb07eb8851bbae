#!/usr/bin/env python3
"""Integration test of `okada seed` (run by the test command through ctest, label integration).

Starts a real `okada serve` on a fresh database of the test PostgreSQL (as tests/chaos/checkout_crash.py does),
runs `okada seed` twice and checks through the public API that:
  1. the merchants (the two named demo stores and the simulated ones), their single store and their catalogue,
     the customers' home addresses and the approved riders exist exactly once after the second run;
  2. the recent orders were placed by the first run and the second run placed none;
  3. demo-logins.txt has mode 0600 and its passwords sign in (including the four accounts of scripts/seed-demo);
  4. `okada brain export` (the training pipeline's extract) writes every interaction the brain holds and describes
     every product.

Needs OKADA_PG_URL and OKADA_REDIS_URL (scripts/test exports them). Usage: seed_itest.py PATH_TO_OKADA
"""
import csv
import datetime
import os
import re
import stat
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "support"))
from okada_platform import Platform, SetupError, call, fail_with, psql  # noqa: E402

MERCHANTS, CUSTOMERS, RIDERS, ORDERS = 12, 30, 10, 20  # the defaults
NAMED = ["+237690000001", "+237690000002", "+237690000003", "+237690000004"]
fail = fail_with("seed_itest")


def list_all(port, path, token):
    items, cursor = [], None
    while True:
        url = path + ("&" if "?" in path else "?") + "limit=100" + ("&cursor=" + cursor if cursor else "")
        st, body = call(port, "GET", url, token=token)
        if st != 200:
            fail("GET %s: %s %s" % (path, st, body))
        items += body["items"]
        cursor = body.get("next_cursor")
        if not cursor:
            return items


def main():
    if len(sys.argv) != 2:
        fail("usage: seed_itest.py PATH_TO_OKADA")
    okada = sys.argv[1]
    try:
        platform = Platform(okada, "seed", env={"OKADA_HTTP_BODY_LIMIT": "6M"}).open()
    except SetupError as e:
        fail(str(e))
    env, state, port, db_url = platform.env, platform.state, platform.port, platform.db_url
    try:
        platform.migrate()
        platform.start()

        seed = [okada, "seed", "--city", "douala", "--days", "30", "--seed", "3", "--state-dir", state,
                "--merchants", str(MERCHANTS), "--customers", str(CUSTOMERS), "--riders", str(RIDERS),
                "--orders", str(ORDERS)]
        outputs = []
        for run in (1, 2):
            t0 = time.time()
            p = subprocess.run(seed, env=env, capture_output=True, text=True, timeout=240)
            print("seed_itest: run %d took %.1f s" % (run, time.time() - t0), flush=True)
            if p.returncode != 0:
                fail("okada seed run %d exited %d:\n%s\n%s" % (run, p.returncode, p.stdout, p.stderr))
            outputs.append(p.stdout)
            if os.environ.get("SEED_ITEST_VERBOSE"):
                print(p.stdout, flush=True)
        done = [re.search(r"okada seed: done: (.*)", o) for o in outputs]
        if not all(done):
            fail("no 'done' line:\n" + "\n".join(outputs))
        print("seed_itest: run 1: " + done[0].group(1), flush=True)
        print("seed_itest: run 2: " + done[1].group(1), flush=True)
        if done[1].group(1) != ("0 accounts, 0 merchants, 0 stores, 0 catalogue imports, 0 addresses, 0 riders, "
                                "0 orders created"):
            fail("the second run created something: " + done[1].group(1))
        if "%d orders created" % ORDERS not in done[0].group(1):
            fail("the first run did not place %d orders: %s" % (ORDERS, done[0].group(1)))

        logins_file = os.path.join(state, "demo-logins.txt")
        mode = stat.S_IMODE(os.stat(logins_file).st_mode)
        if mode != 0o600:
            fail("demo-logins.txt has mode %o, not 600" % mode)
        logins = dict(re.findall(r"(\+237[0-9]{9}) / (\S+)\s*$", open(logins_file).read(), re.M))
        expected_accounts = 4 + MERCHANTS + CUSTOMERS + RIDERS
        if len(logins) != expected_accounts or not all(p in logins for p in NAMED):
            fail("demo-logins.txt has %d logins (want %d with %s)" % (len(logins), expected_accounts, NAMED))

        def signin(phone):
            st, body = call(port, "POST", "/v1/auth/signin", {"phone": phone, "password": logins[phone]})
            if st != 200:
                fail("sign-in of %s with demo-logins.txt: %s %s" % (phone, st, body))
            return body["access_token"], body["account"]

        admin, account = signin(NAMED[0])
        if account["role"] != "admin":
            fail("+237690000001 is %s, not admin" % account["role"])

        # 1. Merchants, stores and catalogues exist once.
        merchants = list_all(port, "/v1/admin/merchants", admin)
        phones = [m["contact_phone"] for m in merchants]
        if len(merchants) != 2 + MERCHANTS or len(set(phones)) != len(phones):
            fail("%d merchants (want %d, each once): %s" % (len(merchants), 2 + MERCHANTS, phones))
        names = {m["business_name"] for m in merchants}
        if not {"Marché Akwa", "Pharmacie du Wouri"} <= names:
            fail("the named demo stores are missing: %s" % sorted(names))
        categories = {m["category"] for m in merchants}
        if len(categories) < 3:
            fail("merchant types are not varied: %s" % categories)
        products = 0
        for m in merchants:
            if m["status"] != "approved":
                fail("%s is %s" % (m["business_name"], m["status"]))
            stores = list_all(port, "/v1/merchants/%s/stores" % m["id"], admin)
            if len(stores) != 1 or stores[0]["name"] != m["business_name"]:
                fail("%s has stores %s" % (m["business_name"], [s["name"] for s in stores]))
            inventory = list_all(port, "/v1/stores/%s/inventory" % stores[0]["id"], admin)
            skus = [i["sku"] for i in inventory]
            if not skus or len(set(skus)) != len(skus):
                fail("%s: catalogue %s" % (m["business_name"], skus))
            if any(i["price_xaf"] <= 0 for i in inventory):
                fail("%s: a product without a price" % m["business_name"])
            products += len(skus)
        db_products = int(psql(db_url, "SELECT count(*) FROM products.products"))
        if db_products != products:
            fail("%d products in the database, %d listed" % (db_products, products))

        # 2. Customers have one home address; the orders were placed once.
        customers = [p for p in logins if p.startswith("+2376920")] + [NAMED[3]]
        if len(customers) != CUSTOMERS + 1:
            fail("customers in demo-logins.txt: %s" % customers)
        for phone in customers:
            token, account = signin(phone)
            if account["role"] != "customer":
                fail("%s is %s" % (phone, account["role"]))
            st, body = call(port, "GET", "/v1/users/me/addresses", token=token)
            if st != 200 or len(body["items"]) != 1:
                fail("%s addresses: %s %s" % (phone, st, body))
        orders = list_all(port, "/v1/orders", admin)
        if len(orders) != ORDERS:
            fail("%d orders (want %d)" % (len(orders), ORDERS))
        if any(o["payment_method"] != "cash" or o["total_xaf"] <= 0 for o in orders):
            fail("unexpected orders: %s" % orders)

        # 3. Riders approved once, on shift.
        riders = list_all(port, "/v1/admin/riders", admin)
        if len(riders) != RIDERS or any(r["status"] != "approved" for r in riders):
            fail("riders: %s" % [(r["user_id"], r["status"]) for r in riders])
        for phone in [p for p in logins if p.startswith("+2376930")]:
            token, account = signin(phone)
            st, shift = call(port, "GET", "/v1/rider/shift", token=token)
            if account["role"] != "rider" or st != 200 or not shift.get("online"):
                fail("rider %s: %s %s %s" % (phone, account["role"], st, shift))
        # 4. The training pipeline's extract step reads the seeded orders back through the brain's export API:
        # every interaction once, and every product described from the public catalogue.
        deadline = time.time() + 90
        while time.time() < deadline:
            seen = int(psql(db_url, "SELECT count(DISTINCT order_id) FROM brain.interactions"))
            if seen == ORDERS:
                break
            time.sleep(0.5)
        else:
            fail("the brain saw %d of the %d orders (order.placed)" % (seen, ORDERS))
        export_dir = os.path.join(state, "export")
        p = subprocess.run([okada, "brain", "export", "--out", export_dir, "--days", "90"], env=env,
                           capture_output=True, text=True, timeout=120)
        if p.returncode != 0:
            fail("okada brain export exited %d:\n%s\n%s" % (p.returncode, p.stdout, p.stderr))
        with open(os.path.join(export_dir, "interactions.csv")) as f:
            rows = [line.rstrip("\n").split(",") for line in f]
        want = sorted(psql(db_url, "SELECT customer_id || ',' || product_id || ',' || extract(epoch FROM "
                                   "date_trunc('second', at))::bigint FROM brain.interactions").split("\n"))
        if rows[0] != ["user", "item", "timestamp"] or sorted(",".join(r) for r in rows[1:]) != want:
            fail("interactions.csv (%d rows) is not brain.interactions (%d rows)" % (len(rows) - 1, len(want)))
        with open(os.path.join(export_dir, "items.csv"), newline="") as f:
            items = list(csv.reader(f))
        exported = {r[1] for r in rows[1:]}
        if items[0] != ["item", "category", "name_fr", "name_en", "price_xaf"] or \
                {r[0] for r in items[1:]} != exported or any(not r[2] or not r[4] for r in items[1:]):
            fail("items.csv: %s" % items[:5])
        if os.path.exists(os.path.join(export_dir, "interactions.csv.part")):
            fail("a temporary file was left behind")
        # The demand layout for the forecasts: units sold as ordered (order.placed carries the quantities to the
        # brain), every order once in its zone-hour, a calendar reaching 6 weeks past the last sale.
        ordered = int(psql(db_url, "SELECT coalesce(sum(qty), 0) FROM orders.order_lines"))
        in_brain = int(psql(db_url, "SELECT coalesce(sum(quantity), 0) FROM brain.interactions"))
        with open(os.path.join(export_dir, "sales_daily.csv"), newline="") as f:
            sales = list(csv.DictReader(f))
        units = sum(int(r["units"]) for r in sales)
        if not (units == in_brain == ordered) or ordered <= len(rows) - 1:
            fail("units: sales_daily.csv %d, brain.interactions %d, orders %d (lines %d)"
                 % (units, in_brain, ordered, len(rows) - 1))
        with open(os.path.join(export_dir, "orders_hourly.csv"), newline="") as f:
            hourly = list(csv.DictReader(f))
        if sum(int(r["orders"]) for r in hourly) != ORDERS or any(len(r["zone"]) != 5 for r in hourly):
            fail("orders_hourly.csv: %s" % hourly[:5])
        with open(os.path.join(export_dir, "calendar.csv"), newline="") as f:
            calendar = [r["day"] for r in csv.DictReader(f)]
        last_sale = max(r["day"] for r in sales)
        if not calendar or calendar[0] > min(r["day"] for r in sales) or \
                calendar[-1] != str(datetime.date.fromisoformat(last_sale) + datetime.timedelta(days=42)):
            fail("calendar.csv from %s to %s, sales to %s" % (calendar[:1], calendar[-1:], last_sale))

        print("seed_itest: ok: %d merchants, %d products, %d customers, %d riders, %d orders, each once; "
              "demo-logins.txt 0600; brain export %d interactions, %d items"
              % (len(merchants), products, len(customers), len(riders), len(orders), len(rows) - 1, len(items) - 1),
              flush=True)
    except SetupError as e:
        fail(str(e))
    finally:
        platform.close()

if __name__ == "__main__":
    main()
