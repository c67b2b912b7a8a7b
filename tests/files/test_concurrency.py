"""Races on PostgreSQL with real parallel requests against several gunicorn workers."""
import concurrent.futures as cf
import io
import uuid

import pytest
import requests
import sqlalchemy as sa

from tests.factories import image_bytes

pytestmark = pytest.mark.postgres


def _login(base, openid, n):
    resp = requests.post(f"{base}/api/v1/auth/wechat-login",
                         json={"code": f"test:{openid}@f{n}"}, timeout=10)
    assert resp.status_code == 200, resp.text
    return {"Authorization": f"Bearer {resp.json()['token']}"}


def test_one_photo_sent_with_parallel_requests_is_attached_once(files, live_server, app):
    from app.extensions import db
    from app.orders.models import ServiceRequest

    headers = [_login(live_server, "demo-resident-1", i) for i in range(8)]
    up = requests.post(f"{live_server}/api/v1/files", headers=headers[0], timeout=10,
                       files={"file": ("p.jpg", io.BytesIO(image_bytes()), "image/jpeg")})
    assert up.status_code == 201, up.text
    photo = up.json()["id"]
    body = {"category_id": files.category("appliance_repair"),
            "household_id": files.household("demo-resident-1"),
            "description": "", "photo_ids": [photo]}

    def create(h):
        return requests.post(f"{live_server}/api/v1/requests", json=body, timeout=30,
                             headers={**h, "Idempotency-Key": uuid.uuid4().hex})

    with cf.ThreadPoolExecutor(len(headers)) as pool:
        answers = list(pool.map(create, headers))
    codes = sorted(a.status_code for a in answers)
    assert codes == [201] + [422] * (len(headers) - 1), [a.text for a in answers]
    winner = next(a for a in answers if a.status_code == 201).json()
    assert [p["id"] for p in winner["photos"]] == [photo]
    with app.app_context():
        # Requests whose photo was refused were rolled back whole: one request exists.
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ServiceRequest)) == 1
        assert files.stored(photo).record_id == winner["id"]
    big = requests.post(f"{live_server}/api/v1/files", headers=headers[0], timeout=30,
                        files={"file": ("b.pdf", io.BytesIO(b"%PDF-1.4\n" + b"x" * (6 << 20)),
                                        "application/pdf")})
    assert big.status_code == 413 and big.json()["error"]["code"] == "payload_too_large"
