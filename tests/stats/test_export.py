"""The Excel workbook opened back with openpyxl; the background job (202) and who may read it;
the party summary export as xlsx."""
import io
import time

import pytest
from openpyxl import load_workbook

from tests.stats.conftest import EXPECTED, FROM, TO

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export(client, headers, **query):
    return client.get("/api/v1/stats/export.xlsx", headers=headers,
                      query_string={"from": FROM, "to": TO, **query})


def cells(wb):
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for value in row:
                if value is not None:
                    yield ws.title, value


def check_workbook(data: bytes):
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["概览", "服务", "社情民意与调解", "志愿服务", "积分", "党建与治理",
                             "图表", "图表数据", "志愿者名单", "党员名单"]
    overview = wb["概览"]
    assert "2025-01-01 至 2025-12-31" in overview["A1"].value
    assert [c.value for c in overview[2]] == ["领域", "指标", "数值", "单位", "说明"]
    values = {r[1]: r[2] for r in overview.iter_rows(min_row=3, values_only=True)}
    assert values["完成服务"] == EXPECTED["services_done"]
    assert values["志愿时长（现场核验）"] == EXPECTED["volunteer_minutes_verified"]
    services = wb["服务"]
    assert [c.value for c in services[2]] == ["月份", "完成服务（单）", "服务住户（户）"]
    assert services["A3"].value == "2025-01" and services["B3"].value == 1
    assert services.cell(row=15, column=1).value == "合计"
    assert services.cell(row=15, column=2).value == EXPECTED["services_done"]
    charts = wb["图表"]._charts
    assert len(charts) == 3
    volunteers = [r for r in wb["志愿者名单"].iter_rows(min_row=3, values_only=True)]
    assert volunteers and all("*" in (r[1] or "*") for r in volunteers)  # phones masked
    assert [c.value for c in wb["党员名单"][2]] == ["姓名", "手机号", "工作单位", "报到社区",
                                                 "报到日期"]
    for sheet, value in cells(wb):
        assert not (isinstance(value, str) and value.startswith("=")), (sheet, value)
    return wb


def test_workbook_sheets_headers_charts_and_no_formula(client, login, world, app):
    from app.auth.models import User
    from app.extensions import db

    with app.app_context():  # a volunteer who typed a formula as their name
        db.session.get(User, world.resident).nickname = "=HYPERLINK(\"http://x\",\"点我\")"
        db.session.commit()
    resp = export(client, login("demo-staff-1"), community_id=world.c1)
    assert resp.status_code == 200, resp.get_json()
    assert resp.mimetype == XLSX
    assert "attachment" in resp.headers["Content-Disposition"]
    wb = check_workbook(resp.data)
    names = [r[0] for r in wb["志愿者名单"].iter_rows(min_row=3, values_only=True)]
    assert "'=HYPERLINK(\"http://x\",\"点我\")" in names


def _wait(client, headers, job_id, app):
    """The job runs in a thread without Redis; with Redis it waits on the queue, and the test
    plays the worker (runs it here, as `rq worker` would)."""
    from app.extensions import db
    from app.stats.jobs import run_export

    for _ in range(200):
        body = client.get(f"/api/v1/jobs/{job_id}", headers=headers).get_json()
        assert body["status"] in ("queued", "running", "finished"), body
        assert 0 <= body["progress"] <= 100
        if body["status"] == "finished":
            return body
        if body["status"] == "queued" and app.extensions.get("rq_queue") is not None:
            with app.app_context():
                run_export(job_id)
                db.session.commit()
                db.session.remove()
        time.sleep(0.05)
    raise AssertionError("the job did not finish")


def test_a_large_export_is_a_job_of_its_requester(client, login, world, app, monkeypatch,
                                                  make_user):
    make_user("street-1", roles=[("street_admin", {"street_id": world.street})])
    make_user("staff-2", roles=[("staff", {"community_id": world.c2})])
    monkeypatch.setitem(app.config, "STATS_EXPORT_SYNC_ROWS", 0)
    staff = login("demo-staff-1")
    resp = export(client, staff, community_id=world.c1)
    assert resp.status_code == 202, resp.get_json()
    job = resp.get_json()
    assert set(job) >= {"id", "status", "progress"} and job["status"] == "queued"
    assert "download_url" not in job
    # Nobody else sees it, whatever their role.
    for who in ("demo-admin", "street-1", "staff-2"):
        assert client.get(f"/api/v1/jobs/{job['id']}", headers=login(who)).status_code == 404
        assert client.get(f"/api/v1/jobs/{job['id']}/download",
                          headers=login(who)).status_code == 404
    assert client.get(f"/api/v1/jobs/{job['id']}").status_code == 401
    done = _wait(client, staff, job["id"], app)
    assert done["progress"] == 100 and done["download_url"] == f"/api/v1/jobs/{job['id']}/download"
    file = client.get(done["download_url"], headers=staff)
    assert file.status_code == 200 and file.mimetype == XLSX
    check_workbook(file.data)


def test_the_job_state_is_in_the_database(client, login, world, app, monkeypatch):
    from app.extensions import db
    from app.stats.models import ExportJob

    monkeypatch.setitem(app.config, "STATS_EXPORT_SYNC_ROWS", 0)
    staff = login("demo-staff-1")
    job_id = export(client, staff, community_id=world.c1).get_json()["id"]
    _wait(client, staff, job_id, app)
    with app.app_context():
        row = db.session.get(ExportJob, job_id)
        assert row.status == "finished" and row.content[:2] == b"PK"
        assert row.user_id == world.staff


def test_unknown_job_is_404(client, login, base):
    assert client.get("/api/v1/jobs/nope", headers=login("demo-staff-1")).status_code == 404


@pytest.mark.parametrize("who, status", [("staff-2", 403), ("nobody", 403), ("org-1", 200)])
def test_who_may_export(client, login, people, who, status):
    assert export(client, login(who), community_id=people.c1).status_code == status


def test_party_summary_export_has_an_xlsx_form(client, login, world, app):
    from app.party.service import CSV_HEADER

    resp = client.get("/api/v1/party/summaries/export.xlsx", headers=login("demo-staff-1"),
                      query_string={"community_id": world.c1, "year": 2025, "quarter": 2})
    assert resp.status_code == 200, resp.get_json()
    assert resp.mimetype == XLSX
    ws = load_workbook(io.BytesIO(resp.data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == CSV_HEADER
    assert len(rows) == 2  # the one member approved in June 2025
    assert client.get("/api/v1/party/summaries/export.xlsx", headers=login("demo-staff-2"),
                      query_string={"community_id": world.c1, "year": 2025,
                                    "quarter": 2}).status_code == 403
