"""Races on PostgreSQL with real parallel requests against several gunicorn workers."""
import concurrent.futures as cf

import pytest
import requests
import sqlalchemy as sa

from tests.talents.conftest import ALL_MET

pytestmark = pytest.mark.postgres


def _login(base, openid, n):
    resp = requests.post(f"{base}/api/v1/auth/wechat-login",
                         json={"code": f"test:{openid}@t{n}"}, timeout=10)
    assert resp.status_code == 200, resp.text
    return {"Authorization": f"Bearer {resp.json()['token']}"}


def test_parallel_appointments_take_one_seat(world, live_server):
    """Each request finds the candidate verified; the conditional UPDATE lets one win and the
    others roll back their seat (a name-only seat has no other guard)."""
    from app.organisations.models import OrgSeat

    org = world.party_org()
    talent = world.talent(name="李淑芬")  # no user: the seat is a name alone
    cid = world.nominate(org, talent_id=talent["id"])["id"]
    world.checks(org, cid, ALL_MET)
    world.post(f"/compound-party-orgs/{org}/candidates/{cid}/verify", "orgdept", {}, 200)
    headers = [_login(live_server, "orgdept", i) for i in range(8)]

    def appoint(h):
        return requests.post(f"{live_server}/api/v1/compound-party-orgs/{org}/candidates/"
                             f"{cid}/appoint", json={}, headers=h, timeout=30)

    with cf.ThreadPoolExecutor(len(headers)) as pool:
        answers = list(pool.map(appoint, headers))
    codes = sorted(a.status_code for a in answers)
    assert codes == [200] + [409] * (len(headers) - 1), [a.text for a in answers]
    seats = world.db_value(sa.select(sa.func.count()).select_from(OrgSeat))
    assert seats == 1
    winner = next(a for a in answers if a.status_code == 200).json()
    assert winner["status"] == "appointed" and winner["seat_id"]
