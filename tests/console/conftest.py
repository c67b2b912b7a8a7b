"""The staff web console in a real browser: Playwright drives Debian's /usr/bin/chromium (the
browser build Playwright would download cannot be fetched here) against the API served by
gunicorn on a temporary SQLite database with the demo data, the console built by `make console`.

Run by `make test-console` (part of `make test`): `pytest tests/console`. Skipped, saying why,
only when Node.js/npm (to build the console) or Chromium is missing.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
BIN = Path(sys.executable).parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage"]

# Two cores shared with everything else: give the browser time before an expectation fails.
expect.set_options(timeout=20_000)

if not (shutil.which("node") and shutil.which("npm")):
    pytest.skip("console browser tests need Node.js and npm to build the console",
                allow_module_level=True)
if not os.access(CHROMIUM, os.X_OK):
    pytest.skip(f"console browser tests need Chromium at {CHROMIUM} (apt-get install chromium)",
                allow_module_level=True)


@pytest.fixture(scope="session")
def console_build():
    """`make console`: installs the npm packages and builds only when something changed."""
    subprocess.run(["make", "--no-print-directory", "console"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    assert (ROOT / "console" / "dist" / "index.html").is_file()
    return ROOT / "console" / "dist"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server(console_build):
    """The API and the console from one origin: gunicorn (2 workers) on a fresh SQLite file
    migrated and seeded with the demo data. Yields {base, env} (env: for `flask` commands)."""
    tmp = Path(tempfile.mkdtemp(prefix="llt-console-"))
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env.update({
        "DATABASE_URL": f"sqlite:///{tmp / 'console.db'}", "FLASK_APP": "wsgi.py",
        "APP_ENV": "development", "WECHAT_MODE": "fake", "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2", "ACCESS_LOG": "", "LOGIN_RATE_LIMIT": "10000 per minute",
        "LOGIN_OPENID_RATE_LIMIT": "10000 per minute", "WRITE_RATE_LIMIT": "10000 per minute",
        "CONSOLE_TICKET_RATE_LIMIT": "10000 per minute",
    })
    for args in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run([str(BIN / "flask"), *args], cwd=ROOT, env=env, check=True,
                       capture_output=True)
    log = open(tmp / "gunicorn.log", "wb")  # noqa: SIM115 (closed at teardown)
    proc = subprocess.Popen([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
                            cwd=ROOT, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90  # two cores shared: gunicorn may take a while
        while True:
            try:
                if requests.get(base + "/healthz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("API did not start: "
                                   + (tmp / "gunicorn.log").read_text()[-2000:])
            time.sleep(0.3)
        yield {"base": base, "env": env}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai",
            "viewport": {"width": 1440, "height": 900}}


_codes = iter(range(1, 10**9))


@pytest.fixture
def api(server):
    """api(openid) -> a requests.Session logged in as that demo identity (as the mini-program)."""

    def _login(openid: str) -> requests.Session:
        resp = requests.post(server["base"] + "/api/v1/auth/wechat-login",
                             json={"code": f"test:{openid}@c{next(_codes)}"}, timeout=10)
        resp.raise_for_status()
        session = requests.Session()
        session.headers["Authorization"] = "Bearer " + resp.json()["token"]
        return session

    return _login


@pytest.fixture
def console_login(server, page):
    """console_login(openid): log the browser in through `flask console-login`'s one-time link."""

    def _go(openid: str, then: str = "", landing: str = "**/console/dispatch**"):
        out = subprocess.run([str(BIN / "flask"), "console-login", openid, "--base",
                              server["base"]], cwd=ROOT, env=server["env"], check=True,
                             capture_output=True, text=True).stdout.strip()
        page.goto(out.splitlines()[-1])
        page.wait_for_url(landing, timeout=30_000)  # the first screen the user's roles allow
        if then:
            page.goto(server["base"] + then)
        return page

    return _go
