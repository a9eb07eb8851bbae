#!/usr/bin/env python3
"""Browser tests of the merchant platform (run by the test command through ctest, label integration).

Starts a real `okada serve` on a fresh database of the test PostgreSQL (tests/support/okada_platform.py), with the
gateway serving the built merchant app (web/merchant/out, built by scripts/test before ctest) and the local SMS
gateway (sign-in codes), seeds a small demo Douala marketplace with `okada seed`, then runs the Playwright tests in
web/tests/browser (playwright-core driving Debian's chromium, headless) against it. Screenshots, the axe-core
reports, the script sizes and the server log go to OKADA_WEB_ARTIFACTS (build/dev/web-artifacts/ under ctest).

Needs OKADA_PG_URL and OKADA_REDIS_URL (scripts/test exports them), node, and /usr/bin/chromium.
Usage: merchant_browser_itest.py PATH_TO_OKADA
"""
import os
import shutil
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))
from okada_platform import Platform, SetupError, fail_with, free_port  # noqa: E402

fail = fail_with("merchant_browser_itest")
# Variables of this test, not okada configuration (okada refuses unknown OKADA_* names).
TEST_ONLY = ("OKADA_WEB_ARTIFACTS", "OKADA_CHROMIUM", "OKADA_BASE_URL", "OKADA_LOGINS", "OKADA_SMS_KEY_FILE")


def main():
    if len(sys.argv) != 2:
        fail("usage: merchant_browser_itest.py PATH_TO_OKADA")
    okada = sys.argv[1]
    web = os.path.join(ROOT, "web")
    if not os.path.exists(os.path.join(web, "merchant", "out", "index.html")):
        fail("the merchant app is not built (web/merchant/out): scripts/test builds it ('npm run build' in web/)")
    if not os.path.exists(os.path.join(web, "node_modules", "playwright-core")):
        fail("web/node_modules is missing: scripts/setup installs it ('npm ci' in web/)")
    chromium = os.environ.get("OKADA_CHROMIUM", "/usr/bin/chromium")
    if not os.path.exists(chromium):
        fail("%s is missing: scripts/setup installs Debian's chromium" % chromium)
    artifacts = os.environ.get("OKADA_WEB_ARTIFACTS", os.path.join(os.getcwd(), "web-artifacts"))
    shutil.rmtree(artifacts, ignore_errors=True)
    os.makedirs(artifacts)
    for name in TEST_ONLY:
        os.environ.pop(name, None)
    sms_port = free_port()
    sms_url = "http://127.0.0.1:%d" % sms_port
    sms = None
    try:
        with Platform(okada, "web", env={"OKADA_GATEWAY_WEB_DIR": web, "OKADA_SMS_URL": sms_url},
                      log_path=os.path.join(artifacts, "okada.log")) as p:
            try:
                p.migrate()
                # The local SMS gateway, started first: it writes the API key okada reads.
                sms = subprocess.Popen([okada, "sandbox", "sms", "--port", str(sms_port)], env=p.env,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                key_file = os.path.join(p.state, "keys", "sms-api.key")
                for _ in range(100):
                    try:
                        if os.path.exists(key_file):
                            socket.create_connection(("127.0.0.1", sms_port), timeout=1).close()
                            break
                    except OSError:
                        pass
                    time.sleep(0.1)
                else:
                    fail("the SMS sandbox did not start")
                p.start()
                seeded = p.run("seed", "--city", "douala", "--days", "14", "--seed", "5", "--state-dir", p.state,
                               "--merchants", "1", "--customers", "2", "--riders", "2", "--orders", "2", timeout=240)
                if seeded.returncode != 0:
                    fail("okada seed exited %d:\n%s\n%s" % (seeded.returncode, seeded.stdout, seeded.stderr))
            except SetupError as e:
                fail(str(e))
            print("merchant_browser_itest: seeded; platform on http://127.0.0.1:%d/merchant/" % p.port, flush=True)

            node_env = dict(os.environ)
            node_env.update({"OKADA_BASE_URL": "http://127.0.0.1:%d" % p.port,
                             "OKADA_LOGINS": os.path.join(p.state, "demo-logins.txt"),
                             "OKADA_WEB_ARTIFACTS": artifacts, "OKADA_CHROMIUM": chromium,
                             "OKADA_SMS_URL": sms_url, "OKADA_SMS_KEY_FILE": key_file})
            t0 = time.time()
            r = subprocess.run(["node", "--test", "--test-concurrency=1", "--test-reporter=spec",
                                os.path.join("tests", "browser")], cwd=web, env=node_env, timeout=900)
            print("merchant_browser_itest: browser tests took %.0f s; artifacts in %s" % (time.time() - t0, artifacts),
                  flush=True)
            if r.returncode != 0:
                fail("browser tests failed (exit %d); screenshots and the server log are in %s"
                     % (r.returncode, artifacts))
            print("merchant_browser_itest: OK", flush=True)
    except SetupError as e:
        fail(str(e))
    finally:
        if sms and sms.poll() is None:
            sms.terminate()


if __name__ == "__main__":
    main()
