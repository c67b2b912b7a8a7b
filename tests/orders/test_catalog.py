"""Categories and partners: partial edits, a partner's own offer (服务清单), deactivation and
contract end, and what they mean for candidates, dispatch and the pool."""
from datetime import timedelta

API = "/api/v1"


def _resolve(doc, schema):
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def test_every_patch_body_is_partial_in_the_openapi_document(flow):
    doc = flow.client.get(f"{API}/openapi.json").get_json()
    patches = {path: ops["patch"] for path, ops in doc["paths"].items() if "patch" in ops}
    assert {f"{API}/categories/{{category_id}}", f"{API}/me", f"{API}/partners/{{partner_id}}",
            f"{API}/partners/{{partner_id}}/offer"} <= set(patches)
    for path, op in patches.items():
        body = _resolve(doc, op["requestBody"]["content"]["application/json"]["schema"])
        assert not body.get("required"), (path, body.get("required"))


def test_category_patch_changes_only_what_is_sent(flow):
    admin = flow.h("demo-admin")
    cid = flow.category("haircut")
    url = f"{API}/categories/{cid}"
    resp = flow.client.patch(url, headers=admin, json={"max_minutes": 90, "dispatch_hours": 6})
    assert resp.status_code == 200, resp.get_json()
    resp = flow.client.patch(url, headers=admin, json={"name": "上门理发"})
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["name"] == "上门理发" and body["code"] == "haircut"
    assert (body["max_minutes"], body["dispatch_hours"]) == (90, 6)  # not reset to defaults
    assert (body["payer"], body["points_per_hour"], body["accept_hours"]) == ("resident", 10, 12)
    assert flow.client.patch(url, headers=admin, json={}).status_code == 200
    assert flow.client.patch(url, headers=admin, json={"code": "errand"}).status_code == 409
    assert flow.client.patch(url, headers=admin, json={"payer": "x"}).status_code == 422
    assert flow.client.patch(url, headers=flow.h("demo-staff-1"),
                             json={"name": "理发"}).status_code == 403


def test_profile_patch_is_partial(flow):
    h = flow.h("demo-resident-1")
    before = flow.client.get(f"{API}/me", headers=h).get_json()["nickname"]
    resp = flow.client.patch(f"{API}/me", headers=h, json={})
    assert resp.status_code == 200 and resp.get_json()["nickname"] == before


def test_admin_edits_and_deactivates_a_partner(flow):
    admin, pid = flow.h("demo-admin"), flow.partner_id()
    url = f"{API}/partners/{pid}"
    resp = flow.client.patch(url, headers=admin, json={"capacity": 7, "description": "上门维修"})
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert (body["capacity"], body["description"], body["name"]) == (7, "上门维修",
                                                                     "观湖家电维修合作社")
    assert [c["code"] for c in body["categories"]] == ["appliance_repair", "plumbing"]
    assert flow.client.patch(url, headers=flow.h("demo-staff-1"),
                             json={"active": False}).status_code == 403
    assert flow.client.patch(url, headers=flow.h("demo-partner-1"),
                             json={"capacity": 99}).status_code == 403
    assert flow.client.patch(f"{API}/partners/99999", headers=admin,
                             json={"capacity": 1}).status_code == 404
    assert flow.client.patch(url, headers=admin,
                             json={"name": "隆昌助老服务中心"}).status_code == 409
    resp = flow.client.patch(url, headers=admin, json={"contract_end": "2025-12-31"})
    assert resp.status_code == 422  # before the contract's start (2026-01-01)
    assert flow.client.patch(url, headers=admin,
                             json={"category_ids": [99999]}).status_code == 404
    assert flow.client.patch(url, headers=admin,
                             json={"name": "违禁词维修"}).status_code == 422

    resp = flow.client.patch(url, headers=admin, json={"active": False})
    assert resp.status_code == 200 and resp.get_json()["active"] is False
    listed = flow.client.get(f"{API}/partners", headers=admin).get_json()["items"]
    assert pid not in [p["id"] for p in listed]
    everyone = flow.client.get(f"{API}/partners?include_inactive=true",
                               headers=admin).get_json()["items"]
    assert pid in [p["id"] for p in everyone]
    resident = flow.client.get(f"{API}/partners?include_inactive=true",
                               headers=flow.h("demo-resident-1")).get_json()["items"]
    assert pid not in [p["id"] for p in resident]
    rid = flow.create()["id"]
    resp = flow.do(rid, "dispatch", "demo-staff-1", {"partner_id": pid}, expect=422)
    assert resp["error"]["code"] == "partner_not_eligible"
    flow.client.patch(url, headers=admin, json={"active": True})
    flow.do(rid, "dispatch", "demo-staff-1", {"partner_id": pid})


