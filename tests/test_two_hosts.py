"""Two hosts behind nginx: deploy/nginx/linlitong.conf (its upstream pointed at two separate
gunicorn instances, each with its own workers) on one PostgreSQL and one Redis. Logins,
logouts, single-use codes, rate limits, idempotency keys and jobs hold across hosts.

Needs nginx (Debian package `nginx`; `.ci/run` installs it) and --db=postgres with Redis;
nginx runs as a process of this test with its config under the test's temporary directory.
"""
import concurrent.futures as cf
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from tests.conftest import ROOT, _free_port

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def _site(upstreams: list[str], port: int) -> str:
    """The shipped site, pointed at our instances, plus a header naming the instance."""
    site = (ROOT / "deploy" / "nginx" / "linlitong.conf").read_text()
    servers = "".join(f"    server {u} max_fails=3 fail_timeout=10s;\n" for u in upstreams)
    site = re.sub(r"(upstream linlitong \{\n)(?:.*\n)*?(\s*keepalive)",
                  rf"\g<1>{servers}\2", site, count=1)
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};")
    upstream_header = "\n    add_header X-Upstream $upstream_addr always;"
    return site.replace("client_max_body_size 6m;", "client_max_body_size 6m;" + upstream_header)


def _wait(url: str, proc: subprocess.Popen, log) -> None:
    for _ in range(900):  # a loaded CI machine starts gunicorn slowly
        if proc.poll() is not None:
            raise RuntimeError(f"{url} exited: " + Path(log).read_text()[-2000:])
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer: " + Path(log).read_text()[-2000:])


@pytest.fixture(scope="module")
def two_hosts(app, backend, tmp_path_factory):
    db_url, redis_url = backend
    if not redis_url:
        pytest.skip("needs TEST_REDIS_URL")
    if not os.path.exists(NGINX):
        pytest.skip("needs nginx (apt-get install -y nginx)")
    tmp = tmp_path_factory.mktemp("two-hosts")
    env = {**os.environ, "APP_ENV": "testing", "DATABASE_URL": db_url, "REDIS_URL": redis_url,
           "WEB_CONCURRENCY": "2", "THREADS": "4", "ACCESS_LOG": "", "TRUSTED_PROXIES": "1",
           "CLIENT_ERROR_RATE_LIMIT": "5 per minute"}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    procs, upstreams, logs = [], [], []
    try:
        for name in ("host-a", "host-b"):
            port = _free_port()
            log = tmp / f"{name}.log"
            logs.append(open(log, "wb"))  # noqa: SIM115 (closed at teardown)
            proc = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
                cwd=ROOT, env={**env, "BIND": f"127.0.0.1:{port}"},
                stdout=subprocess.DEVNULL, stderr=logs[-1])
            procs.append(proc)
            _wait(f"http://127.0.0.1:{port}/livez", proc, log)
            upstreams.append(f"127.0.0.1:{port}")
        port = _free_port()
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (tmp / sub).mkdir()
        conf = tmp / "nginx.conf"
        conf.write_text(f"""
worker_processes 2;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log {tmp}/nginx-access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
{_site(upstreams, port)}
}}
""")
        logs.append(open(tmp / "nginx-stderr.log", "wb"))  # noqa: SIM115 (closed at teardown)
        nginx = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(tmp), "-g", "daemon off;"],
                                 stdout=subprocess.DEVNULL, stderr=logs[-1])
        procs.append(nginx)
        base = f"http://127.0.0.1:{port}"
        _wait(base + "/livez", nginx, tmp / "nginx-stderr.log")
        yield {"base": base, "env": env, "upstreams": upstreams}
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=25)
            except subprocess.TimeoutExpired:
                proc.kill()
        for log in logs:
            log.close()


def _login(base, openid):
    resp = requests.post(f"{base}/api/v1/auth/wechat-login",
                         json={"code": f"test:{openid}@{uuid.uuid4().hex}"}, timeout=10)
    assert resp.status_code == 200, resp.text
    return {"Authorization": f"Bearer {resp.json()['token']}"}


def test_both_hosts_serve_and_the_request_id_passes_through(two_hosts):
    base = two_hosts["base"]
    answers = [requests.get(f"{base}/livez", timeout=5) for _ in range(12)]
    assert {a.headers["X-Upstream"] for a in answers} == set(two_hosts["upstreams"])
    # nginx's $request_id reaches the app, which echoes it
    assert all(re.fullmatch(r"[0-9a-f]{32}", a.headers["X-Request-Id"]) for a in answers)
    # a body over nginx's default 1 MB passes nginx (client_max_body_size 6m): no 413 from it
    # (the app refuses this anonymous upload before reading it, which nginx may answer 502)
    big = requests.post(f"{base}/api/v1/files", data=b"x" * (5 * 1024 * 1024 + 10),
                        headers={"Content-Type": "application/octet-stream"}, timeout=30)
    assert big.status_code != 413


def test_logout_on_one_host_holds_on_both(two_hosts):
    base = two_hosts["base"]
    headers = _login(base, "two-hosts-user")
    assert requests.get(f"{base}/api/v1/me", headers=headers, timeout=10).status_code == 200
    assert requests.post(f"{base}/api/v1/auth/logout", headers=headers,
                         timeout=10).status_code == 204
    seen, codes = set(), []
    for _ in range(16):
        resp = requests.get(f"{base}/api/v1/me", headers=headers, timeout=10)
        seen.add(resp.headers["X-Upstream"])
        codes.append(resp.status_code)
    assert codes == [401] * 16 and len(seen) == 2


