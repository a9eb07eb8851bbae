#!/usr/bin/env python3
"""Browser tests of the merchant platform (run by the test command through ctest, label integration).

Starts a real `okada serve` on a fresh database of the test PostgreSQL (as tests/seed/seed_itest.py does), with
the gateway serving the built merchant app (web/merchant/out, built by scripts/test before ctest), seeds a small
demo Douala marketplace with `okada seed`, then runs the Playwright tests in web/tests/browser (playwright-core
driving Debian's chromium, headless) against it: sign in, a customer order placed through the API appears live
and is accepted, stock edited, CSV import with bad rows, English, accessibility (axe-core), and the dashboard's
JavaScript weight. Screenshots, the axe reports and the script sizes go to build/dev/web-artifacts/.

Needs OKADA_PG_URL and OKADA_REDIS_URL (scripts/test exports them), node, and /usr/bin/chromium.
Usage: merchant_browser_itest.py PATH_TO_OKADA
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PSQL = os.path.join(os.environ.get("OKADA_PG_BIN", "/usr/lib/postgresql/15/bin"), "psql")


def fail(msg):
    print("merchant_browser_itest: FAIL: " + msg, flush=True)
    sys.exit(1)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def psql(url, sql):
    subprocess.run([PSQL, "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", url, "-c", sql],
                   capture_output=True, text=True, check=True)


def ready(port):
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d/readyz" % port, timeout=1) as res:
            return res.status == 200
    except (OSError, urllib.error.URLError):
        return False


def main():
    if len(sys.argv) != 2:
        fail("usage: merchant_browser_itest.py PATH_TO_OKADA")
    okada = sys.argv[1]
    base = os.environ.get("OKADA_PG_URL")
    if not base or not os.environ.get("OKADA_REDIS_URL"):
        fail("OKADA_PG_URL and OKADA_REDIS_URL must be set (run through scripts/test)")
    web = os.path.join(ROOT, "web")
    if not os.path.exists(os.path.join(web, "merchant", "out", "index.html")):
        fail("the merchant app is not built (web/merchant/out): scripts/test builds it ('npm run build' in web/)")
    if not os.path.exists(os.path.join(web, "node_modules", "playwright-core")):
        fail("web/node_modules is missing: scripts/setup installs it ('npm ci' in web/)")
    chromium = os.environ.get("OKADA_CHROMIUM", "/usr/bin/chromium")
    if not os.path.exists(chromium):
        fail("%s is missing: scripts/setup installs Debian's chromium" % chromium)

    db = "web_%d" % os.getpid()
    admin_url = base.rsplit("/", 1)[0] + "/postgres"
    db_url = base.rsplit("/", 1)[0] + "/" + db
    psql(admin_url, "DROP DATABASE IF EXISTS %s" % db)
    psql(admin_url, "CREATE DATABASE %s" % db)
    state = tempfile.mkdtemp(prefix="okada-web-")
    artifacts = os.environ.get("OKADA_WEB_ARTIFACTS", os.path.join(os.getcwd(), "web-artifacts"))
    shutil.rmtree(artifacts, ignore_errors=True)
    os.makedirs(artifacts)
    port = free_port()
    sms_port = free_port()
    env = dict(os.environ)
    env.update({
        "OKADA_PG_URL": db_url, "OKADA_HTTP_PORT": str(port), "OKADA_STATE_DIR": state,
        "OKADA_LOG_LEVEL": "warn", "OKADA_LOG_ACCESS": "false",
        "OKADA_AUTH_INSECURE_FAST_HASHING": "true", "OKADA_GATEWAY_SIGNIN_PER_MIN": "100000",
        "OKADA_GATEWAY_GENERAL_RATE": "100000", "OKADA_GATEWAY_GENERAL_BURST": "100000",
        "OKADA_SERVICES_REMOTE": "", "OKADA_GATEWAY_WEB_DIR": web,
        "OKADA_SMS_URL": "http://127.0.0.1:%d" % sms_port,
    })
    env.pop("OKADA_CONFIG", None)
    # Variables of this test (not okada configuration: okada refuses unknown OKADA_* names).
    for name in ("OKADA_WEB_ARTIFACTS", "OKADA_CHROMIUM", "OKADA_BASE_URL", "OKADA_LOGINS", "OKADA_SMS_KEY_FILE"):
        env.pop(name, None)
    server = None
    sms = None
    log_path = os.path.join(artifacts, "okada.log")
    try:
        m = subprocess.run([okada, "migrate"], env=env, capture_output=True, text=True)
        if m.returncode != 0:
            fail("okada migrate exited %d: %s" % (m.returncode, m.stderr.strip()[-2000:]))
        # The local SMS gateway (sign-in codes land there; the browser test reads them back), started first: it
        # writes the API key okada reads.
        sms = subprocess.Popen([okada, "sandbox", "sms", "--port", str(sms_port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            if os.path.exists(os.path.join(state, "keys", "sms-api.key")):
                try:
                    socket.create_connection(("127.0.0.1", sms_port), timeout=1).close()
                    break
                except OSError:
                    pass
            time.sleep(0.1)
        else:
            fail("the SMS sandbox did not start")
        with open(log_path, "w") as log:
            server = subprocess.Popen([okada, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT)
        for _ in range(300):
            if ready(port):
                break
            time.sleep(0.1)
        else:
            fail("okada serve did not become ready (log: %s)" % log_path)
        seed = [okada, "seed", "--city", "douala", "--days", "14", "--seed", "5", "--state-dir", state,
                "--merchants", "1", "--customers", "2", "--riders", "2", "--orders", "2"]
        p = subprocess.run(seed, env=env, capture_output=True, text=True, timeout=240)
        if p.returncode != 0:
            fail("okada seed exited %d:\n%s\n%s" % (p.returncode, p.stdout, p.stderr))
        print("merchant_browser_itest: seeded; platform on http://127.0.0.1:%d/merchant/" % port, flush=True)

        node_env = dict(os.environ)
        node_env.update({"OKADA_BASE_URL": "http://127.0.0.1:%d" % port,
                         "OKADA_LOGINS": os.path.join(state, "demo-logins.txt"),
                         "OKADA_WEB_ARTIFACTS": artifacts, "OKADA_CHROMIUM": chromium,
                         "OKADA_SMS_URL": "http://127.0.0.1:%d" % sms_port,
                         "OKADA_SMS_KEY_FILE": os.path.join(state, "keys", "sms-api.key")})
        t0 = time.time()
        r = subprocess.run(["node", "--test", "--test-concurrency=1", "--test-reporter=spec",
                            os.path.join("tests", "browser")], cwd=web, env=node_env, timeout=900)
        print("merchant_browser_itest: browser tests took %.0f s; artifacts in %s" % (time.time() - t0, artifacts),
              flush=True)
        if r.returncode != 0:
            fail("browser tests failed (exit %d); screenshots and the server log are in %s" % (r.returncode, artifacts))
        print("merchant_browser_itest: OK", flush=True)
    finally:
        if sms and sms.poll() is None:
            sms.terminate()
        if server and server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
        try:
            psql(admin_url, "DROP DATABASE IF EXISTS %s WITH (FORCE)" % db)
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(state, ignore_errors=True)


if __name__ == "__main__":
    main()