def test_a_partner_edits_its_own_offer(flow, app):
    pid = flow.partner_id()
    url = f"{API}/partners/{pid}/offer"
    member = flow.h("demo-partner-1")
    errand, plumbing = flow.category("errand"), flow.category("plumbing")
    resp = flow.client.patch(url, headers=member, json={"category_ids": [plumbing, errand],
                                                        "capacity": 1})
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert [c["code"] for c in body["categories"]] == ["errand", "plumbing"]
    assert body["capacity"] == 1
    resp = flow.client.patch(url, headers=member, json={"capacity": 4})
    assert [c["code"] for c in resp.get_json()["categories"]] == ["errand", "plumbing"]
    assert flow.client.patch(url, headers=flow.h("demo-partner-2"),
                             json={"capacity": 9}).status_code == 403
    assert flow.client.patch(url, headers=flow.h("demo-staff-1"),
                             json={"capacity": 9}).status_code == 403
    assert flow.client.patch(url, headers=member, json={"capacity": -1}).status_code == 422
    assert flow.client.patch(url, headers=member, json={"name": "改名"}).status_code == 422
    assert flow.client.patch(url, headers=member,
                             json={"category_ids": [99999]}).status_code == 404
    flow.client.patch(f"{API}/categories/{errand}", headers=flow.h("demo-admin"), json={})
    from app.catalog.models import ServiceCategory
    from app.extensions import db

    with app.app_context():
        db.session.get(ServiceCategory, errand).active = False
        db.session.commit()
    assert flow.client.patch(url, headers=member,
                             json={"category_ids": [errand]}).status_code == 422
    # the new offer is what candidates and dispatch follow
    services = flow.client.get(f"{API}/communities/1/services?category_id={plumbing}",
                               headers=member).get_json()["items"]
    assert [p["id"] for p in services] == [pid]
    rid = flow.create()["id"]  # 家电维修: no longer offered
    resp = flow.do(rid, "dispatch", "demo-staff-1", {"partner_id": pid}, expect=422)
    assert resp["error"]["code"] == "partner_not_eligible"


def _end_contract(app, partner_id, on):
    from app.catalog.models import Partner
    from app.extensions import db

    with app.app_context():
        db.session.get(Partner, partner_id).contract_end = on
        db.session.commit()


def test_a_partner_whose_contract_ended_is_not_a_candidate_nor_dispatched_to(flow, app):
    from app.common.timeutil import SHANGHAI, utcnow

    today = utcnow().astimezone(SHANGHAI).date()
    pid = flow.partner_id()
    rid = flow.create()["id"]
    pooled = flow.to_state("pooled")
    _end_contract(app, pid, today - timedelta(days=1))
    candidates = flow.client.get(f"{API}/requests/{rid}/candidates",
                                 headers=flow.h("demo-staff-1")).get_json()["items"]
    assert pid not in [c["partner_id"] for c in candidates]
    resp = flow.do(rid, "dispatch", "demo-staff-1", {"partner_id": pid}, expect=422)
    assert resp["error"]["code"] == "partner_not_eligible"
    pool = flow.client.get(f"{API}/requests?scope=pool",
                           headers=flow.h("demo-partner-1")).get_json()["items"]
    assert pool == []
    flow.do(pooled, "claim", "demo-partner-1", expect=404)
    services = flow.client.get(f"{API}/communities/1/services",
                               headers=flow.h("demo-resident-1")).get_json()["items"]
    assert pid not in [p["id"] for p in services]
    # a contract ending today still runs today
    _end_contract(app, pid, today)
    flow.do(rid, "dispatch", "demo-staff-1", {"partner_id": pid})
    assert flow.get(rid)["status"] == "dispatched"


def test_an_admin_ends_a_contract_through_the_api(flow):
    from app.catalog.service import today

    pid, yesterday = flow.partner_id(), (today() - timedelta(days=1)).isoformat()
    resp = flow.client.patch(f"{API}/partners/{pid}", headers=flow.h("demo-admin"),
                             json={"contract_end": yesterday})
    assert resp.status_code == 200 and resp.get_json()["contract_end"] == yesterday
    listed = flow.client.get(f"{API}/partners", headers=flow.h("demo-resident-1"))
    assert pid not in [p["id"] for p in listed.get_json()["items"]]
