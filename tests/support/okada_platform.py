"""A real `okada serve` on a fresh database of the test PostgreSQL, for the black-box tests that ctest runs
through scripts/test (tests/seed, tests/chaos, tests/web). Standard library only.

    with Platform(okada, "seed") as p:      # a fresh database seed_<pid>, a state folder, a free port
        p.migrate()
        p.start()                           # okada serve, waits for /readyz
        status, body = call(p.port, "GET", "/v1/…")
    # stopped (SIGTERM), database dropped, state folder removed

Needs OKADA_PG_URL and OKADA_REDIS_URL (scripts/test exports them).
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

PSQL = os.path.join(os.environ.get("OKADA_PG_BIN", "/usr/lib/postgresql/15/bin"), "psql")

# Settings every black-box test wants: fast password hashing, no rate limits in the way, quiet logs.
TEST_ENV = {
    "OKADA_LOG_LEVEL": "warn", "OKADA_LOG_ACCESS": "false", "OKADA_AUTH_INSECURE_FAST_HASHING": "true",
    "OKADA_GATEWAY_SIGNIN_PER_MIN": "100000", "OKADA_GATEWAY_GENERAL_RATE": "100000",
    "OKADA_GATEWAY_GENERAL_BURST": "100000", "OKADA_SERVICES_REMOTE": "",
}


class SetupError(Exception):
    """The platform could not be set up (the caller reports it as a failure)."""


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def psql(url, sql):
    out = subprocess.run([PSQL, "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", url, "-c", sql],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def call(port, method, path, body=None, token=None, headers=None, timeout=10):
    """One JSON exchange with the platform on 127.0.0.1:port: (status, parsed body or text)."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path), data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as res:
            return res.status, json.loads(res.read() or b"null")
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, json.loads(raw)
        except ValueError:
            return e.code, raw.decode(errors="replace")


class Platform:
    def __init__(self, okada, name, env=None, log_path=None):
        base = os.environ.get("OKADA_PG_URL")
        if not base or not os.environ.get("OKADA_REDIS_URL"):
            raise SetupError("OKADA_PG_URL and OKADA_REDIS_URL must be set (run through scripts/test)")
        self.okada = okada
        self.db = "%s_%d" % (name, os.getpid())
        self.admin_url = base.rsplit("/", 1)[0] + "/postgres"
        self.db_url = base.rsplit("/", 1)[0] + "/" + self.db
        self.state = tempfile.mkdtemp(prefix="okada-%s-" % name)
        self.port = free_port()
        self.log_path = log_path
        self.server = None
        self.env = dict(os.environ)
        self.env.update(TEST_ENV)
        self.env.update({"OKADA_PG_URL": self.db_url, "OKADA_HTTP_PORT": str(self.port),
                         "OKADA_STATE_DIR": self.state})
        self.env.update(env or {})
        self.env.pop("OKADA_CONFIG", None)

    def open(self):
        """Creates the fresh database."""
        psql(self.admin_url, "DROP DATABASE IF EXISTS %s" % self.db)
        psql(self.admin_url, "CREATE DATABASE %s" % self.db)
        return self

    def close(self):
        """Stops okada, drops the database and removes the state folder."""
        self.stop()
        try:
            psql(self.admin_url, "DROP DATABASE IF EXISTS %s WITH (FORCE)" % self.db)
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.state, ignore_errors=True)

    def __enter__(self):
        return self.open()

    def __exit__(self, *exc):
        self.close()
        return False

    def run(self, *args, timeout=300):
        """An `okada` command with the platform's environment (e.g. migrate, seed)."""
        return subprocess.run([self.okada, *args], env=self.env, capture_output=True, text=True, timeout=timeout)

    def migrate(self):
        m = self.run("migrate")
        if m.returncode != 0:
            raise SetupError("okada migrate exited %d: %s" % (m.returncode, m.stderr.strip()[-2000:]))

    def start(self):
        """Starts okada serve (again, after a crash test's kill) and waits for /readyz."""
        out = open(self.log_path, "a") if self.log_path else subprocess.DEVNULL
        self.server = subprocess.Popen([self.okada, "serve"], env=self.env, stdout=out, stderr=subprocess.STDOUT)
        for _ in range(300):
            try:
                if call(self.port, "GET", "/readyz", timeout=1)[0] == 200:
                    return self.server
            except OSError:
                pass
            if self.server.poll() is not None:
                break
            time.sleep(0.1)
        self.server.kill()
        raise SetupError("okada serve did not become ready" + (" (log: %s)" % self.log_path if self.log_path else ""))

    def stop(self):
        if self.server and self.server.poll() is None:
            self.server.send_signal(signal.SIGTERM)
            try:
                self.server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.server.kill()


def fail_with(prefix):
    """A fail(msg) that prints `prefix: FAIL: msg` and exits 1."""
    def fail(msg):
        print("%s: FAIL: %s" % (prefix, msg), flush=True)
        sys.exit(1)
    return fail
