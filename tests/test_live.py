"""The app under gunicorn with several worker processes: nothing relies on process memory."""
import concurrent.futures as cf

import pytest
import requests


def _login(base, code):
    resp = requests.post(f"{base}/api/v1/auth/wechat-login", json={"code": code}, timeout=10)
    assert resp.status_code == 200, resp.text
    return {"Authorization": f"Bearer {resp.json()['token']}"}


def test_logout_holds_in_every_worker(live_server):
    headers = _login(live_server, "test:live-user@1")
    assert requests.get(f"{live_server}/api/v1/me", headers=headers, timeout=10).ok
    resp = requests.post(f"{live_server}/api/v1/auth/logout", headers=headers, timeout=10)
    assert resp.status_code == 204
    with cf.ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(
            lambda _: requests.get(f"{live_server}/api/v1/me", headers=headers,
                                   timeout=10).status_code, range(24)))
    assert codes == [401] * 24


def test_a_code_is_single_use_across_workers(live_server):
    """The same code sent at once to several workers: exactly one login."""
    def attempt(_):
        return requests.post(f"{live_server}/api/v1/auth/wechat-login",
                             json={"code": "test:race-user@1"}, timeout=10).status_code

    with cf.ThreadPoolExecutor(8) as pool:
        codes = sorted(pool.map(attempt, range(8)))
    assert codes == [200] + [401] * 7


@pytest.mark.redis
def test_login_rate_limit_is_shared_across_workers(backend, tmp_path_factory, app):
    """With Redis, the login limit counts requests from all workers together."""
    import os
    import subprocess
    import sys
    import time

    from tests.conftest import ROOT, _free_port

    db_url, redis_url = backend
    if not redis_url:
        pytest.skip("needs TEST_REDIS_URL (make test sets it with TEST_DATABASE_URL)")
    port = _free_port()
    env = {**os.environ, "APP_ENV": "testing", "DATABASE_URL": db_url, "REDIS_URL": redis_url,
           "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "3", "ACCESS_LOG": "",
           "TEST_LOGIN_RATE_LIMIT": "5 per minute"}
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
                             "wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                requests.get(base + "/healthz", timeout=3)
                break
            except requests.RequestException:
                time.sleep(0.2)
        with cf.ThreadPoolExecutor(6) as pool:
            codes = list(pool.map(lambda i: requests.post(
                f"{base}/api/v1/auth/wechat-login", json={"code": f"test:rl-user@{i}"},
                timeout=10).status_code, range(12)))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert codes.count(200) == 5 and codes.count(429) == 7


def test_first_logins_of_one_user_racing_make_one_user(live_server):
    def attempt(i):
        return requests.post(f"{live_server}/api/v1/auth/wechat-login",
                             json={"code": f"test:racing-newcomer@{i}"}, timeout=10)

    with cf.ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(attempt, range(8)))
    assert [a.status_code for a in answers] == [200] * 8
    assert len({a.json()["user"]["id"] for a in answers}) == 1


@pytest.mark.redis
def test_login_limits_behind_a_proxy_are_shared_across_workers(backend):
    """Three worker processes, one Redis: the per-client, global and per-openid login counts
    are each one count, and the client is the address the trusted proxy forwarded."""
    import os
    import subprocess
    import sys
    import time

    from tests.conftest import ROOT, _free_port

    db_url, redis_url = backend
    if not redis_url:
        pytest.skip("needs TEST_REDIS_URL (make test sets it with TEST_DATABASE_URL)")
    port = _free_port()
    env = {**os.environ, "APP_ENV": "testing", "DATABASE_URL": db_url, "REDIS_URL": redis_url,
           "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "3", "ACCESS_LOG": "",
           "TRUSTED_PROXIES": "1", "TEST_LOGIN_RATE_LIMIT": "4 per minute",
           "TEST_LOGIN_OPENID_RATE_LIMIT": "2 per minute",
           "TEST_LOGIN_GLOBAL_RATE_LIMIT": "7 per minute"}
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
                             "wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"

    def login(client_ip, code):
        return requests.post(f"{base}/api/v1/auth/wechat-login", json={"code": code},
                             headers={"X-Forwarded-For": client_ip}, timeout=10).status_code

    try:
        for _ in range(150):
            try:
                requests.get(base + "/healthz", timeout=3)
                break
            except requests.RequestException:
                time.sleep(0.2)
        with cf.ThreadPoolExecutor(6) as pool:
            # one address: 4 of 6 pass (the global count is now 4)
            first = list(pool.map(lambda i: login("203.0.113.1", f"test:crowd-{i}"), range(6)))
            # another address, one account three times: 2 pass (the global count is now 7)
            second = list(pool.map(lambda i: login("203.0.113.2", f"test:same-user@{i}"),
                                   range(3)))
        third = login("203.0.113.3", "test:late-comer")  # the ceiling of 7 is reached
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert sorted(first) == [200] * 4 + [429] * 2
    assert sorted(second) == [200] * 2 + [429]
    assert third == 429