def test_a_code_is_single_use_across_hosts(two_hosts):
    base = two_hosts["base"]
    code = f"test:two-hosts-race@{uuid.uuid4().hex}"

    def attempt(_):
        resp = requests.post(f"{base}/api/v1/auth/wechat-login", json={"code": code},
                             timeout=10)
        return resp.status_code, resp.headers["X-Upstream"]

    with cf.ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(attempt, range(8)))
    assert sorted(s for s, _ in answers) == [200] + [401] * 7
    assert len({u for _, u in answers}) == 2


def test_a_rate_limit_counts_both_hosts_together_per_real_client(two_hosts):
    """5 per minute per client address: nginx passes the client in X-Forwarded-For, both
    hosts count in Redis. A forged X-Forwarded-For from the client changes nothing."""
    base = two_hosts["base"]

    def report(i):
        resp = requests.post(f"{base}/api/v1/client-errors",
                             json={"kind": "error", "message": f"two hosts {i}"},
                             headers={"X-Forwarded-For": f"203.0.113.{i}"}, timeout=10)
        return resp.status_code, resp.headers["X-Upstream"]

    answers = [report(i) for i in range(12)]
    assert [s for s, _ in answers].count(204) == 5
    assert [s for s, _ in answers].count(429) == 7
    assert len({u for _, u in answers}) == 2


def test_one_idempotency_key_sent_to_both_hosts_buys_once(two_hosts, app):
    from app.auth.models import User
    from app.community.models import Community, Street
    from app.extensions import db
    from app.mall.models import MallItem, Merchant, Voucher
    from app.timebank import service

    with app.app_context():
        street = Street(name="双机街道")
        db.session.add(street)
        db.session.flush()
        community = Community(street_id=street.id, name="双机社区")
        db.session.add(community)
        db.session.flush()
        service.set_budget(community.id, 10**6)
        merchant = Merchant(name="双机商家", community_id=community.id)
        db.session.add(merchant)
        db.session.flush()
        item = MallItem(merchant_id=merchant.id, title="双机商品", kind="goods", price_points=5,
                        stock=100, per_user_limit=None, valid_days=30, published=True)
        user = User(openid="two-hosts-buyer", nickname="买家")
        db.session.add_all([item, user])
        db.session.flush()
        service.grant_from_community(community_id=community.id, user_id=user.id, points=100,
                                     key="two-hosts:grant")
        db.session.commit()
        item_id, user_id = item.id, user.id
        db.session.remove()
    base = two_hosts["base"]
    headers = {**_login(base, "two-hosts-buyer"), "Idempotency-Key": "two-hosts-key-1"}

    def buy(_):
        resp = requests.post(f"{base}/api/v1/mall/items/{item_id}/redeem", headers=headers,
                             timeout=20)
        return resp.status_code, resp.json()["voucher"]["id"], resp.headers["X-Upstream"]

    with cf.ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(buy, range(6)))
    assert {s for s, _, _ in answers} == {201}
    assert len({v for _, v, _ in answers}) == 1
    assert len({u for _, _, u in answers}) == 2
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Voucher)
                                 .where(Voucher.user_id == user_id)) == 1
        assert service.balance(user_id) == 95
        db.session.remove()


def test_a_job_written_on_one_host_runs_once_on_a_worker(two_hosts, app, seeded):
    """A service request on one host notifies the staff: outbox rows, woken through Redis,
    run by an RQ worker (a third process), each pushed once."""
    from app.extensions import db
    from app.jobs import OutboxJob
    from app.notifications.models import Notification

    base = two_hosts["base"]
    headers = _login(base, "demo-resident-1")
    me = requests.get(f"{base}/api/v1/me", headers=headers, timeout=10).json()
    cats = requests.get(f"{base}/api/v1/categories", headers=headers, timeout=10).json()
    category = (cats["items"] if isinstance(cats, dict) else cats)[0]["id"]
    resp = requests.post(f"{base}/api/v1/requests", headers={
        **headers, "Idempotency-Key": "two-hosts-request"}, json={
        "category_id": category, "household_id": me["households"][0]["household_id"],
        "description": "两台主机：水管漏水"}, timeout=10)
    assert resp.status_code == 201, resp.text
    with app.app_context():
        rows = db.session.scalars(sa.select(OutboxJob)).all()
        assert rows and {r.status for r in rows} == {"pending"}
        db.session.remove()
    out = subprocess.run([str(ROOT / ".venv/bin/rq"), "worker", "--burst", "-w",
                          "rq.worker.SimpleWorker", "--url", two_hosts["env"]["REDIS_URL"],
                          "linlitong"], cwd=ROOT,
                         env=two_hosts["env"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    with app.app_context():
        rows = db.session.scalars(sa.select(OutboxJob)).all()
        assert {(r.status, r.attempts) for r in rows} == {("done", 1)}
        pushed = db.session.scalars(sa.select(Notification.push_status)).all()
        assert pushed and set(pushed) == {"sent"}
        db.session.remove()
